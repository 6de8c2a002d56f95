import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";

// Facts for the widget's product cards (SQL product_cards), by SKU.

export type ProductCardFacts = RpcResultOf<"product_cards">[number];

export async function productCards(db: Database, skus: string[]): Promise<ProductCardFacts[]> {
  return db.rpc("product_cards", { p_skus: skus });
}

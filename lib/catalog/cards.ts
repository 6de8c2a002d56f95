import type { Database } from "../db/types";

// Facts for the widget's product cards (SQL product_cards), by SKU.

export interface ProductCardFacts {
  sku: string;
  name: string;
  priceCents: number;
  summary: string;
}

export async function productCards(db: Database, skus: string[]): Promise<ProductCardFacts[]> {
  return db.rpc("product_cards", { p_skus: skus });
}

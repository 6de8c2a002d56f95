import { productCards } from "@/lib/catalog/cards";
import { database } from "@/lib/db";
import { parseWith } from "@/lib/http/body";
import { handle } from "@/lib/http/respond";
import { productCardsQuery } from "./schema";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

/** Name, price and description of catalog products, for the chat widget's product cards. */
export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const { sku } = parseWith(productCardsQuery, { sku: new URL(request.url).searchParams.getAll("sku") }, "products");
    const products = await productCards(await database(), [...new Set(sku)]);
    return Response.json({ products }, { headers: { "Cache-Control": "public, max-age=60" } });
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

import { productCards } from "@/lib/catalog/cards";
import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";
import { productCardsQuery } from "./schema";

export const dynamic = "force-dynamic";

/** Name, price and description of catalog products, for the chat widget's product cards. */
export const GET = publicRoute({
  surface: "products",
  query: productCardsQuery,
  handler: async ({ query, openDatabase }) =>
    Response.json({ products: await productCards(await openDatabase(), [...new Set(query.sku)]) }, { headers: { "Cache-Control": "public, max-age=60" } }),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

// Catalog tools: full-text and fuzzy search in SQL (search_catalog), one product by sku.
import { z } from "zod";
import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";
import { cachedRead } from "./catalog-cache";
import { ToolRefusal, type ToolDefinition } from "./types";

export type CatalogProduct = RpcResultOf<"catalog_products">[number] & {
  rank?: number;
  /** The featured selection for a question naming nothing (not matches). */
  featured?: boolean;
};

export function searchProducts(db: Database, query: string, limit: number): Promise<CatalogProduct[]> {
  const q = query.trim().toLowerCase().replace(/\s+/g, " ");
  return cachedRead(`search:${limit}:${q}`, () => db.rpc("search_catalog", { p_query: q, p_limit: limit }).then((rows) => rows ?? []));
}

/** One catalog product by SKU, or undefined. */
export async function productBySku(db: Database, sku: string): Promise<CatalogProduct | undefined> {
  const all = await cachedRead("catalog_products", () => db.rpc("catalog_products"));
  return all.find((p) => p.sku === sku.trim().toUpperCase());
}

export const searchCatalog: ToolDefinition<{ query: string; limit?: number }> = {
  name: "search_catalog",
  description:
    "Search the store catalog (full text, typo tolerant) over name, category, description and tags. " +
    "An empty or general query (\"what do you have?\") returns a featured selection.",
  input: z.object({
    query: z.string().max(200).describe("What the visitor is looking for, in a few words"),
    limit: z.number().int().min(1).max(10).optional().describe("At most this many products (default 5)"),
  }),
  async execute({ query, limit }, run) {
    const products = await searchProducts(run.db, query, limit ?? 5);
    return { query, products };
  },
};

export const productDetails: ToolDefinition<{ sku: string }> = {
  name: "product_details",
  description: "The facts of one catalog product (name, price, description, tags, pickup location) by its SKU.",
  input: z.object({ sku: z.string().min(1).max(64).describe("The product's SKU, e.g. TRL-LAMP") }),
  async execute({ sku }, run) {
    const product = await productBySku(run.db, sku);
    if (!product) throw new ToolRefusal(`No product with SKU ${sku} in the catalog.`);
    return { product };
  },
};

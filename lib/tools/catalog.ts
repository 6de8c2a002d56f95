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

const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3);

/** Everyday words the catalog does not use, with catalog words near them ("a small office" → the laptop daypack). */
const related: [RegExp, string][] = [
  [/\b(office|work|desk|commut\w*|city|school|laptop|business)\b/i, "laptop commute travel"],
  [/\b(team|staff|colleagues?|corporate|event|gifts?|present|clients?|employees?)\b/i, "gift team event"],
  [/\b(kitchen|cook\w*|food|drinks?|coffee|tea|meals?)\b/i, "cooking coffee"],
  [/\b(kids?|family|children|child)\b/i, "family"],
  [/\b(cold|snow|winter|freezing)\b/i, "warm winter"],
  [/\b(dark|night|light)\b/i, "light night"],
];

/**
 * With nothing found: the featured product (the cheapest) of each of the categories nearest to the
 * question — the categories of the products sharing the longest word beginnings with it, then the
 * others in their featured order — at most three, and one narrowing question over their categories.
 */
export async function nearestFeatured(db: Database, query: string): Promise<{ suggestions: CatalogProduct[]; question: string }> {
  const featured = await searchProducts(db, "", 10);
  const all = await cachedRead("catalog_products", () => db.rpc("catalog_products"));
  const asked = words([query, ...related.filter(([re]) => re.test(query)).map(([, near]) => near)].join(" "));
  const score = (p: CatalogProduct) => {
    const text = words(`${p.name} ${p.category} ${p.description} ${(p.tags ?? []).join(" ")}`);
    return asked.reduce((n, a) => Math.max(n, ...text.map((t) => {
      let k = 0;
      while (k < a.length && k < t.length && a[k] === t[k]) k++;
      return k >= 4 ? k : 0;
    })), 0);
  };
  const near = new Map<string, number>();
  for (const p of all) near.set(p.category, Math.max(near.get(p.category) ?? 0, score(p)));
  const suggestions = [...featured].sort((a, b) => (near.get(b.category) ?? 0) - (near.get(a.category) ?? 0)).slice(0, 3);
  const categories = [...new Set(suggestions.map((s) => s.category))];
  const or = categories.length > 1 ? `${categories.slice(0, -1).join(", ")} or ${categories.at(-1)}` : categories[0] ?? "";
  return { suggestions, question: `What will you use it for — is it closer to ${or}, or something else?` };
}

export const searchCatalog: ToolDefinition<{ query: string; limit?: number }> = {
  name: "search_catalog",
  description:
    "Search the store catalog (full text, typo tolerant) over name, category, description and tags. " +
    "An empty or general query (\"what do you have?\") returns a featured selection. When nothing matches, " +
    "`suggestions` holds featured products of the nearest categories and `question` one narrowing question to ask.",
  input: z.object({
    query: z.string().max(200).describe("What the visitor is looking for, in a few words"),
    limit: z.number().int().min(1).max(10).optional().describe("At most this many products (default 5)"),
  }),
  async execute({ query, limit }, run) {
    const products = await searchProducts(run.db, query, limit ?? 5);
    if (products.length > 0 || !query.trim()) return { query, products };
    return { query, products, ...(await nearestFeatured(run.db, query)) };
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

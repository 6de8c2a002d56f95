// Product helpers shared by the agents: catalog search from free text, reading
// products back out of stored tool outputs, and wording product facts.
import type { Catalog, Product, StoredMessage } from "../chat/types";

const STOPWORDS = new Set(
  (
    "a an the and or but of for to in on at by with from into about as is are was were be been am " +
    "i im i'm me my we our you your it its this that these those there here some any something anything " +
    "need needs want wants wanted looking look find show give get got buy buying purchase recommend " +
    "recommendation suggest suggestion please thanks thank hi hello hey can could would should will do does " +
    "have has what which who how much many good best nice great like love just also really very more " +
    "one ones thing things item items product products stuff kind sort type maybe perhaps help " +
    "ok okay yes no then again now too so well"
  ).split(" "),
);

const priceFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function formatPrice(cents: number): string {
  return priceFormat.format(cents / 100);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A stored product as the catalog returned it (tool outputs come back from JSON, so check the shape). */
export function isProduct(value: unknown): value is Product {
  return (
    isRecord(value) &&
    typeof value.sku === "string" &&
    typeof value.name === "string" &&
    typeof value.category === "string" &&
    typeof value.description === "string" &&
    typeof value.priceCents === "number" &&
    Array.isArray(value.tags) &&
    value.tags.every((t) => typeof t === "string") &&
    typeof value.pickupLocation === "string"
  );
}

/** The tool outputs stored in a message's metadata, or {}. */
export function toolOutputsOf(metadata: unknown): Record<string, unknown> {
  if (!isRecord(metadata) || !isRecord(metadata.toolOutputs)) return {};
  return metadata.toolOutputs;
}

/**
 * Every product found in tool outputs: a tool's `product` first (the one in focus),
 * then its `products` list. Deduplicated by sku, in order.
 */
export function productsInToolOutputs(toolOutputs: unknown): Product[] {
  if (!isRecord(toolOutputs)) return [];
  const focused: Product[] = [];
  const listed: Product[] = [];
  for (const output of Object.values(toolOutputs)) {
    if (!isRecord(output)) continue;
    if (isProduct(output.product)) focused.push(output.product);
    if (Array.isArray(output.products)) listed.push(...output.products.filter(isProduct));
  }
  const seen = new Set<string>();
  return [...focused, ...listed].filter((p) => !seen.has(p.sku) && seen.add(p.sku));
}

/** A product by sku from the metadata of the message that produced a button (R10). */
export function productFromSource(actionSource: unknown, sku: string): Product | null {
  return productsInToolOutputs(toolOutputsOf(actionSource)).find((p) => p.sku === sku) ?? null;
}

/** The product most recently in focus in the session: newest agent message first. */
export function recentProduct(history: StoredMessage[]): Product | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const message = history[i];
    if (message.role !== "agent") continue;
    const products = productsInToolOutputs(toolOutputsOf(message.metadata));
    if (products.length > 0) return products[0];
  }
  return null;
}

function singular(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(xes|ses|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** The meaningful words of a visitor's message, lowercased, without filler. */
export function searchKeywords(text: string, extraStopwords: readonly string[] = []): string[] {
  const extra = new Set(extraStopwords);
  const words = text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  const keywords: string[] = [];
  for (const raw of words) {
    const word = raw.replace(/'s$/, "");
    if (word.length < 2 || STOPWORDS.has(word) || extra.has(word) || /^\d+$/.test(word)) continue;
    if (!keywords.includes(word)) keywords.push(word);
  }
  return keywords.slice(0, 6);
}

export interface CatalogSearch {
  query: string;
  products: Product[];
}

function startsAWord(product: Product, term: string): boolean {
  const text = [product.name, product.category, product.description, ...product.tags].join(" ").toLowerCase();
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}`, "u").test(text);
}

/**
 * Searches the catalog for a free-text need: all keywords together first; when that
 * finds fewer than `limit`, each keyword alone (singular form, matching at a word start)
 * fills up, ranked by how many keywords matched — with two or more keywords, a
 * filler must match two when the full search found something. At most 6 catalog queries.
 */
export async function searchCatalog(
  catalog: Catalog,
  text: string,
  limit: number,
  extraStopwords: readonly string[] = [],
): Promise<CatalogSearch> {
  const keywords = searchKeywords(text, extraStopwords);
  const query = keywords.join(" ");
  if (!query) return { query, products: [] };
  const direct = (await catalog.search(query, limit)).slice(0, limit);
  const terms = [...new Set(keywords.map(singular))].slice(0, 5);
  if (direct.length >= limit || (terms.length === 1 && terms[0] === query)) return { query, products: direct };

  const score = new Map<string, { product: Product; hits: number; order: number }>();
  let order = 0;
  for (const term of terms) {
    for (const product of await catalog.search(term, limit + direct.length)) {
      if (direct.some((d) => d.sku === product.sku) || !startsAWord(product, term)) continue;
      const entry = score.get(product.sku) ?? { product, hits: 0, order: order++ };
      entry.hits += 1;
      score.set(product.sku, entry);
    }
  }
  const minHits = direct.length > 0 && terms.length > 1 ? 2 : 1;
  const fillers = [...score.values()]
    .filter((e) => e.hits >= minHits)
    .sort((a, b) => b.hits - a.hits || a.order - b.order)
    .map((e) => e.product);
  return { query, products: [...direct, ...fillers].slice(0, limit) };
}

/** One line for a list: "Trail Lantern (Camping) — $24.00: A bright, rechargeable lantern." */
export function productLine(product: Product): string {
  const summary = product.description.split(/(?<=[.!?])\s/)[0] ?? product.description;
  return `${product.name} (${product.category}) — ${formatPrice(product.priceCents)}: ${summary}`;
}

/** A full description block for a product. */
export function productDetails(product: Product): string {
  const lines = [
    `${product.name} — ${formatPrice(product.priceCents)}`,
    `Category: ${product.category} · SKU ${product.sku}`,
    product.description,
  ];
  if (product.tags.length > 0) lines.push(`Good for: ${product.tags.join(", ")}`);
  lines.push(`Pickup: ${product.pickupLocation}`);
  return lines.join("\n");
}

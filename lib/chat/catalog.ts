import type { Catalog, Product } from "./types";
import type { Database } from "../db/types";

// The demo catalog, read from the database and kept for a minute: reference
// data the agents search on every turn without a third round trip.

interface ProductRow {
  sku: string;
  name: string;
  category: string;
  description: string;
  price_cents: number;
  tags: string[];
  pickup_location: string;
}

const ttlMs = 60_000;
const key = Symbol.for("threadline.catalog");
type Holder = { [key]?: { at: number; products: Promise<Product[]> } };

function load(db: Database): Promise<Product[]> {
  const holder = globalThis as Holder;
  const cached = holder[key];
  if (cached && Date.now() - cached.at < ttlMs) return cached.products;
  const products = db.rpc<ProductRow[]>("catalog_products").then((rows) =>
    rows.map((r) => ({
      sku: r.sku,
      name: r.name,
      category: r.category,
      description: r.description,
      priceCents: r.price_cents,
      tags: r.tags,
      pickupLocation: r.pickup_location,
    })),
  );
  holder[key] = { at: Date.now(), products };
  products.catch(() => delete holder[key]);
  return products;
}

const text = (p: Product) => [p.sku, p.name, p.category, p.description, ...p.tags].join(" ").toLowerCase();

/** Every word of the query must appear; products whose name matches rank first. */
export function databaseCatalog(db: Database): Catalog {
  return {
    async search(query, limit) {
      const words = query.toLowerCase().split(/\s+/).filter(Boolean);
      if (words.length === 0) return [];
      const matches = (await load(db)).filter((p) => words.every((w) => text(p).includes(w)));
      const nameHits = (p: Product) => words.filter((w) => p.name.toLowerCase().includes(w)).length;
      return matches.sort((a, b) => nameHits(b) - nameHits(a)).slice(0, limit);
    },
    async get(sku) {
      return (await load(db)).find((p) => p.sku === sku.toUpperCase()) ?? null;
    },
  };
}

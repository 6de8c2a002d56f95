"use client";

// Product cards for a reply: one per button that opens a product (action
// `product_details` with a `sku`). Their facts come from the reply's metadata
// when the server put product data there (tool outputs, read defensively),
// otherwise from GET /api/products.

import { useEffect, useMemo, useState } from "react";
import { fetchProductCards } from "./api";
import type { ProductCard, ReplyButton } from "./types";

export const PRODUCT_ACTION = "product_details";

export function productSku(button: ReplyButton): string | null {
  const sku = button.action.payload?.sku;
  return button.action.id === PRODUCT_ACTION && typeof sku === "string" && sku !== "" ? sku : null;
}

function priceCentsOf(o: Record<string, unknown>): number | null {
  for (const key of ["priceCents", "price_cents"]) {
    const v = o[key];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  const price = o.price;
  if (typeof price === "number" && Number.isFinite(price)) return Math.round(price * 100);
  return null;
}

/** Every object with a string `sku` and `name` found in the metadata (bounded walk). */
export function productsInMetadata(metadata: Record<string, unknown> | null | undefined): Map<string, ProductCard> {
  const found = new Map<string, ProductCard>();
  const pending: Array<{ value: unknown; depth: number }> = [{ value: metadata, depth: 0 }];
  let visited = 0;
  while (pending.length && visited < 500) {
    const { value, depth } = pending.pop()!;
    visited += 1;
    if (!value || typeof value !== "object" || depth > 6) continue;
    if (Array.isArray(value)) {
      for (const item of value) pending.push({ value: item, depth: depth + 1 });
      continue;
    }
    const o = value as Record<string, unknown>;
    if (typeof o.sku === "string" && typeof o.name === "string" && !found.has(o.sku)) {
      const summary = [o.summary, o.description, o.blurb].find((v): v is string => typeof v === "string") ?? "";
      found.set(o.sku, { sku: o.sku, name: o.name, priceCents: priceCentsOf(o), summary });
    }
    for (const item of Object.values(o)) pending.push({ value: item, depth: depth + 1 });
  }
  return found;
}

// Catalog facts already fetched in this page view (reference data; the catalog is the copy).
const known = new Map<string, ProductCard>();

/** The facts for these SKUs: from the metadata, then the catalog. Missing ones stay missing. */
export function useProductFacts(skus: string[], metadata: Record<string, unknown> | null): Map<string, ProductCard> {
  const fromMetadata = useMemo(() => productsInMetadata(metadata), [metadata]);
  const key = skus.join(",");
  const [, setLoaded] = useState(0);

  useEffect(() => {
    const missing = key.split(",").filter((sku) => sku && !fromMetadata.has(sku) && !known.has(sku));
    if (missing.length === 0) return;
    const controller = new AbortController();
    fetchProductCards(missing.slice(0, 12), controller.signal)
      .then((cards) => {
        for (const card of cards) known.set(card.sku, card);
        setLoaded((n) => n + 1);
      })
      .catch(() => {
        // the card falls back to the button's label
      });
    return () => controller.abort();
  }, [key, fromMetadata]);

  const facts = new Map<string, ProductCard>();
  for (const sku of skus) {
    const card = fromMetadata.get(sku) ?? known.get(sku);
    if (card) facts.set(sku, card);
  }
  return facts;
}

export function formatPrice(cents: number | null): string | null {
  if (cents === null) return null;
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
}

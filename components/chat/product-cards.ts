"use client";

// Product cards for a reply: one per button that opens a product (action
// `product_details` with a `sku`). Their facts come from GET /api/products.

import { useEffect, useState } from "react";
import { fetchProductCards } from "./api";
import type { Button } from "@/lib/chat/wire";
import type { ProductCard } from "./types";

export const PRODUCT_ACTION = "product_details";

export function productSku(button: Button): string | null {
  const sku = button.action.payload?.sku;
  return button.action.id === PRODUCT_ACTION && typeof sku === "string" && sku !== "" ? sku : null;
}

// Catalog facts already fetched in this page view (reference data; the catalog is the copy).
const known = new Map<string, ProductCard>();

/** The catalog's facts for these SKUs. Missing ones stay missing (the card shows the button's label). */
export function useProductFacts(skus: string[]): Map<string, ProductCard> {
  const key = skus.join(",");
  const [, setLoaded] = useState(0);

  useEffect(() => {
    const missing = key.split(",").filter((sku) => sku && !known.has(sku));
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
  }, [key]);

  const facts = new Map<string, ProductCard>();
  for (const sku of skus) {
    const card = known.get(sku);
    if (card) facts.set(sku, card);
  }
  return facts;
}

export function formatPrice(cents: number | null): string | null {
  if (cents === null) return null;
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
}

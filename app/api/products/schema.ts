import { z } from "zod";

// GET /api/products?sku=A&sku=B: 1 to 12 catalog SKUs.
export const productCardsQuery = z.object({
  sku: z
    .array(z.string().regex(/^[A-Z0-9-]{1,32}$/, "sku must be a catalog SKU"))
    .min(1, "name at least one sku")
    .max(12, "at most 12 skus"),
});

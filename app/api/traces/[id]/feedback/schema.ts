import { z } from "zod";

// An operator sets a rating, or clears it with "pending".
export const traceFeedbackSchema = z
  .object({
    rating: z.enum(["positive", "negative", "pending"], { error: "rating must be positive, negative or pending" }),
    comment: z.string().trim().max(2000, "comment must be at most 2000 characters").optional(),
  })
  .strict();

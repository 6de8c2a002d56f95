import { z } from "zod";

export const feedbackSchema = z
  .object({
    rating: z.enum(["positive", "negative"], { error: "rating must be positive or negative" }),
    comment: z.string().trim().max(2000, "comment must be at most 2000 characters").optional(),
  })
  .strict();

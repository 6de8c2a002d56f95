import { z } from "zod";
import type { ErrorSurface } from "../errors";

// The two feedback routes (a visitor rates a session, an operator rates a trace; docs/rules.md,
// "Scores and comments") take the same body but for the ratings they accept.

/** "a or b", "a, b or c" */
function oneOf(words: readonly string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

/** The surface, body and size limit of a feedback route accepting `ratings`. */
export function feedbackRequest<const R extends readonly [string, ...string[]]>(ratings: R) {
  const body = z
    .object({
      rating: z.enum(ratings, { error: `rating must be ${oneOf(ratings)}` }),
      comment: z.string().trim().max(2000, "comment must be at most 2000 characters").optional(),
    })
    .strict();
  const surface: ErrorSurface = "feedback";
  return { surface, body, maxBytes: 8 * 1024 };
}

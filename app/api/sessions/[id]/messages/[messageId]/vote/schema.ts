import { z } from "zod";

export const voteSchema = z
  .object({
    vote: z.enum(["up", "down"], { error: "vote must be up, down or null" }).nullable(),
  })
  .strict();

import { z } from "zod";

// The shapes of the review queues API (docs/architecture.md, "Review queues"): request bodies shared by
// the routes and the Review pages. No server-only imports.

const configName = z.string().trim().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "a score config's name");

export const reviewQueueBodySchema = z
  .object({
    name: z.string().trim().min(1, "name is empty").max(100, "name must be at most 100 characters"),
    scoreConfigs: z.array(configName).min(1, "name at least one score config").max(20),
    feed: z
      .object({
        negativeVisitorScore: z.boolean().optional(),
        failedStep: z.boolean().optional(),
        handoff: z.boolean().optional(),
        minCost: z.number().finite().min(0).optional(),
        agent: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "an agent's key").optional(),
        sampleRate: z.number().gt(0, "sampleRate is above 0").max(1, "sampleRate is at most 1").optional(),
      })
      .strict()
      .refine((f) => f.negativeVisitorScore || f.failedStep || f.handoff || f.minCost !== undefined || f.agent || f.sampleRate !== undefined, {
        message: "feed needs at least one rule",
      }),
  })
  .strict();

/**
 * A reviewing seat: the same operator (the admin token is one author) in two browser tabs holds two
 * leases, so two people sharing a login never get the same item.
 */
const seat = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "seat is 1 to 64 letters, digits, _ or -").optional();

export const reviewNextBodySchema = z.object({ seat }).strict();

export const reviewScoreSchema = z
  .object({
    name: configName,
    value: z.union([z.boolean(), z.number().finite(), z.string().trim().min(1).max(60)]),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict();

export const reviewCompleteBodySchema = z.object({ seat, scores: z.array(reviewScoreSchema).max(20).optional() }).strict();

export const reviewPreviousBodySchema = z.object({ seat, before: z.uuid().optional() }).strict();

/** PATCH /api/review-queues/{id}: archives a queue (`{archived: true}`: fed no more, left out of the list) or brings it back. */
export const reviewQueuePatchSchema = z.object({ archived: z.boolean({ error: "archived must be true or false" }) }).strict();

/** GET /api/review-queues?archived=true: the archived queues too. */
export const reviewQueuesQuerySchema = z.object({ archived: z.enum(["true", "false"]).optional() });

export type ReviewQueueBody = z.infer<typeof reviewQueueBodySchema>;
export type ReviewScore = z.infer<typeof reviewScoreSchema>;

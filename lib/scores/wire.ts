import { z } from "zod";

// The shapes of the scores and comments API (docs/architecture.md, "Scores and comments"): request
// bodies and queries, shared by the routes and the trace detail's forms. No server-only imports.

export const scoreDataTypes = ["numeric", "categorical", "boolean"] as const;
export const scoreSources = ["visitor", "operator", "evaluator", "api"] as const;
export const scoreOps = ["lt", "lte", "eq", "gte", "gt"] as const;

const name = z.string().trim().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "name is lower-case letters, digits, _ . - (at most 64)");
const label = z.string().trim().min(1).max(60);

export const scoreConfigBodySchema = z
  .object({
    name,
    dataType: z.enum(scoreDataTypes, { error: `dataType must be one of: ${scoreDataTypes.join(", ")}` }),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    categories: z.array(label).min(1).max(20).optional(),
    description: z.string().trim().max(1000).optional(),
  })
  .strict();

const id = z.uuid();

export const scoreBodySchema = z
  .object({
    traceId: id.optional(),
    messageId: id.optional(),
    observationId: id.optional(),
    name,
    value: z.union([z.boolean(), z.number().finite(), z.string().trim().min(1).max(60)]),
    comment: z.string().trim().max(2000, "comment must be at most 2000 characters").optional(),
  })
  .strict()
  .refine((b) => [b.traceId, b.messageId, b.observationId].filter(Boolean).length === 1, {
    message: "name exactly one of traceId, messageId and observationId",
  });

export const scoresQuerySchema = z.object({ traceId: id });

export const commentBodySchema = z
  .object({
    content: z.string().trim().min(1, "content is empty").max(4000, "content must be at most 4000 characters"),
    messageId: id.optional(),
  })
  .strict();

export const commentEditSchema = z.object({ content: commentBodySchema.shape.content }).strict();

export type ScoreBody = z.infer<typeof scoreBodySchema>;
export type ScoreConfigBody = z.infer<typeof scoreConfigBodySchema>;

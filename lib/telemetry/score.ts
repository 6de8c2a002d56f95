import { z } from "zod";

// An exported score as public.otlp_score() answers it (docs/privacy.md, "OTLP export"): the comment
// already masked, and only with OTEL_GENAI_CAPTURE_CONTENT.

const text = z.string().nullish();

export const scoreSchema = z.object({
  score: z.object({
    id: z.string(),
    name: z.string(),
    data_type: z.enum(["numeric", "categorical", "boolean"]),
    value: z.coerce.number(),
    label: text,
    source: z.string(),
    author: z.string(),
    message_id: text,
    observation_id: text,
    updated_at: z.string(),
    comment: text,
  }),
  trace: z.object({ id: z.string(), agent_type: z.string(), agent_version: z.number().nullish() }),
  session: z.object({ id: z.string(), tag: z.string(), user_id: z.string(), channel: z.string() }),
});

/** What a score's outbox row keeps: its key (one pending row per target, config and author), the score and the transaction. */
export const scoreRefSchema = z.object({ key: z.string().regex(/^score:/), score_id: z.uuid(), tx: z.string().regex(/^\d+$/) });

export type ExportedScore = z.infer<typeof scoreSchema>;
export type ScoreRef = z.infer<typeof scoreRefSchema>;

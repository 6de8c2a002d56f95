import { z } from "zod";

// The finished spans of an outbox row written before spans were built in TypeScript (turns, and the
// feedback rows queued before scores were; docs/privacy.md). A turn's row now names the turn
// (lib/telemetry/turn.ts), a score's row the score (lib/telemetry/score.ts).

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));
const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.array(z.number()), z.array(z.boolean())]);
const attributes = z.record(z.string(), attributeValue).default({});

export const outboxSpanSchema = z.object({
  span_id: hex(16),
  parent_span_id: hex(16).nullish(),
  name: z.string().min(1),
  start_ms: z.number(),
  end_ms: z.number(),
  attributes,
  status: z.object({ code: z.literal("error"), message: z.string() }).nullish(),
  events: z.array(z.object({ name: z.string().min(1), time_ms: z.number(), attributes })).default([]),
});

export const outboxPayloadSchema = z.object({ trace_id: hex(32), spans: z.array(outboxSpanSchema).min(1) });

export const outboxRowSchema = z.object({
  id: z.union([z.number(), z.string()]).transform((v) => String(v)),
  kind: z.enum(["turn", "feedback", "score"]),
  attempts: z.number(),
  payload: z.unknown(),
});

export type OutboxSpan = z.infer<typeof outboxSpanSchema>;
export type OutboxPayload = z.infer<typeof outboxPayloadSchema>;

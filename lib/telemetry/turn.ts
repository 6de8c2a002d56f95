import { z } from "zod";

// An exported turn as public.otlp_turn() answers it (docs/privacy.md, "OTLP export"): already masked,
// content only with OTEL_GENAI_CAPTURE_CONTENT. Timestamps keep Postgres's microseconds.

const time = z.string();
const text = z.string().nullish();

export const turnStepSchema = z.object({
  id: z.string(),
  parent_id: z.string().nullish(),
  kind: z.enum(["generation", "tool", "transcription", "speech"]),
  name: z.string(),
  status: z.enum(["ok", "error"]),
  started_at: time,
  ended_at: time,
  model: text,
  /** the model the provider answered with (gen_ai.response.model) */
  response_model: text,
  provider: text,
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cached_input_tokens: z.number().nullish(),
  time_to_first_token_ms: z.number().nullish(),
  finish_reason: text,
  cost_usd: z.coerce.number().nullish(),
  tool_call_id: text,
  arguments: text,
  result: text,
  error: text,
});

export const turnSchema = z.object({
  question: z.object({ id: z.string(), created_at: time, handoff_from: text, content: text }),
  reply: z.object({ created_at: time, partial: z.boolean(), content: text }).nullish(),
  session: z.object({ id: z.string(), tag: z.string(), user_id: z.string(), channel: z.string(), previous_id: text }),
  trace: z.object({ id: z.string(), status: z.string(), agent_version: z.number().nullish(), last_error: text }),
  agent: z.object({ key: z.string(), name: z.string(), description: text }),
  model: z.object({ key: z.string(), provider: z.string() }).nullish(),
  steps: z.array(turnStepSchema),
});

/** What a turn's outbox row keeps: its key (the span ids come from it), question and transaction time. */
export const turnRefSchema = z.object({ key: z.string().regex(/^turn:[0-9a-f-]{36}:\d+$/), question_id: z.uuid(), at: time });

export type Turn = z.infer<typeof turnSchema>;
export type TurnStep = z.infer<typeof turnStepSchema>;
export type TurnRef = z.infer<typeof turnRefSchema>;

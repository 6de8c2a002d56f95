import { z } from "zod";

// Rows as the SQL functions return them (jsonb_build_object / to_jsonb shapes), shared by several
// functions of the registry (lib/db/registry.ts). Numbers that are numeric in SQL may arrive as strings.

export const numeric = z.union([z.number(), z.string()]);
const json = z.record(z.string(), z.unknown());

export const messageRowSchema = z.object({
  id: z.string(),
  seq: z.number(),
  session_id: z.string(),
  role: z.enum(["user", "agent", "system"]),
  content: z.string(),
  metadata: json.nullable(),
  client_message_id: z.string().nullable(),
  reply_to: z.string().nullable(),
  is_partial: z.boolean(),
  created_at: z.string(),
  audio_url: z.string().nullish(),
  vote: z.enum(["up", "down"]).nullish(),
  /** "Try again" replaced this reply (docs/architecture.md "Try again"); the trace detail shows it. */
  superseded_at: z.string().nullish(),
  superseded_by: z.string().nullish(),
});

/** A message as the model's context holds it (public.session_context): who said what, nothing more. */
export const historyMessageSchema = z.object({
  id: z.string(),
  seq: z.number(),
  role: z.enum(["user", "agent", "system"]),
  content: z.string(),
});

/** A session that ended (close_session, turn_endings, close_idle_sessions); logged by lib/chat/endings.ts. */
export const sessionEndingSchema = z.object({
  session_id: z.string(),
  user_id: z.string(),
  event: z.enum(["ended", "expired"]),
  reason: z.enum(["user", "agent_switch", "idle", "new_chat", "superseded"]),
  agent_type: z.string(),
  session_tag: z.string(),
  started_at: z.string(),
  ended_at: z.string(),
  duration_seconds: z.number().int().min(0),
  message_count: z.number().int().min(0),
});

export const sessionRowSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  channel: z.string(),
  agent_type: z.string(),
  /** the agent's name (agents.name), or its key when no agent has it any more */
  agent_name: z.string(),
  session_tag: z.string(),
  is_active: z.boolean(),
  tracking_enabled: z.boolean(),
  started_at: z.string(),
  last_activity_at: z.string(),
  ended_at: z.string().nullable(),
  end_reason: z.string().nullable(),
  duration_seconds: z.number().nullable(),
  model: z.object({ id: z.string(), key: z.string(), name: z.string(), provider: z.enum(["offline", "openai_compatible"]) }),
  trace_id: z.string().nullable(),
});

/** What an agent, each of its versions and its definition for a turn hold alike (lib/db/rpc/agents.ts). */
export const agentContent = {
  name: z.string(),
  description: z.string(),
  instructions: z.string(),
  greeting: z.string().nullable(),
  model_key: z.string().nullable(),
  tools: z.array(z.string()),
  handoffs: z.array(z.string()),
};

export const agentDefinitionSchema = z.object({
  key: z.string(),
  ...agentContent,
  greeting: z.string().nullish(),
  model_key: z.string().nullish(),
  version: z.number(),
});

export const traceRowSchema = z.object({
  id: z.string(),
  session_id: z.string(),
  session_tag: z.string(),
  user_id: z.string(),
  /** the session's channel: web, whatsapp */
  channel: z.string(),
  agent_type: z.string(),
  model_key: z.string(),
  model_name: z.string(),
  experiment_name: z.string().nullable(),
  llm_calls: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  total_tokens: z.number(),
  latency_ms: z.number(),
  /** numeric(16, 8) in USD */
  cost_usd: numeric,
  agent_version: z.number().nullable(),
  tool_calls: z.number(),
  error_count: z.number(),
  tools_used: z.array(z.string()),
  votes_up: z.number(),
  votes_down: z.number(),
  status: z.string(),
  last_error: z.string().nullable(),
  feedback: z.string(),
  feedback_comment: z.string().nullable(),
  /** operators' comments on the trace (trace_comments) */
  comments_count: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const observationRowSchema = z.object({
  id: z.string(),
  message_id: z.string().nullable(),
  parent_id: z.string().nullable(),
  position: z.number(),
  kind: z.enum(["generation", "tool", "transcription", "speech"]),
  name: z.string(),
  status: z.enum(["ok", "error"]),
  started_at: z.string(),
  ended_at: z.string(),
  duration_ms: z.number(),
  model: z.string().nullable(),
  input_tokens: z.number().nullable(),
  output_tokens: z.number().nullable(),
  cached_input_tokens: z.number().nullable(),
  time_to_first_token_ms: z.number().nullable(),
  finish_reason: z.string().nullable(),
  cost_usd: numeric.nullable(),
  tool_call_id: z.string().nullable(),
  arguments: z.unknown(),
  result: z.unknown(),
  payload_cap_bytes: z.number().nullable(),
  truncated: z.boolean(),
  error: z.string().nullable(),
});

export type MessageRow = z.infer<typeof messageRowSchema>;
export type SessionRow = z.infer<typeof sessionRowSchema>;
export type AgentDefinition = z.infer<typeof agentDefinitionSchema>;
export type TraceRow = z.infer<typeof traceRowSchema>;
export type ObservationRow = z.infer<typeof observationRowSchema>;

import { z } from "zod";
import { agentDefinitionSchema, sessionEndingSchema, historyMessageSchema, messageRowSchema, sessionRowSchema } from "./rows";

// The visitor side: a turn's two round trips, sessions, votes, the agents' menu (lib/db/registry.ts).

const json = z.record(z.string(), z.unknown());
const uuid = z.string();
const opt = <T extends z.ZodType>(t: T) => t.nullish();

const handoffAgentSchema = agentDefinitionSchema.partial().extend({ key: z.string(), name: z.string(), description: z.string() });

export const beginTurnResultSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("rate_limited"), retry_after: z.number(), scope: z.literal("new_visitor").optional() }),
  /** the visitor id was retired by an erasure: nothing was written (lib/chat/begin.ts starts a new visitor) */
  z.object({ status: z.literal("retired") }),
  z.object({
    status: z.enum(["started", "resume", "replay", "answered"]),
    choice: z.enum(["explicit", "menu_pick", "handoff", "session", "default"]).nullable(),
    new_session: z.boolean(),
    reason: z.string().nullish(),
    previous_session_id: z.string().nullish(),
    /** the sessions ended to start this one, with their figures (public.turn_endings) */
    ended: z.array(z.unknown()).optional(),
    session: sessionRowSchema,
    /** null for a greeting: the visitor said nothing. */
    user_message: messageRowSchema.nullable(),
    reply: messageRowSchema.nullable(),
    action_source: json.nullable(),
    /** the model's context: the newest messages' roles and words, bounded by count and size */
    history: z.array(historyMessageSchema),
    flows: z.record(z.string(), json),
    agent: agentDefinitionSchema,
    handoff_agents: z.array(handoffAgentSchema),
    /** "Try again": the agent reply this turn answers again (now superseded). */
    regenerates: z.string().optional(),
  }),
]);

export const chatFunctions = {
  begin_turn: {
    args: z.object({
      p_user_id: z.string(), p_message: opt(z.string()), p_session_id: opt(uuid), p_agent: opt(z.string()),
      p_default_agent: opt(z.string()), p_model_key: opt(z.string()), p_tracking: opt(z.boolean()),
      p_client_message_id: opt(uuid), p_action: opt(json), p_channel: opt(z.string()), p_idle_minutes: opt(z.number()),
      p_rate_limit: opt(z.number()), p_client_ip: opt(z.string()), p_ip_rate_limit: opt(z.number()),
      p_history_limit: opt(z.number()), p_request_id: opt(z.string()), p_new_visitor_limit: opt(z.number()),
    }),
    result: beginTurnResultSchema,
  },
  finish_turn: {
    args: z.object({
      p_user_message_id: uuid, p_content: opt(z.string()), p_metadata: opt(json), p_flows: opt(json),
      p_input_tokens: opt(z.number()), p_output_tokens: opt(z.number()), p_latency_ms: opt(z.number()),
      p_partial: opt(z.boolean()), p_error: opt(z.string()), p_observations: opt(z.array(z.unknown())), p_handoff: opt(json),
    }),
    result: z.discriminatedUnion("status", [
      z.object({ status: z.literal("error_recorded"), session: sessionRowSchema }),
      z.object({
        status: z.enum(["stored", "duplicate"]),
        reply: messageRowSchema,
        session: sessionRowSchema,
        new_session: z.boolean().optional(),
        handoff: z.object({ from_session_id: z.string(), from_reply: messageRowSchema }).nullish(),
      }),
    ]),
  },
  session_messages: {
    args: z.object({ p_user_id: z.string(), p_session_id: uuid.nullable() }),
    result: z.object({
      session: sessionRowSchema,
      messages: z.array(messageRowSchema),
      /** the note that opened this session by handoff (private.handoff_note) */
      handoff: z.object({ from_session_id: z.string(), question_id: z.string(), from_agent: z.string(), from_agent_name: z.string(), note: messageRowSchema }).nullish(),
    }),
  },
  list_visitor_sessions: {
    args: z.object({ p_user_id: z.string(), p_limit: opt(z.number()) }),
    result: z.array(z.object({
      id: z.string(), agent_type: z.string(), agent_name: z.string().nullable(), session_tag: z.string(), model_name: z.string(),
      trace_id: z.string().nullable(), is_active: z.boolean(), started_at: z.string(), last_activity_at: z.string(), ended_at: z.string().nullable(),
      last_message: z.object({ role: z.enum(["user", "agent", "system"]), content: z.string(), created_at: z.string() }).nullable(),
    })),
  },
  end_session: {
    args: z.object({ p_user_id: z.string(), p_session_id: uuid, p_reason: opt(z.string()), p_request_id: opt(z.string()) }),
    result: z.object({ was_active: z.boolean(), session: sessionRowSchema, ending: sessionEndingSchema.nullish() }),
  },
  set_feedback: {
    args: z.object({ p_session_id: uuid, p_rating: z.string(), p_comment: opt(z.string()), p_user_id: opt(z.string()) }),
    result: z.object({ trace_id: z.string(), feedback: z.string(), feedback_comment: z.string().nullable() }),
  },
  set_message_vote: {
    args: z.object({ p_user_id: z.string(), p_message_id: uuid, p_vote: z.enum(["up", "down"]).nullable(), p_session_id: opt(uuid) }),
    result: z.object({ message_id: z.string(), session_id: z.string(), vote: z.enum(["up", "down"]).nullable(), trace_id: z.string().nullable() }),
  },
  count_request: {
    args: z.object({ p_kind: z.string(), p_key: z.string(), p_limit: z.number() }),
    result: z.object({ limited: z.boolean(), retry_after: z.number() }),
  },
  list_agents: {
    args: z.object({}),
    result: z.array(z.object({ key: z.string(), name: z.string(), description: z.string(), greeting: z.string().nullable() })),
  },
  product_cards: {
    args: z.object({ p_skus: z.array(z.string()) }),
    result: z.array(z.object({ sku: z.string(), name: z.string(), priceCents: z.number(), summary: z.string() })),
  },
  turn_endings: {
    args: z.object({ p_session_id: uuid }),
    result: z.array(sessionEndingSchema),
  },
} as const;

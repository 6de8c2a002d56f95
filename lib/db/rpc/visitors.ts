import { z } from "zod";
import { numeric } from "./rows";

// The Visitors page and a visitor's page: list_visitors, visitor_detail (lib/db/registry.ts;
// supabase/schemas/15_visitors.sql).

const opt = <T extends z.ZodType>(t: T) => t.nullish();

export const visitorSummarySchema = z.object({
  user_id: z.string(),
  /** the first 8 characters of the id: what the widget's badge shows next to the tag */
  visitor_ref: z.string(),
  channel: z.string(),
  tracking_enabled: z.boolean(),
  first_seen: z.string(),
  last_seen: z.string(),
  active: z.boolean(),
  sessions: z.number(),
  messages: z.number(),
  traces: z.number(),
  cost_usd: numeric,
  helpful_up: z.number(),
  helpful_down: z.number(),
  votes_up: z.number(),
  votes_down: z.number(),
  /** scores given to their traces by operators, evaluators and the API */
  operator_scores: z.number(),
});

const sessionScoreSchema = z.object({
  name: z.string(), source: z.string(), author: z.string(), value: z.union([z.boolean(), z.string(), z.number()]),
});

export const visitorSessionSchema = z.object({
  session_id: z.string(),
  session_tag: z.string(),
  channel: z.string(),
  agent_type: z.string(),
  /** the agent's name (agents.name), or its key when no agent has it any more */
  agent_name: z.string(),
  agent_version: z.number().nullable(),
  model_key: z.string(),
  model_name: z.string(),
  is_active: z.boolean(),
  started_at: z.string(),
  last_activity_at: z.string(),
  ended_at: z.string().nullable(),
  end_reason: z.string().nullable(),
  ending: z.object({ event: z.string(), reason: z.string().nullable(), at: z.string() }).nullable(),
  tracking_enabled: z.boolean(),
  messages: z.number(),
  trace_id: z.string().nullable(),
  cost_usd: numeric.nullable(),
  feedback: z.enum(["pending", "positive", "negative"]).nullable(),
  votes_up: z.number().nullable(),
  votes_down: z.number().nullable(),
  conversation_removed: z.boolean(),
  scores: z.array(sessionScoreSchema),
});

export const visitorFunctions = {
  list_visitors: {
    args: z.object({ p_q: opt(z.string()), p_after_started: opt(z.string()), p_after_session: opt(z.string()), p_limit: opt(z.number()) }),
    result: z.object({
      visitors: z.array(visitorSummarySchema.extend({ cursor_started_at: z.string(), cursor_session_id: z.string() })),
      has_more: z.boolean(),
    }),
  },
  visitor_detail: {
    args: z.object({ p_user_id: z.string() }),
    result: z.object({ visitor: visitorSummarySchema, sessions: z.array(visitorSessionSchema) }),
  },
} as const;

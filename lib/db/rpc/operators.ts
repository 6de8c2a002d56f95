import { z } from "zod";
import { messageRowSchema, numeric, observationRowSchema, sessionRowSchema, traceRowSchema } from "./rows";
import { scoreRowSchema } from "./scores";

// The operator side: trace search and detail, the dashboard, operator login (lib/db/registry.ts).

const uuid = z.string();
const opt = <T extends z.ZodType>(t: T) => t.nullish();
const nullableNumber = z.number().nullable();

const feedbackCounts = z.object({ traces: z.number(), positive: z.number(), negative: z.number(), pending: z.number(), positive_ratio: nullableNumber });
const usageCounts = z.object({
  traces: z.number(), llm_calls: z.number(), tool_calls: z.number(), traces_with_errors: z.number(), cost_usd: z.number(),
  avg_cost_usd: nullableNumber, votes_up: z.number(), votes_down: z.number(),
});
export const experimentRowSchema = feedbackCounts.extend({
  experiment_name: z.string(), visitors: z.number(), llm_calls: z.number(), total_tokens: z.number(),
  avg_llm_calls: nullableNumber.optional(), avg_tokens: nullableNumber.optional(), avg_tokens_per_call: nullableNumber.optional(),
  avg_latency_ms_per_call: nullableNumber.optional(), errors: z.number(),
  // a named experiment without traces compares as zeros, without a ratio
  positive_ratio: nullableNumber.optional(),
});
export const feedbackCountsSchema = feedbackCounts;
export const usageCountsSchema = usageCounts;

export const dashboardStatsSchema = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  totals: feedbackCounts.extend({
    visitors: z.number(), llm_calls: z.number(), input_tokens: z.number(), output_tokens: z.number(), total_tokens: z.number(),
    latency_ms: z.number(), avg_llm_calls: nullableNumber, avg_tokens: nullableNumber, avg_latency_ms_per_call: nullableNumber,
    errors: z.number(), first_trace_at: z.string().nullable(), last_trace_at: z.string().nullable(), cost_usd: z.number(),
    avg_cost_usd: nullableNumber, tool_calls: z.number(), traces_with_errors: z.number(), votes_up: z.number(), votes_down: z.number(),
  }),
  per_day: z.array(z.object({
    day: z.string(), traces: z.number(), llm_calls: z.number(), input_tokens: z.number(), output_tokens: z.number(),
    total_tokens: z.number(), positive: z.number(), negative: z.number(), cost_usd: z.number(),
  })),
  llm_calls_distribution: z.array(z.object({ bucket: z.string(), min_calls: z.number(), max_calls: nullableNumber, sessions: z.number() })),
  feedback_by_agent: z.array(feedbackCounts.extend({ agent_type: z.string() })),
  feedback_by_model: z.array(feedbackCounts.extend({ model_key: z.string(), model_name: z.string() })),
  usage_by_agent: z.array(usageCounts.extend({ agent_type: z.string() })),
  usage_by_model: z.array(usageCounts.extend({ model_key: z.string(), model_name: z.string() })),
  ab_comparison: z.array(experimentRowSchema),
  comparison: z.array(experimentRowSchema),
});

export const traceDetailSchema = z.object({
  // when retention removed the trace's messages or steps (docs/performance.md, "Retention")
  trace: traceRowSchema.extend({ conversation_removed_at: z.string().nullable() }),
  session: sessionRowSchema,
  messages: z.array(messageRowSchema.extend({ vote: z.enum(["up", "down"]).nullish() })),
  events: z.array(z.object({
    id: z.number(), session_id: z.string(), previous_session_id: z.string().nullable(), event: z.string(), reason: z.string().nullable(),
    request_id: z.string().nullable(), detail: z.record(z.string(), z.unknown()), created_at: z.string(),
  })),
  visitor_sessions: z.array(z.object({
    session_id: z.string(), session_tag: z.string(), agent_type: z.string(), started_at: z.string(), is_active: z.boolean(), trace_id: z.string().nullable(),
  })),
  observations: z.array(observationRowSchema),
});

/** A trace-level score as a search row lists it (the CSV's scores). */
const traceScoreSchema = z.object({ name: z.string(), source: z.string(), author: z.string(), value: z.union([z.boolean(), z.string(), z.number()]) });

/** The message (or tool step) a content search found in a trace: its snippet has the words between \u0002 and \u0003. */
export const searchMatchSchema = z.object({
  kind: z.enum(["message", "tool"]), message_id: uuid.nullable(), observation_id: uuid.optional(), role: z.string(),
  name: z.string().optional(), snippet: z.string(),
});

const range = { p_from: opt(z.string()), p_to: opt(z.string()) };

export const operatorFunctions = {
  search_traces: {
    args: z.object({
      p_session_tag: opt(z.string()), p_q: opt(z.string()), p_agent: opt(z.string()), p_model: opt(z.string()), p_user_id: opt(z.string()),
      p_feedback: opt(z.string()), ...range, p_sort: opt(z.string()), p_dir: opt(z.string()), p_after_value: opt(z.string()),
      p_after_id: opt(uuid), p_limit: opt(z.number()), p_tool: opt(z.string()), p_has_error: opt(z.boolean()), p_min_cost: opt(numeric),
      p_channel: opt(z.string()), p_score: opt(z.string()), p_score_op: opt(z.enum(["lt", "lte", "eq", "gte", "gt"])),
      p_score_value: opt(z.number()),
    }),
    result: z.object({ traces: z.array(traceRowSchema.extend({ sort_value: z.string(), scores: z.array(traceScoreSchema), match: searchMatchSchema.nullish() })), has_more: z.boolean(),
      /** how search_traces read the search box: a whole tag (exact), a tag substring (contains) or what was said (words) */
      mode: z.enum(["exact", "contains", "words"]).nullable() }),
  },
  trace_detail: { args: z.object({ p_trace_id: uuid }), result: traceDetailSchema },
  set_trace_feedback: {
    args: z.object({ p_trace_id: uuid, p_rating: z.string(), p_comment: opt(z.string()), p_source: opt(z.string()), p_author: opt(z.string()) }),
    result: z.object({ trace_id: z.string(), feedback: z.string(), feedback_comment: z.string().nullable(), score: scoreRowSchema.nullable() }),
  },
  operator_tools: { args: z.object({}), result: z.array(z.object({ name: z.string(), description: z.string() })) },
  operator_agents: {
    args: z.object({}),
    result: z.array(z.object({ key: z.string(), name: z.string(), is_enabled: z.boolean() })),
  },
  operator_models: {
    args: z.object({}),
    result: z.array(z.object({ key: z.string(), name: z.string(), provider: z.string(), experiment_name: z.string().nullable() })),
  },
  dashboard_stats: {
    args: z.object({ ...range, p_experiment_a: opt(z.string()), p_experiment_b: opt(z.string()) }),
    result: dashboardStatsSchema,
  },
  dashboard_channels: {
    args: z.object({ ...range }),
    result: z.array(z.object({ channel: z.string(), traces: z.number(), llm_calls: z.number(), total_tokens: z.number(), cost_usd: z.number() })),
  },
  operator_authenticate: {
    args: z.object({ p_token_hash: z.string(), p_bucket: opt(z.string()), p_limit: opt(z.number()), p_session_hash: opt(z.string()), p_ttl_minutes: opt(z.number()) }),
    result: z.object({ status: z.enum(["ok", "invalid", "limited"]), retry_after: z.number().optional(), expires_at: z.string().nullish() }),
  },
  operator_logout: { args: z.object({ p_session_hash: z.string() }), result: z.object({ revoked: z.number() }) },
  operator_session_valid: { args: z.object({ p_session_hash: z.string() }), result: z.object({ valid: z.boolean() }) },
  set_admin_token_hash: { args: z.object({ p_hash: z.string() }), result: z.object({ changed: z.boolean(), revoked: z.number() }) },
  ensure_admin_token_hash: { args: z.object({ p_hash: z.string() }), result: z.object({ created: z.boolean() }) },
} as const;

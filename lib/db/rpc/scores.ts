import { z } from "zod";
import { numeric } from "./rows";

// Scores, score configs and trace comments (lib/db/registry.ts; docs/rules.md, "Scores and comments").

const uuid = z.string();
const opt = <T extends z.ZodType>(t: T) => t.nullish();

export const scoreSources = ["visitor", "operator", "evaluator", "api"] as const;
export const scoreDataTypes = ["numeric", "categorical", "boolean"] as const;

export const scoreRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  data_type: z.enum(scoreDataTypes),
  /** true/false, the label, or the number, as the config reads */
  value: z.union([z.boolean(), z.string(), z.number()]),
  numeric_value: numeric,
  source: z.enum(scoreSources),
  author: z.string(),
  comment: z.string().nullable(),
  trace_id: z.string().nullable(),
  message_id: z.string().nullable(),
  observation_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  /** the caller's own score */
  mine: z.boolean(),
});

export const scoreConfigRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  data_type: z.enum(scoreDataTypes),
  min: numeric.nullable(),
  max: numeric.nullable(),
  categories: z.array(z.string()).nullable(),
  description: z.string().nullable(),
  archived: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const commentRowSchema = z.object({
  id: z.string(),
  trace_id: z.string(),
  message_id: z.string().nullable(),
  author: z.string(),
  content: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  mine: z.boolean(),
});

export type ScoreRow = z.infer<typeof scoreRowSchema>;
export type ScoreConfigRow = z.infer<typeof scoreConfigRowSchema>;
export type CommentRow = z.infer<typeof commentRowSchema>;

const caller = { p_source: z.string(), p_author: z.string() };

// one group of dashboard_scores(): a config and source, in all or per day, agent, version, model or category
const dashboardScoreGroup = z.object({
  name: z.string(), data_type: z.enum(scoreDataTypes), source: z.enum(scoreSources), scores: z.number(),
  /** the mean value (booleans: the share of true); null for categorical configs */
  average: numeric.nullable(),
  day: z.string().optional(), agent_type: z.string().optional(), agent_version: z.number().optional(),
  model_key: z.string().optional(), model_name: z.string().optional(), category: z.string().optional(),
});
export const dashboardScoresSchema = z.object({
  totals: z.array(dashboardScoreGroup), per_day: z.array(dashboardScoreGroup), by_agent: z.array(dashboardScoreGroup),
  by_agent_version: z.array(dashboardScoreGroup), by_model: z.array(dashboardScoreGroup), categories: z.array(dashboardScoreGroup),
});

export const scoreFunctions = {
  dashboard_scores: {
    args: z.object({ p_from: opt(z.string()), p_to: opt(z.string()) }),
    result: dashboardScoresSchema,
  },
  set_score: {
    args: z.object({
      p_name: z.string(), /** true/false, a number or a label, as text */ p_value: z.string(), ...caller,
      p_trace_id: opt(uuid), p_message_id: opt(uuid), p_observation_id: opt(uuid), p_comment: opt(z.string()),
    }),
    result: scoreRowSchema,
  },
  delete_score: { args: z.object({ p_score_id: uuid, ...caller }), result: z.object({ deleted: z.boolean(), id: z.string() }) },
  trace_scores: {
    args: z.object({ p_trace_id: uuid, p_source: opt(z.string()), p_author: opt(z.string()) }),
    result: z.object({ scores: z.array(scoreRowSchema) }),
  },
  score_configs: { args: z.object({}), result: z.object({ configs: z.array(scoreConfigRowSchema) }) },
  create_score_config: {
    args: z.object({
      p_name: z.string(), p_data_type: z.string(), p_min: opt(z.number()), p_max: opt(z.number()),
      p_categories: opt(z.array(z.string())), p_description: opt(z.string()),
    }),
    result: scoreConfigRowSchema,
  },
  add_trace_comment: {
    args: z.object({ p_trace_id: uuid, p_author: z.string(), p_content: z.string(), p_message_id: opt(uuid) }),
    result: commentRowSchema,
  },
  edit_trace_comment: { args: z.object({ p_comment_id: uuid, p_author: z.string(), p_content: z.string() }), result: commentRowSchema },
  delete_trace_comment: { args: z.object({ p_comment_id: uuid, p_author: z.string() }), result: z.object({ deleted: z.boolean(), id: z.string() }) },
  trace_comments: {
    args: z.object({ p_trace_id: uuid, p_author: opt(z.string()) }),
    result: z.object({ comments: z.array(commentRowSchema) }),
  },
} as const;

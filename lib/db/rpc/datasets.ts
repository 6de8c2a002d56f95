import { z } from "zod";
import { numeric } from "./rows";

// Datasets and experiments (supabase/schemas/17_datasets_and_experiments.sql; docs/architecture.md,
// "Datasets and experiments"; lib/db/registry.ts).

const opt = <T extends z.ZodType>(t: T) => t.nullish();

export const conversationMessageSchema = z.object({ role: z.enum(["user", "agent"]), content: z.string() });
export const toolCallSchema = z.object({ name: z.string(), args: z.unknown().optional() });

export const datasetRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  items: z.coerce.number(),
});

export const datasetItemRowSchema = z.object({
  id: z.string(),
  messages: z.array(conversationMessageSchema),
  flows: z.record(z.string(), z.unknown()),
  agent_key: z.string().nullable(),
  agent_version: z.number().nullable(),
  expected_output: z.string().nullable(),
  expected_tool_calls: z.array(toolCallSchema).nullable(),
  source_trace_id: z.string().nullable(),
  source_message_id: z.string().nullable(),
  archived: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const experimentScoreSchema = z.object({
  name: z.string(),
  value: z.union([z.number(), z.string(), z.boolean()]),
  comment: z.string().nullable(),
  score_id: z.string().nullable().optional(),
});

export const experimentStatus = z.enum(["running", "completed", "failed"]);

export const experimentRowSchema = z.object({
  id: z.string(),
  dataset: z.string(),
  agent_key: z.string(),
  agent_version: z.number(),
  is_draft: z.boolean(),
  evaluators: z.array(z.string()),
  status: experimentStatus,
  created_by: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  totals: z.object({
    items: z.number(),
    completed: z.number(),
    failed: z.number(),
    cost_usd: numeric,
    latency_ms: numeric,
    avg_latency_ms: numeric.nullable(),
  }),
});

export const experimentItemRowSchema = z.object({
  id: z.string(),
  item_id: z.string(),
  position: z.number(),
  status: z.enum(["pending", "completed", "failed"]),
  trace_id: z.string().nullable(),
  reply: z.string().nullable(),
  steps: z.array(toolCallSchema),
  cost_usd: numeric,
  latency_ms: z.number().nullable(),
  scores: z.array(experimentScoreSchema),
  error: z.string().nullable(),
  messages: z.array(conversationMessageSchema),
  expected_output: z.string().nullable(),
});

export type DatasetRow = z.infer<typeof datasetRowSchema>;
export type DatasetItemRow = z.infer<typeof datasetItemRowSchema>;
export type ExperimentRow = z.infer<typeof experimentRowSchema>;
export type ExperimentItemRow = z.infer<typeof experimentItemRowSchema>;

export const datasetFunctions = {
  create_dataset: { args: z.object({ p_name: z.string(), p_description: opt(z.string()), p_author: opt(z.string()) }), result: datasetRowSchema },
  list_datasets: { args: z.object({}), result: z.object({ datasets: z.array(datasetRowSchema) }) },
  add_dataset_items: {
    args: z.object({ p_dataset: z.string(), p_items: z.array(z.record(z.string(), z.unknown())) }),
    result: z.object({ items: z.array(datasetItemRowSchema) }),
  },
  add_dataset_item_from_trace: {
    args: z.object({
      p_dataset: z.string(), p_trace_id: z.string(), p_message_id: z.string(), p_expected_output: opt(z.string()),
      p_expected_tool_calls: opt(z.array(toolCallSchema)),
    }),
    result: datasetItemRowSchema,
  },
  update_dataset_item: { args: z.object({ p_item_id: z.string(), p_changes: z.record(z.string(), z.unknown()) }), result: datasetItemRowSchema },
  dataset_items: {
    args: z.object({ p_dataset: z.string(), p_archived: opt(z.boolean()) }),
    result: z.object({ dataset: datasetRowSchema, items: z.array(datasetItemRowSchema) }),
  },
  create_experiment: {
    args: z.object({
      p_dataset: z.string(), p_agent: z.string(), p_version: opt(z.number()), p_draft: z.boolean(),
      p_evaluators: opt(z.array(z.string())), p_author: opt(z.string()),
    }),
    result: z.object({ id: z.string(), agent_version: z.number(), items: z.number() }),
  },
  begin_experiment_item: {
    args: z.object({ p_id: z.string(), p_model_key: opt(z.string()) }),
    result: z.object({
      session_id: z.string(), visitor_id: z.string(), agent_key: z.string(), agent_version: z.number(), model_key: z.string(),
      messages: z.array(conversationMessageSchema), evaluators: z.array(z.string()), expected_output: z.string().nullable(),
      expected_tool_calls: z.array(toolCallSchema).nullable(),
    }),
  },
  finish_experiment_item: {
    args: z.object({
      p_id: z.string(), p_reply: opt(z.string()), p_trace_id: opt(z.string()), p_latency_ms: opt(z.number()),
      p_scores: opt(z.array(experimentScoreSchema)), p_error: opt(z.string()),
    }),
    result: z.object({ id: z.string(), status: z.enum(["completed", "failed"]) }),
  },
  experiment_detail: { args: z.object({ p_id: z.string() }), result: experimentRowSchema.extend({ items: z.array(experimentItemRowSchema) }) },
  list_experiments: {
    args: z.object({ p_dataset: opt(z.string()), p_limit: opt(z.number()) }),
    result: z.object({ experiments: z.array(experimentRowSchema) }),
  },
} as const;

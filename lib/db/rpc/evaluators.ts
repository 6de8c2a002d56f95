import { z } from "zod";
import { numeric } from "./rows";
import { scoreRowSchema } from "./scores";

// Evaluators, the evaluators attached to agents, and what an evaluator reads and writes
// (lib/db/registry.ts; docs/architecture.md, "Evaluators").

const opt = <T extends z.ZodType>(t: T) => t.nullish();

export const evaluatorRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["rule", "judge"]),
  rule_key: z.string().nullable(),
  options: z.record(z.string(), z.unknown()),
  prompt_template: z.string().nullable(),
  model_key: z.string().nullable(),
  description: z.string().nullable(),
  created_by: z.string(),
  archived: z.boolean(),
  created_at: z.string(),
  config: z.object({ name: z.string(), data_type: z.enum(["numeric", "categorical", "boolean"]), min: numeric.nullable(), max: numeric.nullable() }),
});

export type EvaluatorRow = z.infer<typeof evaluatorRowSchema>;

export const evaluationInputSchema = z.object({
  evaluator: evaluatorRowSchema,
  trace: z.object({ id: z.string(), session_id: z.string(), agent: z.string(), channel: z.string() }),
  reply: z.object({ id: z.string(), content: z.string() }).nullable(),
  conversation: z.array(z.object({ role: z.enum(["user", "agent"]), content: z.string() })),
  tool_calls: z.array(z.object({ name: z.string(), args: z.unknown(), result: z.unknown(), error: z.string().nullable() })),
  orders: z.array(z.unknown()),
  products: z.array(z.object({ sku: z.string(), name: z.string() })),
});

export type EvaluationInputRow = z.infer<typeof evaluationInputSchema>;

const attached = z.object({
  agent: z.string(),
  evaluators: z.array(z.object({ name: z.string(), kind: z.enum(["rule", "judge"]), sample_rate: numeric, created_by: z.string(), updated_at: z.string() })),
});

export const evaluatorFunctions = {
  evaluators_list: { args: z.object({ p_archived: opt(z.boolean()) }), result: z.object({ evaluators: z.array(evaluatorRowSchema) }) },
  set_evaluator_archived: { args: z.object({ p_evaluator_id: z.string(), p_archived: z.boolean() }), result: evaluatorRowSchema },
  create_evaluator: {
    args: z.object({
      p_name: z.string(), p_kind: z.string(), p_score_config: z.string(), p_created_by: z.string(),
      p_rule_key: opt(z.string()), p_options: opt(z.record(z.string(), z.unknown())), p_prompt_template: opt(z.string()),
      p_model_key: opt(z.string()), p_description: opt(z.string()),
    }),
    result: evaluatorRowSchema,
  },
  agent_evaluators: { args: z.object({ p_agent: z.string() }), result: attached },
  set_agent_evaluators: {
    args: z.object({ p_agent: z.string(), p_evaluators: z.array(z.object({ name: z.string(), sample_rate: z.number() })), p_author: z.string() }),
    result: attached,
  },
  evaluation_input: { args: z.object({ p_trace_id: z.string(), p_evaluator: z.string() }), result: evaluationInputSchema },
  record_evaluation: {
    args: z.object({
      p_trace_id: z.string(), p_evaluator: z.string(), p_value: z.string(), p_comment: opt(z.string()),
      p_observation: opt(z.record(z.string(), z.unknown())),
    }),
    result: z.object({ score: scoreRowSchema, observation_id: z.string().nullable() }),
  },
} as const;

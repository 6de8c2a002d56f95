import { z } from "zod";

// The shapes of the evaluators API (docs/architecture.md, "Evaluators"): request bodies shared by the
// routes and the agent page's form. No server-only imports.

export const evaluatorRuleKeys = ["catalog_products_exist", "order_confirmed_with_contact", "expected_tool_calls", "reply_under_chars"] as const;

const name = z.string().trim().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "name is lower-case letters, digits, _ . - (at most 64)");

const judgeBody = z
  .object({
    kind: z.literal("judge"),
    name,
    scoreConfig: name,
    promptTemplate: z.string().trim().min(1).max(8000).refine((t) => t.includes("{reply}"), "promptTemplate must contain {reply}"),
    modelKey: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/, "modelKey is a model's key"),
    description: z.string().trim().max(1000).optional(),
  })
  .strict();

const ruleBody = z
  .object({
    kind: z.literal("rule"),
    name,
    rule: z.enum(evaluatorRuleKeys, { error: `rule must be one of: ${evaluatorRuleKeys.join(", ")}` }),
    scoreConfig: name.optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    description: z.string().trim().max(1000).optional(),
  })
  .strict();

export const evaluatorBodySchema = z.discriminatedUnion("kind", [judgeBody, ruleBody], { error: "kind must be judge or rule" });
export type EvaluatorBody = z.infer<typeof evaluatorBodySchema>;

/** PATCH /api/evaluators/{id}: archives an evaluator (`{archived: true}`: no new jobs, not attachable, left out of the list) or brings it back. */
export const evaluatorPatchSchema = z.object({ archived: z.boolean({ error: "archived must be true or false" }) }).strict();

/** GET /api/evaluators?archived=true: the archived evaluators too. */
export const evaluatorsQuerySchema = z.object({ archived: z.enum(["true", "false"]).optional() });

export const agentEvaluatorsBodySchema = z
  .object({
    evaluators: z
      .array(z.object({ name, sampleRate: z.number().min(0, "sampleRate is 0 to 1").max(1, "sampleRate is 0 to 1") }).strict())
      .max(50)
      .refine((list) => new Set(list.map((e) => e.name)).size === list.length, "each evaluator once"),
  })
  .strict();
export type AgentEvaluatorsBody = z.infer<typeof agentEvaluatorsBodySchema>;

import { createEvaluator, listEvaluators } from "@/lib/evaluators";
import { evaluatorBodySchema, evaluatorsQuerySchema } from "@/lib/evaluators/wire";
import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The evaluators in use: the rules of the registry and the model-graded judges (docs/architecture.md, "Evaluators"); `?archived=true` lists the archived ones too. */
export const GET = operatorRoute({
  surface: "evaluator",
  query: evaluatorsQuerySchema,
  handler: async ({ db, query }) => listEvaluators(db, query.archived === "true"),
});

/** A new judge (prompt template with {reply}, a model, a boolean or numeric score config) or a rule with its options. */
export const POST = operatorRoute({
  surface: "evaluator",
  body: evaluatorBodySchema,
  maxBytes: 32 * 1024,
  handler: async ({ db, body, operator }) => Response.json({ evaluator: await createEvaluator(db, operator, body) }, { status: 201 }),
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");

import { createEvaluator, listEvaluators } from "@/lib/evaluators";
import { evaluatorBodySchema } from "@/lib/evaluators/wire";
import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Every evaluator: the rules of the registry and the model-graded judges (docs/architecture.md, "Evaluators"). */
export const GET = operatorRoute({
  surface: "evaluator",
  handler: async ({ db }) => listEvaluators(db),
});

/** A new judge (prompt template with {reply}, a model, a boolean or numeric score config) or a rule with its options. */
export const POST = operatorRoute({
  surface: "evaluator",
  body: evaluatorBodySchema,
  maxBytes: 32 * 1024,
  handler: async ({ db, body, operator }) => Response.json({ evaluator: await createEvaluator(db, operator, body) }, { status: 201 }),
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");

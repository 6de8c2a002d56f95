import { agentEvaluators, setAgentEvaluators } from "@/lib/evaluators";
import { agentEvaluatorsBodySchema } from "@/lib/evaluators/wire";
import { agentKeyParam } from "@/lib/http/params";
import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The evaluators that grade the agent's new traces online, with their sample rates. */
export const GET = operatorRoute({
  surface: "evaluator",
  params: { key: agentKeyParam },
  handler: async ({ db, params }) => agentEvaluators(db, params.key),
});

/** Replaces the attached evaluators: `{evaluators: [{name, sampleRate}]}` (an empty list detaches all). */
export const PUT = operatorRoute({
  surface: "evaluator",
  params: { key: agentKeyParam },
  body: agentEvaluatorsBodySchema,
  maxBytes: 16 * 1024,
  handler: async ({ db, params, body, operator }) => setAgentEvaluators(db, operator, params.key, body),
});

export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");

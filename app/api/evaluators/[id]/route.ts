import { setEvaluatorArchived } from "@/lib/evaluators";
import { evaluatorPatchSchema } from "@/lib/evaluators/wire";
import { otherMethods } from "@/lib/http/methods";
import { evaluatorIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `{archived: true}` archives the evaluator (no new evaluation jobs, not attachable, left out of the list; its scores stay), `false` brings it back. */
export const PATCH = operatorRoute({
  surface: "evaluator",
  params: { id: evaluatorIdParam },
  body: evaluatorPatchSchema,
  maxBytes: 1024,
  handler: async ({ db, params, body }) => ({ evaluator: await setEvaluatorArchived(db, params.id, body.archived) }),
});

export const { GET, HEAD, POST, PUT, DELETE } = otherMethods("PATCH");

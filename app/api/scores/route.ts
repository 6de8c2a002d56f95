import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";
import { setScore, traceScores } from "@/lib/scores/scores";
import { scoreBodySchema, scoresQuerySchema } from "@/lib/scores/wire";

export const dynamic = "force-dynamic";

export const GET = operatorRoute({
  surface: "score",
  query: scoresQuerySchema,
  handler: async ({ db, operator, query }) => traceScores(db, query.traceId, operator),
});

// source `operator` for a signed-in operator, `api` for a Bearer call (lib/operators/auth.ts)
export const POST = operatorRoute({
  surface: "score",
  body: scoreBodySchema,
  maxBytes: 8 * 1024,
  handler: async ({ db, operator, body }) => setScore(db, operator, body),
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");

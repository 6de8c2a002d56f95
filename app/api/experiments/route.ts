import { listExperiments, startExperiment } from "@/lib/experiments/experiments";
import { kickExperiments } from "@/lib/experiments/worker";
import { experimentBodySchema, experimentsQuerySchema } from "@/lib/experiments/wire";
import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The newest experiments (dataset runs; not the dashboard's A/B comparison). */
export const GET = operatorRoute({
  surface: "experiment",
  query: experimentsQuerySchema,
  handler: async ({ db, query }) => listExperiments(db, query.dataset),
});

/** Starts a run `{dataset, agent, version: n | "draft", evaluators}`: `202 {id}` at once, replayed in the background. */
export const POST = operatorRoute({
  surface: "experiment",
  body: experimentBodySchema,
  maxBytes: 8 * 1024,
  handler: async ({ db, body, operator }) => {
    const started = await startExperiment(db, body, operator.author);
    kickExperiments(db);
    return Response.json(started, { status: 202 });
  },
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");

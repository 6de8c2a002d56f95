import { experimentDetail } from "@/lib/experiments/experiments";
import { otherMethods } from "@/lib/http/methods";
import { experimentIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** One run: `{status, items: [{itemId, reply, steps, scores, costUsd, latencyMs}], totals}`. */
export const GET = operatorRoute({
  surface: "experiment",
  params: { id: experimentIdParam },
  handler: async ({ db, params }) => experimentDetail(db, params.id),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

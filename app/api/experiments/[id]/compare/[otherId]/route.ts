import { compareExperiments } from "@/lib/experiments/experiments";
import { otherMethods } from "@/lib/http/methods";
import { experimentIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Two runs side by side per dataset item, with the deltas (other − base) and the totals. */
export const GET = operatorRoute({
  surface: "experiment",
  params: { id: experimentIdParam, otherId: experimentIdParam },
  handler: async ({ db, params }) => compareExperiments(db, params.id, params.otherId),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

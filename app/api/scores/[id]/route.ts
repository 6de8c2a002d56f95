import { z } from "zod";
import { otherMethods } from "@/lib/http/methods";
import { pathParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { deleteScore } from "@/lib/scores/scores";

export const dynamic = "force-dynamic";

const scoreIdParam = pathParam(z.uuid(), "not_found:score", "No such score.");

/** The caller's own score only (another's is 403). */
export const DELETE = operatorRoute({
  surface: "score",
  params: { id: scoreIdParam },
  handler: async ({ db, operator, params }) => deleteScore(db, operator, params.id),
});

export const { GET, HEAD, POST, PUT, PATCH } = otherMethods("DELETE");

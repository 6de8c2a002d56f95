import { feedbackRequest } from "@/lib/http/feedback";
import { traceIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { setTraceFeedback } from "@/lib/traces/detail";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// An operator sets a rating, or clears it with "pending".
export const POST = operatorRoute({
  ...feedbackRequest(["positive", "negative", "pending"]),
  params: { id: traceIdParam },
  handler: async ({ db, operator, params, body }) => setTraceFeedback(db, operator, params.id, body.rating, body.comment),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

import { traceIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { setTraceFeedback } from "@/lib/traces/detail";
import { traceFeedbackSchema } from "./schema";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const POST = operatorRoute({
  surface: "feedback",
  params: { id: traceIdParam },
  body: traceFeedbackSchema,
  maxBytes: 8 * 1024,
  handler: async ({ db, operator, params, body }) => setTraceFeedback(db, operator, params.id, body.rating, body.comment),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

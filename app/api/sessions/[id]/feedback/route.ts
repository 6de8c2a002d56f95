import { rateSession } from "@/lib/chat/sessions";
import { feedbackRequest } from "@/lib/http/feedback";
import { sessionIdParam } from "@/lib/http/params";
import { visitorRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const POST = visitorRoute({
  ...feedbackRequest(["positive", "negative"]),
  params: { id: sessionIdParam },
  visitor: "known",
  handler: async ({ db, visitor, params, body }) => rateSession(db, visitor, params.id, body.rating, body.comment),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

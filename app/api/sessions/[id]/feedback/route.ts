import { rateSession } from "@/lib/chat/sessions";
import { sessionIdParam } from "@/lib/http/params";
import { visitorRoute } from "@/lib/http/route";
import { feedbackSchema } from "./schema";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const POST = visitorRoute({
  surface: "feedback",
  params: { id: sessionIdParam },
  body: feedbackSchema,
  maxBytes: 8 * 1024,
  visitor: "known",
  handler: async ({ db, visitor, params, body }) => rateSession(db, visitor, params.id, body.rating, body.comment),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

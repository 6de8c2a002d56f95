import { endSession } from "@/lib/chat/sessions";
import { sessionIdParam } from "@/lib/http/params";
import { visitorRoute } from "@/lib/http/route";
import { endSchema } from "./schema";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// the body is optional: no body ends the session by hand
export const POST = visitorRoute({
  surface: "session",
  params: { id: sessionIdParam },
  body: endSchema,
  bodyOptional: true,
  maxBytes: 1024,
  visitor: "known",
  handler: async ({ db, visitor, params, body, requestId }) => endSession(db, visitor, params.id, requestId, body.reason),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

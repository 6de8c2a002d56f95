import { visitorSessions } from "@/lib/chat/sessions";
import { visitorRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// The widget's chat list: the cookie's visitor's own sessions, newest first (an empty list without a cookie).
export const GET = visitorRoute({
  visitor: "known",
  handler: async ({ db, visitor }) => visitorSessions(db, visitor),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

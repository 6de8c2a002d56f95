import { sessionHistory } from "@/lib/chat/sessions";
import { sessionIdParam } from "@/lib/http/params";
import { visitorRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const GET = visitorRoute({
  params: { id: sessionIdParam },
  visitor: "known",
  handler: async ({ db, visitor, params }) => sessionHistory(db, visitor, params.id),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

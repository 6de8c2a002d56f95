import { chatTurn } from "@/lib/chat/turn-response";
import { visitorRoute } from "@/lib/http/route";
import { chatRequestSchema } from "./schema";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// The embed iframe posts same-origin, and a cross-site page cannot send this JSON body without
// a CORS preflight the app does not answer (docs/reliability.md, "Known limits").
export const POST = visitorRoute({
  surface: "chat",
  body: chatRequestSchema,
  crossSite: "allowed",
  handler: async ({ request, body, db }) => chatTurn(db, request, body),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

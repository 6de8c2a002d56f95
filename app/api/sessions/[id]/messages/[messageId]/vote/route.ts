import { messageIdParam, sessionIdParam } from "@/lib/http/params";
import { visitorRoute } from "@/lib/http/route";
import { voteOnMessage } from "@/lib/votes/message-vote";
import { voteSchema } from "./schema";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

/** A visitor's thumbs up/down (or null: cleared) on one agent message of their own session. */
export const POST = visitorRoute({
  surface: "vote",
  params: { id: sessionIdParam, messageId: messageIdParam },
  body: voteSchema,
  maxBytes: 1024,
  visitor: "known",
  handler: async ({ db, visitor, params, body }) => voteOnMessage(db, visitor, params.id, params.messageId, body.vote),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

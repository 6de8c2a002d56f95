import { database } from "@/lib/db";
import { readJson } from "@/lib/http/body";
import { messageIdParam, sessionIdParam } from "@/lib/http/params";
import { mutation } from "@/lib/http/same-origin";
import { knownVisitor } from "@/lib/http/visitor";
import { voteOnMessage } from "@/lib/votes/message-vote";
import { voteSchema } from "./schema";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; messageId: string }> };

/** A visitor's thumbs up/down (or null: cleared) on one agent message of their own session. */
export async function POST(request: Request, { params }: Params): Promise<Response> {
  return mutation(request, async () => {
    const { id, messageId } = await params;
    const sessionId = sessionIdParam(id);
    const message = messageIdParam(messageId);
    const body = await readJson(request, voteSchema, "vote", 1024);
    const db = await database();
    return Response.json(await voteOnMessage(db, await knownVisitor(request, db), sessionId, message, body.vote));
  }, { embed: true });
}

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

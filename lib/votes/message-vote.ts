import type { Database } from "../db/types";
import { visitorRpc } from "../db/visitor-rpc";

// A visitor's thumbs up/down on one agent message. Ownership, the trace's
// vote counts and their exactness live in SQL (set_message_vote).

export type Vote = "up" | "down";

export interface MessageVoteResult {
  messageId: string;
  sessionId: string;
  vote: Vote | null;
  traceId: string | null;
}

export async function voteOnMessage(
  db: Database,
  visitorId: string | null,
  sessionId: string,
  messageId: string,
  vote: Vote | null,
): Promise<MessageVoteResult> {
  const r = await visitorRpc(db, visitorId, { code: "not_found:message", message: "No such message." }, "set_message_vote", {
    p_message_id: messageId,
    p_vote: vote,
    p_session_id: sessionId,
  });
  return { messageId: r.message_id, sessionId: r.session_id, vote: r.vote, traceId: r.trace_id };
}

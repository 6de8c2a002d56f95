import type { Database } from "../db/types";
import { AppError } from "../errors";

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
  if (!visitorId) throw new AppError("not_found:message", "No such message.");
  const r = await db.rpc("set_message_vote", {
    p_user_id: visitorId,
    p_message_id: messageId,
    p_vote: vote,
    p_session_id: sessionId,
  });
  return { messageId: r.message_id, sessionId: r.session_id, vote: r.vote, traceId: r.trace_id };
}

import { agentRef } from "../agents/registry";
import type { Database } from "../db/types";
import { visitorRpc } from "../db/visitor-rpc";
import { logSessionEnded, sessionEndingSchema } from "./endings";
import { buttonsOf, type MessageRow, type SessionRow } from "./stored";
import type { HistoryMessage, SessionHistory } from "./wire";
import { visitorRef } from "../visitors/reference";

// A visitor's own sessions: history, end, feedback. Ownership is checked in SQL (404 otherwise).

const noSession = { code: "not_found:session", message: "No such session." } as const;

function sessionView(s: SessionRow) {
  return {
    sessionId: s.id,
    sessionTag: s.session_tag,
    visitorRef: visitorRef(s.user_id),
    traceId: s.trace_id,
    isActive: s.is_active,
    trackingEnabled: s.tracking_enabled,
    agent: agentRef(s.agent_type),
    model: { key: s.model.key, name: s.model.name },
    startedAt: s.started_at,
    endedAt: s.ended_at,
  };
}

export function messageView(m: MessageRow): HistoryMessage {
  return {
    id: m.id, role: m.role, content: m.content, buttons: buttonsOf(m.metadata), createdAt: m.created_at, partial: m.is_partial,
    vote: m.vote ?? null, audioUrl: m.audio_url ?? null,
  };
}

export async function sessionHistory(db: Database, visitorId: string | null, sessionId: string): Promise<SessionHistory> {
  const r = await visitorRpc(db, visitorId, noSession, "session_messages", { p_session_id: sessionId });
  return { ...sessionView(r.session), messages: r.messages.map(messageView) };
}

export async function endSession(
  db: Database, visitorId: string | null, sessionId: string, requestId?: string, reason: "user" | "new_chat" = "user",
) {
  const r = await visitorRpc(db, visitorId, noSession, "end_session", { p_session_id: sessionId, p_reason: reason, p_request_id: requestId });
  if (r.ending) logSessionEnded(sessionEndingSchema.parse(r.ending), { requestId, by: "visitor" });
  return { sessionId, ended: true, wasActive: r.was_active, durationSeconds: r.session.duration_seconds };
}

export async function rateSession(db: Database, visitorId: string | null, sessionId: string, rating: "positive" | "negative", comment?: string) {
  const r = await visitorRpc(db, visitorId, noSession, "set_feedback", { p_session_id: sessionId, p_rating: rating, p_comment: comment ?? null });
  return { sessionId, traceId: r.trace_id, feedback: r.feedback, comment: r.feedback_comment };
}

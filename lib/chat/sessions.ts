import type { Database } from "../db/types";
import { visitorRpc } from "../db/visitor-rpc";
import { sessionEndingSchema } from "../db/rpc/rows";
import { logSessionEnded } from "./endings";
import { buttonsOf, retryableOf, type MessageRow, type SessionRow } from "./stored";
import type { HistoryMessage, SessionHistory, SessionList } from "./wire";
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
    agent: { key: s.agent_type, name: s.agent_name },
    model: { key: s.model.key, name: s.model.name },
    startedAt: s.started_at,
    endedAt: s.ended_at,
  };
}

export function messageView(m: MessageRow): HistoryMessage {
  return {
    id: m.id, role: m.role, content: m.content, buttons: buttonsOf(m.metadata), createdAt: m.created_at, partial: m.is_partial,
    vote: m.vote ?? null, audioUrl: m.audio_url ?? null, ...retryableOf(m.metadata),
  };
}

export async function sessionHistory(db: Database, visitorId: string | null, sessionId: string): Promise<SessionHistory> {
  const r = await visitorRpc(db, visitorId, noSession, "session_messages", { p_session_id: sessionId });
  const handoff = r.handoff
    ? { fromSessionId: r.handoff.from_session_id, fromAgent: { key: r.handoff.from_agent, name: r.handoff.from_agent_name }, questionId: r.handoff.question_id, note: messageView(r.handoff.note) }
    : null;
  return { ...sessionView(r.session), messages: r.messages.map(messageView), handoff };
}

/** The chat list: the visitor's own sessions (none without a visitor cookie). */
export async function visitorSessions(db: Database, visitorId: string | null): Promise<SessionList> {
  if (!visitorId) return { sessions: [] };
  const rows = await db.rpc("list_visitor_sessions", { p_user_id: visitorId });
  return {
    sessions: rows.map((s) => ({
      sessionId: s.id,
      agent: { key: s.agent_type, name: s.agent_name ?? s.agent_type },
      sessionTag: s.trace_id ? s.session_tag : null,
      model: { name: s.model_name },
      isActive: s.is_active,
      startedAt: s.started_at,
      lastActivityAt: s.last_activity_at,
      lastMessage: s.last_message ? { role: s.last_message.role, content: s.last_message.content, createdAt: s.last_message.created_at } : null,
    })),
  };
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

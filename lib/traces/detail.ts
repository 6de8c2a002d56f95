import { agentRef } from "../agents/registry";
import { messageView } from "../chat/sessions";
import type { Database } from "../db/types";
import type { OperatorIdentity } from "../operators/auth";
import { traceView } from "./search";
import { stepView } from "./steps";

// One trace for the explorer: its figures, the conversation (with votes), every step of every turn,
// the lifecycle, the visitor's other sessions.

export async function traceDetail(db: Database, traceId: string) {
  const r = await db.rpc("trace_detail", { p_trace_id: traceId }); // its shape: lib/db/rpc/operators.ts
  return {
    // the figures stay; the conversation's messages and steps were removed by retention (RETENTION_DAYS)
    trace: { ...traceView(r.trace), conversationRemovedAt: r.trace.conversation_removed_at },
    session: {
      id: r.session.id,
      isActive: r.session.is_active,
      startedAt: r.session.started_at,
      endedAt: r.session.ended_at,
      endReason: r.session.end_reason,
      durationSeconds: r.session.duration_seconds,
      agent: agentRef(r.session.agent_type),
    },
    messages: r.messages.map((m) => ({
      ...messageView(m), metadata: m.metadata ?? {}, vote: m.vote ?? null,
      supersededAt: m.superseded_at ?? null, supersededBy: m.superseded_by ?? null,
    })),
    steps: r.observations.map(stepView),
    events: r.events.map((e) => ({
      id: e.id,
      sessionId: e.session_id,
      previousSessionId: e.previous_session_id,
      event: e.event,
      reason: e.reason,
      requestId: e.request_id,
      detail: e.detail,
      createdAt: e.created_at,
    })),
    visitorSessions: r.visitor_sessions.map((s) => ({
      sessionId: s.session_id,
      sessionTag: s.session_tag,
      agentType: s.agent_type,
      startedAt: s.started_at,
      isActive: s.is_active,
      traceId: s.trace_id,
    })),
  };
}

/**
 * An operator's review: their own `helpful` score with its own comment (docs/rules.md, "Scores and
 * comments"); the visitor's rating stays. The answer is the caller's own rating.
 */
export async function setTraceFeedback(db: Database, who: OperatorIdentity, traceId: string, rating: string, comment?: string) {
  const r = await db.rpc("set_trace_feedback", {
    p_trace_id: traceId,
    p_rating: rating,
    p_comment: comment ?? null,
    p_source: who.source,
    p_author: who.author,
  });
  return { traceId: r.trace_id, feedback: r.feedback, comment: r.feedback_comment, source: who.source };
}

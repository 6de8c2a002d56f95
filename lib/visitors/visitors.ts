import { z } from "zod";
import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { blank, queryText } from "../http/query";

// The Visitors page and a visitor's page (GET /api/visitors, GET /api/visitors/{id}) over
// list_visitors and visitor_detail (supabase/schemas/15_visitors.sql).

export const visitorQuerySchema = z.object({
  /** a visitor id, or its beginning (a reference: the first 8 characters) */
  q: queryText(128),
  cursor: queryText(200),
  limit: z.preprocess(blank, z.coerce.number({ error: "must be a number" }).int().min(1).max(200).default(50)),
});
export type VisitorQuery = z.infer<typeof visitorQuerySchema>;

type Summary = RpcResultOf<"visitor_detail">["visitor"];
type SessionRow = RpcResultOf<"visitor_detail">["sessions"][number];

function summaryView(v: Summary) {
  return {
    id: v.user_id,
    ref: v.visitor_ref,
    channel: v.channel,
    trackingEnabled: v.tracking_enabled,
    firstSeen: v.first_seen,
    lastSeen: v.last_seen,
    active: v.active,
    sessions: v.sessions,
    traces: v.traces,
    messages: v.messages,
    costUsd: Number(v.cost_usd),
    scores: {
      helpfulUp: v.helpful_up, helpfulDown: v.helpful_down, votesUp: v.votes_up, votesDown: v.votes_down,
      operatorScores: v.operator_scores,
    },
  };
}
export type VisitorSummary = ReturnType<typeof summaryView>;

function sessionView(s: SessionRow) {
  return {
    sessionId: s.session_id,
    sessionTag: s.session_tag,
    channel: s.channel,
    // an agent since removed shows its key (visitor_detail's agent_name; lib/agents/names.ts)
    agent: { key: s.agent_type, name: s.agent_name },
    agentVersion: s.agent_version,
    model: { key: s.model_key, name: s.model_name },
    isActive: s.is_active,
    startedAt: s.started_at,
    lastActivityAt: s.last_activity_at,
    endedAt: s.ended_at,
    endReason: s.end_reason,
    ending: s.ending,
    trackingEnabled: s.tracking_enabled,
    messages: s.messages,
    traceId: s.trace_id,
    costUsd: s.cost_usd == null ? null : Number(s.cost_usd),
    feedback: s.feedback,
    votesUp: s.votes_up,
    votesDown: s.votes_down,
    conversationRemoved: s.conversation_removed,
    scores: s.scores,
  };
}
export type VisitorSession = ReturnType<typeof sessionView>;

// keyset cursor: the last visitor's newest session (its start and id), opaque to clients
const cursorSchema = z.object({ s: z.string().regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/), i: z.uuid() });

function decodeCursor(raw: string) {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    // a forged cursor: below
  }
  const c = cursorSchema.safeParse(parsed);
  if (!c.success) throw new AppError("bad_request:visitors", "cursor is not valid for this list.");
  return c.data;
}

export async function listVisitors(db: Database, q: VisitorQuery): Promise<{ visitors: VisitorSummary[]; nextCursor: string | null }> {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const r = await db.rpc("list_visitors", { p_q: q.q, p_after_started: after?.s, p_after_session: after?.i, p_limit: q.limit });
  const last = r.visitors.at(-1);
  return {
    visitors: r.visitors.map(summaryView),
    nextCursor: r.has_more && last
      ? Buffer.from(JSON.stringify({ s: last.cursor_started_at, i: last.cursor_session_id })).toString("base64url")
      : null,
  };
}

export async function visitorDetail(db: Database, userId: string): Promise<{ visitor: VisitorSummary; sessions: VisitorSession[] }> {
  const r = await db.rpc("visitor_detail", { p_user_id: userId });
  return { visitor: summaryView(r.visitor), sessions: r.sessions.map(sessionView) };
}

/** The visitors whose id starts with a reference (normally one; at most `limit`). */
export async function visitorsByRef(db: Database, ref: string, limit = 5): Promise<string[]> {
  const r = await db.rpc("list_visitors", { p_q: ref, p_limit: limit });
  return r.visitors.map((v) => v.user_id);
}

import type { z } from "zod";
import { sessionEndingSchema } from "../db/rpc/rows";
import { log } from "../log";

// A session that ended, as the SQL returns it (close_session, turn_endings, close_idle_sessions:
// `sessionEndingSchema` in lib/db/rpc/rows.ts), and its one `session.ended` log line (docs/architecture.md, "Session lifecycle").

export type SessionEnding = z.infer<typeof sessionEndingSchema>;

export function logSessionEnded(ending: SessionEnding, fields: { requestId?: string; by: "turn" | "visitor" | "maintenance" }): void {
  log("session.ended", {
    requestId: fields.requestId,
    visitor: ending.user_id,
    sessionId: ending.session_id,
    agent: ending.agent_type,
    sessionTag: ending.session_tag,
    reason: ending.reason,
    durationSeconds: ending.duration_seconds,
    messageCount: ending.message_count,
    endedAt: ending.ended_at,
    by: fields.by,
  });
}

import { z } from "zod";
import { log } from "../log";

// A session that ended, as the SQL returns it (close_session, turn_endings, close_idle_sessions),
// and its one `session.ended` log line (docs/architecture.md, "Session lifecycle").

export const sessionEndingSchema = z.object({
  session_id: z.string(),
  user_id: z.string(),
  event: z.enum(["ended", "expired"]),
  reason: z.enum(["user", "agent_switch", "idle", "new_chat", "superseded"]),
  agent_type: z.string(),
  session_tag: z.string(),
  started_at: z.string(),
  ended_at: z.string(),
  duration_seconds: z.number().int().min(0),
  message_count: z.number().int().min(0),
});

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

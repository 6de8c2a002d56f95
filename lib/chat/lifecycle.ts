import { log } from "../log";
import type { BeginResult, TurnRequest } from "./begin";
import { sessionEndingSchema } from "../db/rpc/rows";
import { logSessionEnded } from "./endings";

// One structured log line per session lifecycle event.

const seen = new Set<string>(); // only to tell "restored after a restart" in the logs; never data

export function logLifecycle(begun: Exclude<BeginResult, { status: "rate_limited" }>, request: TurnRequest): void {
  const base = { requestId: request.requestId, visitor: request.visitorId, sessionId: begun.session.id, agent: begun.session.agent_type };
  if (begun.status === "resume" || begun.status === "replay") {
    log("session.repeated_message", { ...base, status: begun.status, clientMessageId: request.clientMessageId });
  } else if (begun.new_session) {
    const previous = begun.previous_session_id ?? undefined;
    logEndings(begun, request, previous);
    if (begun.reason === "agent_switch") log("session.switched", { ...base, previousSessionId: previous });
    if (begun.reason === "expired_previous") log("session.expired", { ...base, sessionId: previous });
    log("session.started", { ...base, reason: begun.reason, previousSessionId: previous, sessionTag: begun.session.session_tag, traceId: begun.session.trace_id });
  } else if (request.sessionId && !seen.has(begun.session.id)) {
    log("session.restored", { ...base, sessionTag: begun.session.session_tag });
  } else {
    log("session.continued", base);
  }
  if (seen.size > 10_000) seen.clear();
  seen.add(begun.session.id);
}

/** `session.ended` for every session this turn ended (begin_turn's `ended`: agent switch, idle, superseded). */
function logEndings(begun: Exclude<BeginResult, { status: "rate_limited" }>, request: TurnRequest, previous: string | undefined): void {
  if (begun.ended === undefined) {
    // a begin_turn without `ended` reports only the switch, without figures
    if (begun.reason === "agent_switch") {
      log("session.ended", { requestId: request.requestId, visitor: request.visitorId, sessionId: previous, agent: begun.session.agent_type, reason: "agent_switch", by: "turn" });
    }
    return;
  }
  for (const ending of sessionEndingSchema.array().parse(begun.ended)) {
    logSessionEnded(ending, { requestId: request.requestId, by: "turn" });
  }
}

import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import type { AgentDefinition, HandoffTarget } from "../tools/types";
import type { Observation } from "./observations";
import type { ButtonAction } from "./types";

// Round trip 1: begin_turn decides the session and the agent, stores the user message,
// and answers the turns that need no model (the menu, a greeting) by itself.

export interface TurnRequest {
  visitorId: string;
  requestId: string;
  message?: string;
  sessionId?: string;
  agent?: string;
  action?: ButtonAction;
  clientMessageId?: string;
  modelKey: string;
  defaultAgent: string;
  tracking?: boolean;
  idleMinutes: number;
  rateLimit: number;
  clientIp?: string;
  ipRateLimit: number;
  /** A new visitor (a fresh cookie): begin_turn counts them against this limit per address and minute. */
  newVisitorLimit?: number;
  /** 'web' unless a channel (lib/channels) runs the turn; one active session per visitor and channel. */
  channel?: string;
  /** Steps before the agent ran (a voice message's transcription), stored with the turn's own. */
  observations?: Observation[];
  /**
   * A new visitor (its cookie set) when begin_turn answers that this one was retired by an erasure; the
   * retried begin_turn counts them against `newVisitorLimit` (no separate round trip).
   */
  renewVisitor?: () => Promise<{ id: string; newVisitorLimit?: number }>;
}

/** A handoff target: its summary, and (when begin_turn sends it) the agent itself. */
export type HandoffAgent = HandoffTarget & Partial<AgentDefinition>;

/** begin_turn's answer (its schema: lib/db/rpc/chat.ts), once the visitor is one that may chat. */
export type BeginResult = Exclude<RpcResultOf<"begin_turn">, { status: "retired" }>;

/**
 * begin_turn; when an erasure retired the visitor's id (a copy of an old cookie, docs/privacy.md),
 * nothing was written and the turn runs again for a new visitor (`renewVisitor`), whose id the
 * request then carries.
 */
export async function beginTurn(db: Database, r: TurnRequest): Promise<BeginResult> {
  const begun = await callBeginTurn(db, r);
  if (begun.status !== "retired") return begun;
  if (!r.renewVisitor) throw new AppError("not_found:visitor", "This visitor's history was deleted.");
  const fresh = await r.renewVisitor();
  r.visitorId = fresh.id;
  r.newVisitorLimit = fresh.newVisitorLimit;
  const again = await callBeginTurn(db, r);
  if (again.status === "retired") throw new AppError("internal:chat", "A new visitor id was refused as retired.");
  return again;
}

function callBeginTurn(db: Database, r: TurnRequest) {
  return db.rpc("begin_turn", {
    p_user_id: r.visitorId,
    p_message: r.message ?? null,
    p_session_id: r.sessionId,
    p_agent: r.agent,
    p_default_agent: r.defaultAgent,
    p_model_key: r.modelKey,
    p_tracking: r.tracking,
    p_client_message_id: r.clientMessageId,
    p_action: r.action ? { ...r.action } : null,
    p_idle_minutes: r.idleMinutes,
    p_rate_limit: r.rateLimit,
    p_client_ip: r.clientIp,
    p_ip_rate_limit: r.ipRateLimit,
    p_request_id: r.requestId,
    ...(r.newVisitorLimit ? { p_new_visitor_limit: r.newVisitorLimit } : {}),
    ...(r.channel ? { p_channel: r.channel } : {}),
  });
}

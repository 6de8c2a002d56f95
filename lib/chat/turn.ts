import { randomUUID } from "node:crypto";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { log } from "../log";
import { modelError } from "../models/errors";
import type { AgentDefinition } from "../tools/types";
import { runAgent, type AgentRunResult } from "./agent-run";
import { beginTurn, type BeginResult, type HandoffAgent, type TurnRequest } from "./begin";
import { logLifecycle } from "./lifecycle";
import { chatModelFor, hasModel } from "./available-models";
import { buttonsOf, retryableOf, type MessageRow, type SessionRow } from "./stored";
import type { Button, ButtonAction, ChatModel } from "./types";
import type { TurnReply, TurnResult, TurnSession } from "./wire";
import { visitorRef } from "../visitors/reference";
import { newVisitorRefused } from "../http/visitor-cookie";

// One chat turn (docs/architecture.md "A chat turn"): begin_turn (round trip 1) → the
// session's agent runs the AI SDK tool loop (and, after a handoff, the new agent runs on
// the same message) → finish_turn (round trip 2) stores the reply, flows and every step.
// Nothing here decides anything two concurrent requests could disagree on. Its answer is the
// chat wire contract's TurnResult (wire.ts), sent as JSON or as the stream's data parts.

export interface TurnHooks {
  onSession?(session: TurnSession): void;
  onText?(delta: string): void;
  /** The agent handed over: the text that follows is the new agent's, in the new session. */
  onHandoff?(agent: { key: string; name: string }): void;
  /** Aborted when the client goes away: the reply so far is stored, marked partial (R9, docs/rules.md). */
  signal?: AbortSignal;
}

type Begun = Exclude<BeginResult, { status: "rate_limited" }>;

function sessionOf(s: SessionRow, newSession: boolean, agent: { key: string; name: string }): TurnSession {
  return {
    sessionId: s.id,
    newSession,
    sessionTag: s.session_tag,
    visitorRef: visitorRef(s.user_id),
    traceId: s.trace_id,
    agent: { key: agent.key, name: agent.name },
    model: { key: s.model.key, name: s.model.name },
  };
}

function replyOf(row: MessageRow): TurnReply {
  return { id: row.id, role: "agent", content: row.content, buttons: buttonsOf(row.metadata), partial: row.is_partial, ...retryableOf(row.metadata) };
}

/** The target of a handoff as an agent this process can run; begin_turn sends it with the turn. */
function handoffAgent(begun: Begun, key: string): AgentDefinition {
  const target = begun.handoff_agents.find((a) => a.key === key) as HandoffAgent | undefined;
  if (!target?.instructions || !Array.isArray(target.tools)) {
    throw new AppError("internal:chat", `begin_turn did not send the definition of handoff target ${key}.`);
  }
  // one handoff per turn: the new agent answers, it does not hand over again in the same turn
  return { ...(target as AgentDefinition), tools: target.tools.filter((t) => t !== "handoff") };
}

function replyMetadata(agent: AgentDefinition, model: ChatModel, run: AgentRunResult, latencyMs: number) {
  return {
    buttons: run.buttons,
    agent: agent.key,
    agent_version: agent.version,
    model: model.info.key,
    tools: run.toolsUsed,
    usage: run.usage,
    latencyMs,
    // a tool changed the session's state: "Try again" is not offered (begin_turn refuses it: docs/architecture.md)
    ...(Object.keys(run.flows).length > 0 ? { changed_state: true } : {}),
  };
}

export async function runTurn(db: Database, request: TurnRequest, hooks: TurnHooks = {}): Promise<TurnResult> {
  // 1. begin: the session and agent are decided and the question stored before any model call
  const begun = await beginTurn(db, request);
  if (begun.status === "rate_limited") {
    if (begun.scope === "new_visitor") throw newVisitorRefused(begun.retry_after);
    throw new AppError("rate_limit:chat", "You are sending messages too quickly. Wait a moment and try again.", {
      retryAfter: begun.retry_after,
    });
  }
  logLifecycle(begun, request);
  const session = sessionOf(begun.session, begun.new_session, begun.agent);
  hooks.onSession?.(session);
  const replaces = begun.regenerates ? { replaces: begun.regenerates } : {};

  // the menu, a greeting (no model), or a repeated clientMessageId (R8, docs/rules.md): the stored reply
  if (begun.reply && (begun.status === "answered" || begun.status === "replay")) {
    hooks.onText?.(begun.reply.content);
    return { ...session, ...replaces, reply: replyOf(begun.reply) };
  }
  const question = begun.user_message;
  if (!question) throw new AppError("internal:chat", "begin_turn stored no question for a model turn.");

  const before = await stepsBefore(db, request, begun, question);

  // 2. the session's agent runs its tool loop on the stored context
  const agent = begun.agent;
  const model = chatModelFor(begun.session.model.key);
  const started = performance.now();
  const first = await runAgent({
    db,
    model,
    agent,
    handoffTargets: begun.handoff_agents.map(({ key, name, description }) => ({ key, name, description })),
    sessionId: begun.session.id,
    history: begun.history,
    message: question.content,
    // a regenerate answers the question's own button press again, not the "Try again" press
    action: begun.regenerates ? ((question.metadata?.action as ButtonAction | undefined) ?? null) : (request.action ?? null),
    actionSource: begun.action_source,
    flows: begun.flows ?? {},
    tryAgain: Boolean(begun.regenerates),
    signal: hooks.signal,
    onText: hooks.onText,
  });
  if (first.error) return failed(db, request, before, question, model, first, started);

  // 2b. a handoff: the new agent answers the same message now, in the session finish_turn starts
  let handoff: Record<string, unknown> | null = null;
  let target: AgentDefinition | null = null;
  if (first.handoff && !first.partial) {
    target = handoffAgent(begun, first.handoff.agent);
    const targetModel = target.model_key && hasModel(target.model_key) ? chatModelFor(target.model_key) : model;
    hooks.onHandoff?.({ key: target.key, name: target.name });
    const secondStarted = performance.now();
    const second = await runAgent({
      db,
      model: targetModel,
      agent: target,
      handoffTargets: [],
      sessionId: begun.session.id,
      history: [],
      message: question.content,
      action: null,
      flows: {},
      signal: hooks.signal,
      onText: hooks.onText,
    });
    if (second.error) return failed(db, request, before, question, targetModel, { ...second, observations: [...first.observations, ...second.observations] }, started);
    const latencyMs = Math.round(performance.now() - secondStarted);
    handoff = {
      agent: target.key,
      content: second.content,
      metadata: replyMetadata(target, targetModel, second, latencyMs),
      flows: Object.keys(second.flows).length > 0 ? second.flows : null,
      observations: second.observations,
      partial: second.partial,
      latency_ms: latencyMs,
    };
  }
  const latencyMs = Math.round(performance.now() - started);
  const note = first.content || (target ? `Let me hand you over to our ${target.name}.` : "");

  // 3. finish: the reply, the flow state and every step, in one transaction
  const finished = await db.rpc("finish_turn", {
    p_user_message_id: question.id,
    p_content: note,
    p_metadata: replyMetadata(agent, model, first, latencyMs),
    p_flows: Object.keys(first.flows).length > 0 ? first.flows : null,
    p_input_tokens: first.usage.inputTokens,
    p_output_tokens: first.usage.outputTokens,
    p_latency_ms: handoff ? latencyMs - (handoff.latency_ms as number) : latencyMs,
    p_partial: first.partial,
    p_observations: [...before, ...first.observations],
    p_handoff: handoff,
  });
  if (finished.status === "error_recorded") throw new Error("finish_turn recorded an error for a turn that had none");
  if (finished.handoff) {
    const agentRef = target ?? { key: finished.session.agent_type, name: finished.session.agent_name };
    log("session.handoff", { requestId: request.requestId, visitor: request.visitorId, sessionId: finished.session.id, previousSessionId: finished.handoff.from_session_id, agent: agentRef.key });
    return {
      ...sessionOf(finished.session, true, agentRef),
      reply: replyOf(finished.reply),
      handoff: { fromSessionId: finished.handoff.from_session_id, fromReply: replyOf(finished.handoff.from_reply) },
    };
  }
  return { ...session, ...replaces, reply: replyOf(finished.reply) };
}

/**
 * Steps before the agent ran: the caller's (a voice message sent as one request), else the
 * transcription a two-step voice message left beside its registration (docs/channels.md, "Voice").
 */
async function stepsBefore(db: Database, request: TurnRequest, begun: Begun, question: MessageRow): Promise<readonly unknown[]> {
  if (request.observations?.length) return request.observations;
  if (!question.audio_url || !request.clientMessageId || begun.regenerates) return [];
  const step = await db.rpc("voice_transcription", { p_user_id: request.visitorId, p_client_message_id: request.clientMessageId });
  // a new id each time it is stored: a turn retried after a model failure records it again, as a one-step message does
  return step ? [{ ...step, id: randomUUID() }] : [];
}

/** The model failed: the question stays stored, the trace records the failed steps; the client may retry (503 `unavailable:model` or 502 `bad_gateway:model`, lib/models/errors.ts). */
async function failed(db: Database, request: TurnRequest, before: readonly unknown[], question: MessageRow, model: ChatModel, run: AgentRunResult, started: number): Promise<never> {
  const error = run.error!;
  await db.rpc("finish_turn", {
    p_user_message_id: question.id,
    p_error: error.message.slice(0, 4000) || "model error",
    p_observations: [...before, ...run.observations],
    p_latency_ms: Math.round(performance.now() - started),
  });
  log("model.failed", { sessionId: question.session_id, visitor: request.visitorId, model: model.info.key, error: error.message }, "error");
  throw modelError(error);
}

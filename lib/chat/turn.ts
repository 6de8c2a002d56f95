import { agentRef, planTurn } from "../agents/registry";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { log } from "../log";
import { countTokens } from "../models/tokens";
import { beginTurn, type BeginResult, type TurnRequest } from "./begin";
import { databaseCatalog } from "./catalog";
import { logLifecycle } from "./lifecycle";
import { chatModelFor } from "./models";
import { buttonsOf, toStoredMessage, type MessageRow } from "./stored";
import type { Button, TurnContext } from "./types";

// One chat turn: begin_turn (round trip 1) → the agent plans, the model words
// it → finish_turn (round trip 2). Nothing here decides anything two
// concurrent requests could disagree on: that is the SQL functions' job.

export interface TurnSession {
  sessionId: string;
  newSession: boolean;
  sessionTag: string;
  traceId: string | null;
  agent: { key: string; name: string };
  model: { key: string; name: string };
}

export interface TurnReply {
  id: string;
  role: "agent";
  content: string;
  buttons: Button[];
  partial: boolean;
}

export type TurnResult = TurnSession & { reply: TurnReply };

export interface TurnHooks {
  onSession?(session: TurnSession): void;
  onText?(delta: string): void;
  /** Aborted when the client goes away: the reply so far is stored, marked partial (R9). */
  signal?: AbortSignal;
}

type Begun = Exclude<BeginResult, { status: "rate_limited" }>;

function sessionOf(begun: Begun): TurnSession {
  const s = begun.session;
  return {
    sessionId: s.id,
    newSession: begun.new_session,
    sessionTag: s.session_tag,
    traceId: s.trace_id,
    agent: agentRef(s.agent_type),
    model: { key: s.model.key, name: s.model.name },
  };
}

function replyOf(row: MessageRow): TurnReply {
  return { id: row.id, role: "agent", content: row.content, buttons: buttonsOf(row.metadata), partial: row.is_partial };
}

export async function runTurn(db: Database, request: TurnRequest, hooks: TurnHooks = {}): Promise<TurnResult> {
  // 1. begin: the session is decided and the question stored before any model call
  const begun = await beginTurn(db, request);
  if (begun.status === "rate_limited") {
    throw new AppError("rate_limit:chat", "You are sending messages too quickly. Wait a moment and try again.", {
      retryAfter: begun.retry_after,
    });
  }
  logLifecycle(begun, request);
  const session = sessionOf(begun);
  hooks.onSession?.(session);

  // a repeated clientMessageId returns the first answer (R8)
  if (begun.status === "replay" && begun.reply) {
    hooks.onText?.(begun.reply.content);
    return { ...session, reply: replyOf(begun.reply) };
  }

  // 2. the agent plans from the stored context; the model words the plan
  const history = begun.history.map(toStoredMessage);
  const ctx: TurnContext = {
    sessionId: begun.session.id,
    visitorId: request.visitorId,
    agentKey: begun.session.agent_type,
    model: begun.session.model,
    message: begun.user_message.content,
    action: request.action ?? null,
    actionSource: begun.action_source,
    history,
    flows: begun.flows ?? {},
    catalog: databaseCatalog(db),
  };
  const plan = await planTurn(ctx);
  const model = chatModelFor(begun.session.model.key);
  const started = performance.now();
  let content = "";
  let partial = false;
  let usage = { inputTokens: 0, outputTokens: 0 };
  try {
    const stream = model.generate({ plan, history, message: ctx.message, signal: hooks.signal });
    for await (const delta of stream.text) {
      content += delta;
      hooks.onText?.(delta);
      if (hooks.signal?.aborted) break;
    }
    partial = Boolean(hooks.signal?.aborted);
    usage = await stream.usage().catch(() => ({ inputTokens: countTokens(plan.system + ctx.message), outputTokens: countTokens(content) }));
  } catch (error) {
    const latency = Math.round(performance.now() - started);
    if (!hooks.signal?.aborted) {
      // the question stays stored; the trace records the failure; the client may retry
      await db.rpc("finish_turn", { p_user_message_id: begun.user_message.id, p_error: String((error as Error).message ?? error), p_latency_ms: latency });
      log("model.failed", { sessionId: ctx.sessionId, visitor: request.visitorId, model: model.info.key, error: String((error as Error).message ?? error) }, "error");
      throw new AppError("bad_gateway:model", "The model did not answer. Your message is saved; try again.", { retryAfter: 1, cause: error });
    }
    partial = true;
    usage = { inputTokens: countTokens(plan.system + ctx.message), outputTokens: countTokens(content) };
  }
  const latencyMs = Math.round(performance.now() - started);

  // 3. finish: the reply, the flow state and the trace counters, in one transaction
  const finished = await db.rpc<{ status: string; reply: MessageRow }>("finish_turn", {
    p_user_message_id: begun.user_message.id,
    p_content: content,
    p_metadata: {
      ...plan.metadata,
      buttons: plan.buttons,
      toolOutputs: plan.toolOutputs,
      agent: ctx.agentKey,
      model: model.info.key,
      usage,
      latencyMs,
    },
    p_flows: plan.flows ?? null,
    p_input_tokens: usage.inputTokens,
    p_output_tokens: usage.outputTokens,
    p_latency_ms: latencyMs,
    p_partial: partial,
  });
  return { ...session, reply: replyOf(finished.reply) };
}

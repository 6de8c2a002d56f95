import { randomUUID } from "node:crypto";
import type { Database } from "../db/types";
import { defaultModelKey, ensureModels } from "../chat/available-models";
import { runTurn } from "../chat/turn";
import type { TurnResult } from "../chat/wire";
import { grading as defaultGrading, type Grading } from "./grade";

// One experiment item's replay (docs/architecture.md, "Datasets and experiments"): the item's visitor
// messages, in order, through the real chat turn (begin_turn, the agent's tool loop, finish_turn) in a
// session of the item's own visitor on the channel `experiment`, pinned to the run's agent version;
// then the reply to the last one is graded and stored with the replay's figures.

export async function replayItem(db: Database, id: string, grading: Grading = defaultGrading): Promise<void> {
  await ensureModels(db);
  const begun = await db.rpc("begin_experiment_item", { p_id: id, p_model_key: defaultModelKey() });
  let sessionId = begun.session_id;
  let last: TurnResult | undefined;
  const started = performance.now();
  try {
    for (const message of begun.messages.filter((m) => m.role === "user")) {
      last = await runTurn(db, {
        visitorId: begun.visitor_id,
        requestId: `experiment-${randomUUID()}`,
        message: message.content,
        sessionId,
        modelKey: begun.model_key,
        defaultAgent: begun.agent_key,
        channel: "experiment",
        tracking: true,
        idleMinutes: 24 * 60,
        rateLimit: 0,
        ipRateLimit: 0,
      });
      sessionId = last.sessionId;
    }
  } catch (error) {
    await db.rpc("finish_experiment_item", {
      p_id: id, p_reply: last?.reply.content ?? null, p_trace_id: last?.traceId ?? null,
      p_latency_ms: Math.round(performance.now() - started), p_error: String((error as Error)?.message ?? error).slice(0, 4000),
    });
    return;
  }
  const latencyMs = Math.round(performance.now() - started);
  const scores = [];
  if (last?.traceId) {
    for (const evaluator of begun.evaluators) {
      const g = await grading.grade(db, {
        traceId: last.traceId,
        evaluator,
        expected: { output: begun.expected_output, toolCalls: begun.expected_tool_calls },
      });
      scores.push({ name: g.name, value: g.value, comment: g.comment, score_id: g.scoreId });
    }
  }
  await db.rpc("finish_experiment_item", {
    p_id: id, p_reply: last?.reply.content ?? null, p_trace_id: last?.traceId ?? null, p_latency_ms: latencyMs, p_scores: scores,
  });
}

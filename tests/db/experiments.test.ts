import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runTurn } from "@/lib/chat/turn";
import type { TurnResult } from "@/lib/chat/wire";
import { addDatasetItem, createDataset } from "@/lib/datasets/datasets";
import { experimentDetail, startExperiment } from "@/lib/experiments/experiments";
import { experimentWorker } from "@/lib/experiments/worker";
import type { Database } from "@/lib/db/types";
import { backends, databaseFor } from "../support/databases";
import { visitor } from "./turn-helpers";

// Experiments (docs/architecture.md, "Datasets and experiments"), on PGlite and PostgreSQL: a dataset
// item made from the bulk-order conversation replays through the real chat turn (begin_turn, the
// offline model's tool loop, finish_turn) and ends with a confirmed order inside the experiment
// only: no real order, no visitor, the dashboard's figures and the explorer's default view unchanged.

async function converse(db: Database, user: string, messages: string[], agent?: string): Promise<TurnResult[]> {
  const results: TurnResult[] = [];
  let sessionId: string | undefined;
  for (const message of messages) {
    const r = await runTurn(db, {
      visitorId: user, requestId: randomUUID(), message, sessionId, agent: sessionId ? undefined : agent,
      modelKey: "offline", defaultAgent: "product_recommendation", idleMinutes: 1440, rateLimit: 0, ipRateLimit: 0,
    });
    sessionId = r.sessionId;
    results.push(r);
  }
  return results;
}

export const bulkOrder = ["Hi so i need to buy 11 remote controls", "Ana Lopez", "my number is 555-123-4567", "ana@example.com", "yes"];

describe.each(backends)("experiments on $name", ({ open }) => {
  const t = databaseFor(open);

  const realOrders = async () =>
    (await t.sql<{ n: number }>(
      "select count(*)::int as n from flow_states where flow = 'bulk_order' and state ->> 'status' = 'confirmed' and not is_experiment"))[0].n;
  const outside = async () => ({
    orders: await realOrders(),
    visitors: (await t.db.rpc("list_visitors", { p_limit: 100 })).visitors.map((v) => v.user_id).sort(),
    dashboard: await t.db.rpc("dashboard_stats", {}),
    channels: await t.db.rpc("dashboard_channels", {}),
    explorer: (await t.db.rpc("search_traces", { p_limit: 100 })).traces.map((r) => r.id).sort(),
  });

  it("replays the bulk-order conversation through the real tools: a confirmed order inside the experiment only", async () => {
    await t.db.rpc("register_model", { p_key: "offline", p_name: "Threadline Offline", p_provider: "offline" });
    // the real conversation: a handoff to the Order Assistant, contact over turns, an explicit yes
    const real = await converse(t.db, visitor(), bulkOrder, "sales_pitch");
    const placed = real[real.length - 1];
    expect(placed.reply.content).toMatch(/confirmed.*BO-[0-9A-F]{10}/s);
    const [question] = await t.sql<{ id: string }>("select id from conversation_messages where session_id = $1 and role = 'user' and content = 'yes'", [placed.sessionId]);

    await createDataset(t.db, { name: "bulk-orders" }, "admin");
    const item = await addDatasetItem(t.db, "bulk-orders", { traceId: placed.traceId!, messageId: question.id, expectedOutput: placed.reply.content });
    expect(item.input.messages.filter((m) => m.role === "user").map((m) => m.content)).toEqual(bulkOrder);
    expect(item.input.messages[item.input.messages.length - 1]).toEqual({ role: "user", content: "yes" });
    expect(item.input.agent).toBe("order_assistant");
    expect(item.input.flows).toMatchObject({ bulk_order: { status: "confirmed" } });
    expect(item.sourceTraceId).toBe(placed.traceId);

    const before = await outside();
    expect(before.orders).toBe(1);

    const { id } = await startExperiment(t.db, { dataset: "bulk-orders", agent: "order_assistant", version: 1, evaluators: ["order_confirmed_with_contact"] }, "admin");
    expect((await experimentDetail(t.db, id)).status).toBe("running");
    const run = await experimentWorker(t.db).run();
    expect(run).toMatchObject({ claimed: 1, done: 1, dead: 0 });

    const x = await experimentDetail(t.db, id);
    expect(x.status).toBe("completed");
    const [replayed] = x.items;
    expect(replayed.reply).toMatch(/confirmed.*BO-[0-9A-F]{10}/s);
    expect(replayed.steps.map((s) => s.name)).toContain("confirm_order");
    expect(replayed.latencyMs).toBeGreaterThan(0);
    // graded by the order rule: a score with source evaluator on the replay's trace
    expect(replayed.scores).toEqual([{ name: "order_confirmed_with_contact", value: true, comment: expect.any(String) }]);
    expect(x.totals.scores).toEqual({ order_confirmed_with_contact: 1 });
    const [score] = await t.sql<{ source: string; trace_id: string }>("select source, trace_id from scores where trace_id = $1", [replayed.traceId]);
    expect(score).toEqual({ source: "evaluator", trace_id: replayed.traceId });

    // the replay's sessions and trace: channel experiment, the experiment's id, the version asked for
    const sessions = await t.sql<{ channel: string; experiment_id: string; agent_version: number }>(
      "select s.channel, s.experiment_id, s.agent_version from conversation_sessions s join experiment_items e on e.visitor_id = s.user_id where e.experiment_id = $1", [id]);
    expect(sessions).toEqual([{ channel: "experiment", experiment_id: id, agent_version: 1 }]);
    const [trace] = await t.sql<{ channel: string; experiment_id: string }>("select channel, experiment_id from llm_traces where id = $1", [replayed.traceId]);
    expect(trace).toEqual({ channel: "experiment", experiment_id: id });
    // the order: confirmed, and an experiment's order
    const orders = await t.sql<{ status: string; is_experiment: boolean }>(
      "select f.state ->> 'status' as status, f.is_experiment from flow_states f join conversation_sessions s on s.id = f.session_id where s.experiment_id = $1", [id]);
    expect(orders).toEqual([{ status: "confirmed", is_experiment: true }]);

    // nothing outside the experiment changed
    expect(await outside()).toEqual(before);
    // the explorer shows the replay when asked for the channel
    const asked = await t.db.rpc("search_traces", { p_channel: "experiment", p_limit: 100 });
    expect(asked.traces.map((r) => r.id)).toEqual([replayed.traceId]);
  });

  it("stays inside: no OTLP export (turns or scores), no review queue item, no WhatsApp reply, no online evaluation", async () => {
    await t.db.rpc("register_model", { p_key: "offline", p_name: "Threadline Offline", p_provider: "offline" });
    await t.db.rpc("configure_privacy", { p_pii_masking: "off", p_otlp_enabled: true, p_capture_content: false });
    const everything = await t.db.rpc("create_review_queue", {
      p_name: `all-${randomUUID().slice(0, 8)}`, p_score_configs: ["quality"], p_created_by: "admin", p_sample_rate: 1, p_handoff: true, p_failed_step: true });
    await t.db.rpc("set_agent_evaluators", { p_agent: "order_assistant", p_evaluators: [{ name: "reply_under_chars", sample_rate: 1 }], p_author: "admin" });
    // live traffic is exported, fed to the queue and graded online (so the checks below are not vacuous)
    const live = await converse(t.db, visitor(), bulkOrder, "sales_pitch");
    const placed = live[live.length - 1];
    const liveUser = (await t.sql<{ user_id: string }>("select user_id from llm_traces where id = $1", [placed.traceId]))[0].user_id;
    const rows = async (user: string) => (await t.sql<{ kind: string }>(
      "select kind from otlp_outbox where user_id = $1 or user_id in (select e.visitor_id from experiment_items e where e.experiment_id::text = $1)", [user])).map((r) => r.kind);
    expect(await rows(liveUser)).toContain("turn");
    const fed = async (traceId: string) => (await t.sql<{ n: number }>(
      "select count(*)::int as n from review_queue_items where queue_id = $1 and trace_id = $2", [everything.id, traceId]))[0].n;
    expect(await fed(placed.traceId!)).toBe(1);
    const jobs = async (traceId: string) => (await t.sql<{ n: number }>("select count(*)::int as n from evaluation_jobs where trace_id = $1", [traceId]))[0].n;
    expect(await jobs(placed.traceId!)).toBe(1);
    const wa = async () => (await t.sql<{ n: number }>("select count(*)::int as n from whatsapp_outbox"))[0].n;
    const waBefore = await wa();

    // the same conversation replayed, graded by an evaluator: nothing of it leaves or enters a queue
    const [question] = await t.sql<{ id: string }>("select id from conversation_messages where session_id = $1 and role = 'user' and content = 'yes'", [placed.sessionId]);
    await createDataset(t.db, { name: "inside" }, "admin");
    await addDatasetItem(t.db, "inside", { traceId: placed.traceId!, messageId: question.id });
    const { id } = await startExperiment(t.db, { dataset: "inside", agent: "order_assistant", version: 1, evaluators: ["reply_under_chars"] }, "admin");
    expect(await experimentWorker(t.db).run()).toMatchObject({ done: 1, dead: 0 });
    const [replayed] = (await experimentDetail(t.db, id)).items;
    expect(replayed.scores).toEqual([expect.objectContaining({ name: "reply_under_chars" })]);
    const replayTraces = (await t.sql<{ id: string }>("select id from llm_traces where experiment_id = $1", [id])).map((r) => r.id);
    expect(replayTraces.length).toBeGreaterThan(0);
    expect(await rows(id)).toEqual([]);
    for (const traceId of replayTraces) {
      expect(await fed(traceId)).toBe(0);
      expect(await jobs(traceId)).toBe(0);
    }
    expect(await wa()).toBe(waBefore);
  });

  it("runs a draft: the replay's session pins the draft version, visitors keep the published one", async () => {
    await t.db.rpc("register_model", { p_key: "offline", p_name: "Threadline Offline", p_provider: "offline" });
    const saved = await t.db.rpc("save_agent", { p_key: "order_assistant", p_changes: { greeting: "Draft hello" }, p_draft: true, p_author: "admin" });
    await createDataset(t.db, { name: "drafts" }, null);
    await addDatasetItem(t.db, "drafts", { input: { messages: [{ role: "user", content: "hello" }] } });
    const { id, version } = await startExperiment(t.db, { dataset: "drafts", agent: "order_assistant", version: "draft" }, null);
    expect(version).toBe(saved.version);
    await experimentWorker(t.db).run();
    const x = await experimentDetail(t.db, id);
    expect(x).toMatchObject({ status: "completed", version: saved.version, isDraft: true });
    const [s] = await t.sql<{ agent_version: number }>("select agent_version from conversation_sessions where experiment_id = $1", [id]);
    expect(s.agent_version).toBe(saved.version);
    const [agent] = await t.sql<{ version: number }>("select version from agents where key = 'order_assistant'");
    expect(agent.version).toBeLessThan(saved.version);
  });

  it("refuses what cannot run: an unknown dataset, a missing draft, an empty dataset, an unknown evaluator", async () => {
    await expect(startExperiment(t.db, { dataset: "nope", agent: "order_assistant", version: 1 }, null)).rejects.toMatchObject({ code: "not_found:dataset" });
    await createDataset(t.db, { name: "empty" }, null);
    await expect(startExperiment(t.db, { dataset: "empty", agent: "sales_pitch", version: "draft" }, null)).rejects.toMatchObject({ code: "not_found:agent" });
    await expect(startExperiment(t.db, { dataset: "empty", agent: "sales_pitch", version: 1 }, null)).rejects.toMatchObject({ code: "bad_request:experiment" });
    await expect(startExperiment(t.db, { dataset: "empty", agent: "sales_pitch", version: 1, evaluators: ["no_such_evaluator"] }, null))
      .rejects.toMatchObject({ code: "bad_request:experiment" });
  });
});

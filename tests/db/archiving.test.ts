import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { listEvaluators, setEvaluatorArchived } from "@/lib/evaluators";
import { completeReviewItem, nextReviewItem, reviewQueue, reviewQueues, setReviewQueueArchived } from "@/lib/reviews/queues";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// Archiving review queues and evaluators (docs/architecture.md, "Review queues" and "Evaluators"), on
// PGlite and PostgreSQL: an archived queue is fed no more and left out of the list, its items and scores
// stay; an archived evaluator queues no new evaluation jobs, cannot be attached again and is left out of
// the list. Both come back with `archived: false`.

const operator = { source: "operator" as const, author: "admin" };

describe.each(backends)("archiving on $name", ({ open }) => {
  const t = databaseFor(open);

  /** A new trace of the agent with one stored turn. */
  async function trace(agent = "sales_pitch"): Promise<string> {
    const b = await begin(t.db, visitor(), { p_message: "hello", p_agent: agent });
    await finish(t.db, b.user_message.id, { p_content: "Hello! How can I help?" });
    return b.session.trace_id!;
  }

  it("an archived review queue is fed no more and hidden from the list; its items and scores stay; unarchived it is fed again", async () => {
    const q = await t.db.rpc("create_review_queue", { p_name: `all-${randomUUID()}`, p_score_configs: ["quality"], p_created_by: "admin", p_sample_rate: 1 });
    const first = await trace();
    const leased = await nextReviewItem(t.db, operator, q.id);
    expect(leased?.item.traceId).toBe(first);
    await completeReviewItem(t.db, operator, q.id, leased!.item.id, undefined, [{ name: "quality", value: "good" }]);
    const second = await trace();

    const archived = await setReviewQueueArchived(t.db, q.id, true);
    expect(archived).toMatchObject({ id: q.id, archived: true, counts: { completed: 1, pending: 1, total: 2 } });
    const unfed = await trace();
    const inQueue = async () => (await t.sql<{ trace_id: string }>("select trace_id from review_queue_items where queue_id = $1", [q.id])).map((r) => r.trace_id);
    expect(await inQueue()).toEqual(expect.arrayContaining([first, second]));
    expect(await inQueue()).not.toContain(unfed);
    // hidden from the list by default, listed when asked; the queue itself still answers
    expect((await reviewQueues(t.db)).queues.map((x) => x.id)).not.toContain(q.id);
    expect((await reviewQueues(t.db, true)).queues.find((x) => x.id === q.id)).toMatchObject({ archived: true });
    expect(await reviewQueue(t.db, q.id)).toMatchObject({ archived: true, counts: { completed: 1, total: 2 } });
    // the reviewer's score stays
    const scores = await t.sql<{ value: string }>(
      "select s.string_value as value from scores s join score_configs c on c.id = s.config_id where s.trace_id = $1 and c.name = 'quality'", [first]);
    expect(scores).toEqual([{ value: "good" }]);

    expect(await setReviewQueueArchived(t.db, q.id, false)).toMatchObject({ archived: false });
    const fed = await trace();
    expect(await inQueue()).toContain(fed);
    expect((await reviewQueues(t.db)).queues.map((x) => x.id)).toContain(q.id);
  });

  it("an unknown review queue is 404 not_found:review_queue", async () => {
    await expect(setReviewQueueArchived(t.db, randomUUID(), true)).rejects.toMatchObject({ code: "not_found:review_queue" });
  });

  it("an archived evaluator queues no new jobs, cannot be attached again and is hidden from the list; unarchived it grades again", async () => {
    const created = await t.db.rpc("create_evaluator", {
      p_name: `short-${randomUUID().slice(0, 8)}`, p_kind: "rule", p_score_config: "reply_under_chars", p_created_by: "admin",
      p_rule_key: "reply_under_chars", p_options: { max_chars: 100 },
    });
    await t.db.rpc("set_agent_evaluators", { p_agent: "order_assistant", p_evaluators: [{ name: created.name, sample_rate: 1 }], p_author: "test" });
    const jobs = async (traceId: string) =>
      (await t.sql<{ n: number }>("select count(*)::int as n from evaluation_jobs where trace_id = $1 and evaluator_id = $2", [traceId, created.id]))[0].n;
    expect(await jobs(await trace("order_assistant"))).toBe(1);

    const archived = await setEvaluatorArchived(t.db, created.id, true);
    expect(archived).toMatchObject({ id: created.id, name: created.name, archived: true });
    expect(await jobs(await trace("order_assistant"))).toBe(0);
    expect((await listEvaluators(t.db)).evaluators.map((e) => e.name)).not.toContain(created.name);
    expect((await listEvaluators(t.db, true)).evaluators.find((e) => e.name === created.name)).toMatchObject({ archived: true });
    await expect(t.db.rpc("set_agent_evaluators", { p_agent: "sales_pitch", p_evaluators: [{ name: created.name, sample_rate: 1 }], p_author: "test" }))
      .rejects.toMatchObject({ code: "bad_request:evaluator" });

    expect(await setEvaluatorArchived(t.db, created.id, false)).toMatchObject({ archived: false });
    expect(await jobs(await trace("order_assistant"))).toBe(1);
    expect((await listEvaluators(t.db)).evaluators.map((e) => e.name)).toContain(created.name);
    await t.db.rpc("set_agent_evaluators", { p_agent: "order_assistant", p_evaluators: [], p_author: "test" });
  });

  it("an unknown evaluator is 404 not_found:evaluator", async () => {
    await expect(setEvaluatorArchived(t.db, randomUUID(), true)).rejects.toMatchObject({ code: "not_found:evaluator" });
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "@/lib/db/postgres";
import { backends, freshPostgresUrl, type TestDatabase } from "../support/databases";
import { begin, finish, step, visitor } from "./turn-helpers";

// Review queues (docs/architecture.md, "Review queues"), on PGlite and PostgreSQL: each feed rule puts a
// matching trace into the queue once, in the transaction that makes it match, and never a trace that
// does not match; a reviewer leases one item at a time, an expired lease returns it, only the holder
// completes (with its scores, in one transaction) or skips it. On PostgreSQL, two app instances' pools
// call `next` at once and never hand one item to two reviewers.

type Feed = { negativeVisitorScore?: boolean; failedStep?: boolean; handoff?: boolean; minCost?: number; agent?: string; sampleRate?: number };

describe.each(backends)("review queues on $name", ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
    await t.db.rpc("register_model", { p_key: "priced-model", p_name: "Priced", p_provider: "openai_compatible" });
    await t.sql("update llm_models set input_price_per_million = 2.5, output_price_per_million = 10 where key = 'priced-model'");
  });
  afterAll(() => t?.close());

  const queue = (feed: Feed, configs = ["quality"]) =>
    t.db.rpc("create_review_queue", {
      p_name: `q-${randomUUID()}`, p_score_configs: configs, p_created_by: "admin",
      p_negative_visitor_score: feed.negativeVisitorScore, p_failed_step: feed.failedStep, p_handoff: feed.handoff,
      p_min_cost: feed.minCost, p_agent: feed.agent, p_sample_rate: feed.sampleRate,
    });
  /** A finished model turn; `steps` as the app reports them. */
  async function turn(args: Record<string, unknown> = {}, steps = [step("generation", { input_tokens: 10, output_tokens: 5 })], user = visitor()) {
    const b = await begin(t.db, user, args);
    const f = await finish(t.db, b.user_message.id, { p_observations: steps });
    return { user, sessionId: b.session.id, traceId: b.session.trace_id!, replyId: f.reply.id, questionId: b.user_message.id };
  }
  const items = (queueId: string, traceId?: string) =>
    t.sql<{ trace_id: string; reason: string; status: string }>(
      "select trace_id, reason, status from review_queue_items where queue_id = $1 and ($2::uuid is null or trace_id = $2) order by created_at, id",
      [queueId, traceId ?? null]);
  const failed = () => [step("generation"), step("tool", { status: "error", error: "catalog down" })];

  it("a failed step feeds the queue once (a second failing turn adds nothing); a trace without one never enters", async () => {
    const q = await queue({ failedStep: true });
    const bad = await turn({}, failed());
    const good = await turn();
    expect(await items(q.id, bad.traceId)).toEqual([{ trace_id: bad.traceId, reason: "failed_step", status: "pending" }]);
    expect(await items(q.id, good.traceId)).toEqual([]);
    const again = await begin(t.db, bad.user, { p_session_id: bad.sessionId, p_message: "again?" });
    await finish(t.db, again.user_message.id, { p_observations: failed() });
    expect(await items(q.id, bad.traceId)).toHaveLength(1);
  });

  it("a minimum cost feeds the traces that reach it", async () => {
    const q = await queue({ minCost: 0.01 });
    const dear = await turn({ p_model_key: "priced-model" }, [step("generation", { input_tokens: 4000, output_tokens: 1000 })]);
    const cheap = await turn({ p_model_key: "priced-model" }, [step("generation", { input_tokens: 10, output_tokens: 5 })]);
    expect(await items(q.id, dear.traceId)).toMatchObject([{ reason: "min_cost" }]);
    expect(await items(q.id, cheap.traceId)).toEqual([]);
  });

  it("a handoff feeds the trace that handed over, not the new one nor a trace without a handoff", async () => {
    const q = await queue({ handoff: true });
    const b = await begin(t.db, visitor(), { p_agent: "product_recommendation", p_message: "I need 11 remote controls" });
    const done = await finish(t.db, b.user_message.id, {
      p_content: "Let me hand you over.", p_observations: [step("generation"), step("tool", { name: "handoff", arguments: { agent: "order_assistant" } })],
      p_handoff: { agent: "order_assistant", content: "Happy to take that order." },
    });
    const plain = await turn({ p_agent: "product_recommendation" });
    expect(await items(q.id, b.session.trace_id!)).toMatchObject([{ reason: "handoff" }]);
    expect(await items(q.id, done.session.trace_id!)).toEqual([]);
    expect(await items(q.id, plain.traceId)).toEqual([]);
  });

  it("a visitor's negative rating or thumbs down feeds the queue once, however often it changes; a positive one never", async () => {
    const q = await queue({ negativeVisitorScore: true });
    const rated = await turn();
    const liked = await turn();
    const voted = await turn();
    for (const rating of ["negative", "positive", "negative"]) {
      await t.db.rpc("set_feedback", { p_session_id: rated.sessionId, p_rating: rating, p_user_id: rated.user });
    }
    await t.db.rpc("set_feedback", { p_session_id: liked.sessionId, p_rating: "positive", p_user_id: liked.user });
    await t.db.rpc("set_message_vote", { p_user_id: voted.user, p_message_id: voted.replyId, p_vote: "down", p_session_id: voted.sessionId });
    // an operator's negative rating is not a visitor's
    await t.db.rpc("set_trace_feedback", { p_trace_id: liked.traceId, p_rating: "negative" });
    expect(await items(q.id, rated.traceId)).toEqual([{ trace_id: rated.traceId, reason: "negative_visitor_score", status: "pending" }]);
    expect(await items(q.id, voted.traceId)).toMatchObject([{ reason: "negative_visitor_score" }]);
    expect(await items(q.id, liked.traceId)).toEqual([]);
  });

  it("two rules matching one trace put it in once; an agent alone feeds its traces, and narrows the other rules", async () => {
    const both = await queue({ failedStep: true, negativeVisitorScore: true });
    const agentOnly = await queue({ agent: "order_assistant" });
    const agentFailed = await queue({ agent: "order_assistant", failedStep: true });
    const x = await turn({ p_agent: "sales_pitch" }, failed());
    await t.db.rpc("set_feedback", { p_session_id: x.sessionId, p_rating: "negative", p_user_id: x.user });
    expect(await items(both.id, x.traceId)).toMatchObject([{ reason: "failed_step" }]);
    const order = await turn({ p_agent: "order_assistant" });
    const orderFailed = await turn({ p_agent: "order_assistant" }, failed());
    expect(await items(agentOnly.id, order.traceId)).toMatchObject([{ reason: "agent" }]);
    expect(await items(agentOnly.id, x.traceId)).toEqual([]);
    expect(await items(agentFailed.id, orderFailed.traceId)).toMatchObject([{ reason: "failed_step" }]);
    expect(await items(agentFailed.id, order.traceId)).toEqual([]);
    expect(await items(agentFailed.id, x.traceId)).toEqual([]);
  });

  it("a sample rate takes new traces by a fixed hash of (queue, trace): a retry cannot sample twice, old traces are not sampled", async () => {
    const old = await turn();
    const q = await queue({ sampleRate: 0.5 });
    const traces = [];
    for (let i = 0; i < 24; i++) traces.push(await turn());
    const old2 = await begin(t.db, old.user, { p_session_id: old.sessionId, p_message: "more" });
    await finish(t.db, old2.user_message.id);
    const [{ expected }] = await t.sql<{ expected: string[] }>(
      "select coalesce(array_agg(x order by x), '{}') as expected from unnest($2::uuid[]) x where private.review_sample($1, x) < 0.5",
      [q.id, traces.map((x) => x.traceId)]);
    const got = (await items(q.id)).map((i) => i.trace_id).sort();
    expect(got).toEqual(expected);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(24);
    // another turn on each sampled trace: the same decision, no second row
    const sampled = traces.find((x) => got.includes(x.traceId))!;
    const more = await begin(t.db, sampled.user, { p_session_id: sampled.sessionId, p_message: "and?" });
    await finish(t.db, more.user_message.id);
    expect(await items(q.id)).toHaveLength(got.length);
  });

  it("leases: the holder gets its item back, another reviewer the next; an expired lease returns the item; only the holder finishes it", async () => {
    const q = await queue({ failedStep: true, agent: "order_assistant" }, ["quality", "helpful"]);
    const xs = [];
    for (let i = 0; i < 3; i++) xs.push(await turn({ p_agent: "order_assistant" }, failed()));
    const next = (reviewer: string) => t.db.rpc("review_queue_next", { p_queue_id: q.id, p_reviewer: reviewer });
    const a1 = await next("alice");
    expect(a1.item).toMatchObject({ trace_id: xs[0].traceId, status: "in_review", leased_to: "alice" });
    expect((await next("alice")).item?.id).toBe(a1.item!.id);
    const b1 = await next("bob");
    expect(b1.item?.trace_id).toBe(xs[1].traceId);
    expect(b1.queue.counts).toMatchObject({ pending: 1, in_review: 2, completed: 0, skipped: 0, total: 3 });

    await t.sql("update review_queue_items set lease_until = now() - interval '1 second' where id = $1", [a1.item!.id]);
    expect((await t.db.rpc("review_queue", { p_queue_id: q.id })).counts).toMatchObject({ pending: 2, in_review: 1 });
    const c1 = await next("carol");
    expect(c1.item?.id).toBe(a1.item!.id);
    await expect(t.db.rpc("review_queue_complete", { p_queue_id: q.id, p_item_id: a1.item!.id, p_reviewer: "alice" }))
      .rejects.toMatchObject({ code: "conflict:review_item", status: 409 });
    // a bad score refuses the whole completion: the item stays leased, no score is written
    await expect(t.db.rpc("review_queue_complete", {
      p_queue_id: q.id, p_item_id: c1.item!.id, p_reviewer: "carol", p_author: "carol",
      p_scores: [{ name: "quality", value: "good" }, { name: "helpful", value: "maybe" }],
    })).rejects.toMatchObject({ code: "bad_request:score" });
    await expect(t.db.rpc("review_queue_complete", {
      p_queue_id: q.id, p_item_id: c1.item!.id, p_reviewer: "carol", p_scores: [{ name: "vote", value: "true" }],
    })).rejects.toMatchObject({ code: "bad_request:review_queue" });
    const done = await t.db.rpc("review_queue_complete", {
      p_queue_id: q.id, p_item_id: c1.item!.id, p_reviewer: "carol", p_source: "operator", p_author: "carol",
      p_scores: [{ name: "quality", value: "good", comment: "fine" }, { name: "helpful", value: "true" }],
    });
    expect(done.item).toMatchObject({ status: "completed", completed_by: "carol" });
    const scores = (await t.db.rpc("trace_scores", { p_trace_id: xs[0].traceId })).scores;
    expect(scores.map((s) => [s.name, s.value, s.source, s.author]).sort()).toEqual([["helpful", true, "operator", "carol"], ["quality", "good", "operator", "carol"]]);
    await expect(t.db.rpc("review_queue_skip", { p_queue_id: q.id, p_item_id: c1.item!.id, p_reviewer: "carol" }))
      .rejects.toMatchObject({ code: "conflict:review_item" });

    const skipped = await t.db.rpc("review_queue_skip", { p_queue_id: q.id, p_item_id: b1.item!.id, p_reviewer: "bob" });
    expect(skipped.queue.counts).toMatchObject({ pending: 1, in_review: 0, completed: 1, skipped: 1, total: 3 });
    const c2 = await next("carol");
    expect(c2.item?.trace_id).toBe(xs[2].traceId);
    await t.db.rpc("review_queue_complete", { p_queue_id: q.id, p_item_id: c2.item!.id, p_reviewer: "carol" });
    expect((await next("carol")).item).toBeNull();
    // looking back: carol's newest finished item, then the one before it
    const back = await t.db.rpc("review_queue_previous", { p_queue_id: q.id, p_reviewer: "carol" });
    expect(back.item?.id).toBe(c2.item!.id);
    expect((await t.db.rpc("review_queue_previous", { p_queue_id: q.id, p_reviewer: "carol", p_before: c2.item!.id })).item?.id).toBe(c1.item!.id);
    await expect(next("x").then(() => t.db.rpc("review_queue_next", { p_queue_id: randomUUID(), p_reviewer: "x" })))
      .rejects.toMatchObject({ code: "not_found:review_queue" });
  });

  it("creating: a taken name is 409; no feed rule, an unknown config or agent, a sample rate above 1 are 400", async () => {
    const q = await queue({ failedStep: true });
    expect(q).toMatchObject({ feed: { failed_step: true, handoff: false }, score_configs: [{ name: "quality" }], counts: { total: 0 } });
    await expect(t.db.rpc("create_review_queue", { p_name: q.name, p_score_configs: ["quality"], p_created_by: "admin", p_handoff: true }))
      .rejects.toMatchObject({ code: "conflict:review_queue" });
    for (const feed of [{}, { agent: "nobody" }, { sampleRate: 1.5 }, { minCost: -1 }] as Feed[]) {
      await expect(queue(feed), JSON.stringify(feed)).rejects.toMatchObject({ code: "bad_request:review_queue" });
    }
    await expect(queue({ handoff: true }, ["quality", "no-such-config"])).rejects.toMatchObject({ code: "bad_request:review_queue" });
    expect((await t.db.rpc("review_queues", {})).queues.map((x) => x.id)).toContain(q.id);
  });
});

describe("two app instances calling next on one queue at once, on PostgreSQL", () => {
  const instances: ReturnType<typeof createPostgresDatabase>[] = [];
  afterAll(() => Promise.all(instances.map((db) => db.close())));

  it("never hand one item to two reviewers; every item is completed exactly once", async () => {
    const url = await freshPostgresUrl();
    instances.push(createPostgresDatabase(url, { max: 10 }), createPostgresDatabase(url, { max: 10 }));
    const [a, b] = instances;
    const q = await a.rpc("create_review_queue", { p_name: "everything", p_score_configs: ["quality"], p_created_by: "admin", p_sample_rate: 1 });
    const total = 40;
    for (let i = 0; i < total; i++) {
      const r = await begin(a, visitor());
      await finish(a, r.user_message.id);
    }
    expect((await b.rpc("review_queue", { p_queue_id: q.id })).counts.pending).toBe(total);

    // first: 16 reviewers (8 per instance) ask at the same moment: 16 different items
    const first = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      (i % 2 ? a : b).rpc("review_queue_next", { p_queue_id: q.id, p_reviewer: `r${i}` })));
    const firstIds = first.map((r) => r.item!.id);
    expect(new Set(firstIds).size).toBe(16);

    // then each works through the queue: next, complete, next … until nothing is free
    const taken: string[] = [];
    await Promise.all(Array.from({ length: 16 }, async (_, i) => {
      const db = i % 2 ? a : b;
      for (;;) {
        const { item } = await db.rpc("review_queue_next", { p_queue_id: q.id, p_reviewer: `r${i}` });
        if (!item) return;
        taken.push(item.id);
        await db.rpc("review_queue_complete", { p_queue_id: q.id, p_item_id: item.id, p_reviewer: `r${i}`, p_scores: [{ name: "quality", value: "ok" }] });
      }
    }));
    expect(taken).toHaveLength(total);
    expect(new Set(taken).size).toBe(total);
    expect((await a.rpc("review_queue", { p_queue_id: q.id })).counts).toMatchObject({ pending: 0, in_review: 0, completed: total });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, type TestDatabase } from "../support/databases";
import { begin, finish, rpcAs, step, visitor } from "./turn-helpers";

// RETENTION_DAYS (docs/performance.md, "Retention"): messages, steps and voice transcripts older
// than the limit go, in bounded batches; nothing younger is touched; every trace keeps its
// counters, cost, feedback and tag, is marked conversation_removed_at, and the dashboard's
// figures (built from traces) do not move.

const LIMIT = 30;

describe.each(backends)("retention on $name", ({ open }) => {
  let t: TestDatabase;
  const [old, young, mixed, edge] = [visitor(), visitor(), visitor(), visitor()];
  const sessions: Record<string, string> = {};
  const wamid = `wamid.retention-${Math.random().toString(36).slice(2)}`;

  /** A session of `turns` finished turns (each with a generation and a tool step) for `user`. */
  async function converse(user: string, turns: number) {
    let sessionId = "";
    for (let i = 0; i < turns; i++) {
      const r = await begin(t.db, user, { p_agent: "product_recommendation", p_message: `question ${i}` });
      sessionId = r.session.id;
      const gen = step("generation", { input_tokens: 10, output_tokens: 5 });
      await finish(t.db, r.user_message.id, { p_observations: [gen, step("tool", { parent_id: gen.id })] });
    }
    return sessionId;
  }
  /** Moves a session's rows `days` into the past (messages, steps, trace). */
  async function age(sessionId: string, days: number, where = "true") {
    await t.sql(`update conversation_messages set created_at = created_at - make_interval(days => $2) where session_id = $1 and ${where}`, [sessionId, days]);
    await t.sql(`update llm_observations set created_at = created_at - make_interval(days => $2),
                   started_at = started_at - make_interval(days => $2), ended_at = ended_at - make_interval(days => $2)
                  where session_id = $1 and (message_id is null or message_id in (select id from conversation_messages where session_id = $1 and ${where}))`, [sessionId, days]);
  }
  const snapshot = () => t.sql<{ kind: string; row: Record<string, unknown> }>(`
    select 'message' as kind, to_jsonb(m) as row from conversation_messages m where m.created_at >= now() - make_interval(days => $1)
    union all
    select 'observation', to_jsonb(o) from llm_observations o where o.created_at >= now() - make_interval(days => $1)
    order by 1, 2`, [LIMIT]);
  const traces = () => t.sql<{ row: Record<string, unknown>; removed: string | null; user_id: string }>(
    `select to_jsonb(t) - 'conversation_removed_at' as row, t.conversation_removed_at as removed, t.user_id from llm_traces t order by t.id`);
  const count = async (table: string, sessionId: string) =>
    (await t.sql<{ n: number }>(`select count(*)::int as n from ${table} where session_id = $1`, [sessionId]))[0].n;

  beforeAll(async () => {
    t = await open();
    sessions.old = await converse(old, 2);
    sessions.young = await converse(young, 2);
    sessions.mixed = await converse(mixed, 3);
    sessions.edge = await converse(edge, 1);
    // dataset items made from the old and the young conversation ("Add to dataset")
    await t.db.rpc("create_dataset", { p_name: "retained", p_author: "admin" });
    for (const key of ["old", "young"]) {
      const [q] = await t.sql<{ trace_id: string; message_id: string }>(
        `select t.id as trace_id, m.id as message_id from llm_traces t join conversation_messages m on m.session_id = t.session_id
          where t.session_id = $1 and m.role = 'user' order by m.seq limit 1`, [sessions[key]]);
      await t.db.rpc("add_dataset_item_from_trace", { p_dataset: "retained", p_trace_id: q.trace_id, p_message_id: q.message_id, p_expected_output: `${key} answer` });
    }
    await age(sessions.old, LIMIT + 10);
    await age(sessions.young, LIMIT - 10);
    // the mixed session's first turn is old, its last two are recent
    await age(sessions.mixed, LIMIT + 5, "seq in (select seq from conversation_messages where session_id = $1 order by seq limit 2)");
    // the edge turn: its question is just past the limit, its reply and steps just inside it
    await t.sql(`update conversation_messages set created_at = now() - make_interval(days => ${LIMIT}) - interval '1 minute' where session_id = $1 and role = 'user'`, [sessions.edge]);
    await t.sql(`update conversation_messages set created_at = now() - make_interval(days => ${LIMIT}) + interval '1 minute' where session_id = $1 and role = 'agent'`, [sessions.edge]);
    await t.sql(`update llm_observations set created_at = now() - make_interval(days => ${LIMIT}) + interval '1 minute' where session_id = $1`, [sessions.edge]);
    // feedback, a vote and a voice transcript on the old conversation
    await t.db.rpc("set_feedback", { p_session_id: sessions.old, p_rating: "positive", p_comment: "great" });
    const [reply] = await t.sql<{ id: string }>("select id from conversation_messages where session_id = $1 and role = 'agent' order by seq limit 1", [sessions.old]);
    await t.db.rpc("set_message_vote", { p_user_id: old, p_message_id: reply.id, p_vote: "up" });
    await t.sql(`insert into voice_messages (user_id, client_message_id, audio_url, transcript, created_at)
                 values ($1, gen_random_uuid(), 'https://x.test/a.webm', 'old words', now() - interval '60 days'),
                        ($1, gen_random_uuid(), 'https://x.test/b.webm', 'new words', now())`, [old]);
    // the WhatsApp channel's and the OTLP export's own copies, old and young
    const said = JSON.stringify({ type: "text", text: { body: "my address is 1 Elm St" } });
    await t.sql(`insert into whatsapp_inbox (wa_message_id, wa_id, message, processed_at, created_at) values
                   ($1 || '-old', '15550001', $2, now() - interval '59 days', now() - interval '60 days'),
                   ($1 || '-waiting', '15550001', $2, null, now() - interval '60 days'),
                   ($1 || '-young', '15550001', $2, now(), now())`, [wamid, said]);
    await t.sql(`insert into whatsapp_outbox (dedupe_key, notice, wa_id, sent_at, created_at) values
                   ($1 || '-old', 'old notice', '15550001', now() - interval '60 days', now() - interval '60 days'),
                   ($1 || '-young', 'young notice', '15550001', now(), now())`, [wamid]);
    await t.sql(`insert into otlp_outbox (dedupe_key, kind, user_id, session_id, payload, created_at) values
                   ($1 || '-old', 'turn', $2, $3, '{"said": "old"}', now() - interval '60 days'),
                   ($1 || '-young', 'turn', $2, $3, '{"said": "young"}', now())`, [wamid, old, sessions.old]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("removes nothing while RETENTION_DAYS is unset", async () => {
    const before = await t.sql("select (select count(*)::int from conversation_messages) m, (select count(*)::int from llm_observations) o");
    const run = await t.db.rpc("apply_retention", {});
    expect(run).toMatchObject({ retention_days: null, messages_deleted: 0, observations_deleted: 0, voice_messages_deleted: 0, more: false });
    expect(await t.sql("select (select count(*)::int from conversation_messages) m, (select count(*)::int from llm_observations) o")).toEqual(before);
  });

  it("refuses a limit under one day", async () => {
    await expect(t.db.rpc("configure_retention", { p_days: 0 })).rejects.toMatchObject({ code: "bad_request:retention" });
  });

  it("removes only what is older than the limit, in bounded batches, and keeps every trace's figures", async () => {
    const youngBefore = await snapshot();
    const tracesBefore = await traces();
    const statsBefore = await t.db.rpc("dashboard_stats", {});
    expect(youngBefore.length).toBeGreaterThan(10);

    await t.db.rpc("configure_retention", { p_days: LIMIT });
    const runs = [];
    for (let i = 0; i < 50; i++) {
      const run = await t.db.rpc("apply_retention", { p_batch: 2 });
      runs.push(run);
      expect(run.messages_deleted).toBeLessThanOrEqual(2);
      expect(run.observations_deleted).toBeLessThanOrEqual(2);
      if (!run.more) break;
    }
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.at(-1)!.more).toBe(false);

    // nothing younger than the limit changed, row for row
    expect(await snapshot()).toEqual(youngBefore);
    // the old ones are gone; the edge question stays with its young reply
    expect(await count("conversation_messages", sessions.old)).toBe(0);
    expect(await count("llm_observations", sessions.old)).toBe(0);
    expect(await count("conversation_messages", sessions.mixed)).toBe(4);
    expect(await count("llm_observations", sessions.mixed)).toBe(4);
    expect(await count("conversation_messages", sessions.young)).toBe(4);
    expect(await count("conversation_messages", sessions.edge)).toBe(2);
    expect(await t.sql("select transcript from voice_messages where user_id = $1", [old])).toEqual([{ transcript: "new words" }]);
    // a dataset item lives as long as the conversation it was made from
    expect(runs.reduce((n, r) => n + r.dataset_items_deleted, 0)).toBe(1);
    expect(await t.sql("select expected_output from dataset_items order by expected_output")).toEqual([{ expected_output: "young answer" }]);
    expect(await t.sql("select count(*)::int as n from conversation_messages where created_at < now() - make_interval(days => $1) and role = 'agent'", [LIMIT])).toEqual([{ n: 0 }]);

    // every trace keeps counters, cost, feedback, votes and tag; the ones that lost messages are marked
    const tracesAfter = await traces();
    expect(tracesAfter.map((r) => r.row)).toEqual(tracesBefore.map((r) => r.row));
    const marked = Object.fromEntries(tracesAfter.map((r) => [r.user_id, r.removed !== null]));
    expect(marked).toEqual({ [old]: true, [mixed]: true, [young]: false, [edge]: false });
    const [oldTrace] = tracesAfter.filter((r) => r.user_id === old);
    expect(oldTrace.row).toMatchObject({ feedback: "positive", llm_calls: 2, tool_calls: 2, votes_up: 1 });

    // the dashboard is built from traces: unchanged
    expect(await t.db.rpc("dashboard_stats", {})).toEqual(statsBefore);

    // the explorer's detail carries the marker
    const [{ id: traceId }] = await t.sql<{ id: string }>("select id from llm_traces where session_id = $1", [sessions.old]);
    const detail = await rpcAs<{ trace: { conversation_removed_at: string | null; llm_calls: number }; messages: unknown[]; observations: unknown[] }>(
      t.db, "trace_detail", { p_trace_id: traceId });
    expect(detail.trace.conversation_removed_at).toEqual(expect.any(String));
    expect(detail.trace.llm_calls).toBe(2);
    expect(detail.messages).toEqual([]);
    expect(detail.observations).toEqual([]);

    // a second pass finds nothing
    expect(await t.db.rpc("apply_retention", {})).toMatchObject({ retention_days: LIMIT, messages_deleted: 0, observations_deleted: 0, more: false });
  });

  it("clears the channels' old copies too: a processed inbox message, outbox rows, undelivered spans", async () => {
    // the main pass above already ran with the limit set
    const inbox = await t.sql<{ wa_message_id: string; message: Record<string, unknown> }>(
      "select wa_message_id, message from whatsapp_inbox where wa_message_id like $1 || '%' order by wa_message_id", [wamid]);
    expect(inbox.map((r) => [r.wa_message_id.slice(wamid.length), Object.keys(r.message).length > 0])).toEqual([
      ["-old", false], // processed and old: the id stays (exactly once), the words go
      ["-waiting", true], // not processed yet: kept, whatever its age
      ["-young", true],
    ]);
    expect(await t.sql("select dedupe_key from whatsapp_outbox where dedupe_key like $1 || '%'", [wamid])).toEqual([{ dedupe_key: `${wamid}-young` }]);
    expect(await t.sql("select dedupe_key from otlp_outbox where dedupe_key like $1 || '%'", [wamid])).toEqual([{ dedupe_key: `${wamid}-young` }]);
    const [{ dropped }] = await t.sql<{ dropped: number }>("select otlp_dropped::int as dropped from privacy_settings");
    expect(dropped).toBeGreaterThanOrEqual(1);
    // a late re-delivery of the cleared message is still recognised and not stored again
    const again = await t.db.rpc("whatsapp_receive", { p_messages: [{ id: `${wamid}-old`, from: "15550001", message: { type: "text", text: { body: "again" } } }] });
    expect(again).toEqual({ stored: [] });
    expect(await t.sql("select message from whatsapp_inbox where wa_message_id = $1", [`${wamid}-old`])).toEqual([{ message: {} }]);
  });
});

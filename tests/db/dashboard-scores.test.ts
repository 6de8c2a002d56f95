import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, databaseFor, type TestDatabase } from "../support/databases";
import { seededRandom } from "../support/seeded-random";
import { begin, finish, visitor } from "./turn-helpers";

// dashboard_scores(): the trace-level scores of the dashboard's range, per config and source, in all,
// per day, agent, agent version, model and category, exact (read from the scores' rollup and the range's
// partial edge days).

describe.each(backends)("dashboard scores on $name", ({ open }) => {
  const t = databaseFor(open);

  async function tracked(agent: string) {
    const user = visitor();
    const b = await begin(t.db, user, { p_agent: agent });
    const f = await finish(t.db, b.user_message.id);
    return { user, traceId: b.session.trace_id!, sessionId: b.session.id, replyId: f.reply.id as string };
  }
  const score = (traceId: string, name: string, value: unknown, source: string, author: string) =>
    t.db.rpc("set_score", { p_trace_id: traceId, p_name: name, p_value: String(value), p_source: source, p_author: author });
  const mine = <T extends { name: string }>(rows: T[]) => rows.filter((r) => r.name.startsWith("dash-"));

  it("counts and averages per config and source over the range, per day, agent, version, model and category", async () => {
    await t.db.rpc("create_score_config", { p_name: "dash-q", p_data_type: "numeric", p_min: 0, p_max: 10 });
    await t.db.rpc("create_score_config", { p_name: "dash-ok", p_data_type: "boolean" });
    await t.db.rpc("create_score_config", { p_name: "dash-tone", p_data_type: "categorical", p_categories: ["calm", "rude"] });
    const x = await tracked("product_recommendation");
    const y = await tracked("sales_pitch");
    const z = await tracked("product_recommendation");
    await t.sql("update llm_traces set created_at = now() - interval '2 days' where id = $1", [z.traceId]);
    await score(x.traceId, "dash-q", 4, "operator", "op-a");
    await score(x.traceId, "dash-q", 8, "operator", "op-b");
    await score(y.traceId, "dash-q", 3, "api", "script");
    await score(z.traceId, "dash-q", 10, "operator", "op-a");
    await score(x.traceId, "dash-ok", true, "operator", "op-a");
    await score(y.traceId, "dash-ok", false, "operator", "op-a");
    await score(x.traceId, "dash-tone", "rude", "operator", "op-a");
    await score(y.traceId, "dash-tone", "calm", "operator", "op-a");
    await score(z.traceId, "dash-tone", "rude", "operator", "op-a");

    const lastDay = await t.db.rpc("dashboard_scores", { p_from: new Date(Date.now() - 86_400_000).toISOString() });
    expect(mine(lastDay.totals).map((r) => [r.name, r.source, r.scores, r.average === null ? null : Number(r.average)])).toEqual([
      ["dash-ok", "operator", 2, 0.5],
      ["dash-q", "api", 1, 3],
      ["dash-q", "operator", 2, 6],
      ["dash-tone", "operator", 2, null],
    ]);
    expect(mine(lastDay.categories).map((r) => [r.name, r.category, r.scores])).toEqual([["dash-tone", "calm", 1], ["dash-tone", "rude", 1]]);
    expect(mine(lastDay.by_agent).filter((r) => r.name === "dash-q").map((r) => [r.agent_type, r.source, r.scores, Number(r.average)])).toEqual([
      ["product_recommendation", "operator", 2, 6],
      ["sales_pitch", "api", 1, 3],
    ]);
    const versions = mine(lastDay.by_agent_version).filter((r) => r.name === "dash-q" && r.source === "operator");
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ agent_type: "product_recommendation", scores: 2 });
    expect(mine(lastDay.by_model).filter((r) => r.name === "dash-q" && r.source === "operator")).toEqual([
      expect.objectContaining({ model_key: expect.any(String), model_name: expect.any(String), scores: 2 }),
    ]);

    // all time: the older trace counts too, on its own day
    const all = await t.db.rpc("dashboard_scores", {});
    expect(Number(mine(all.totals).find((r) => r.name === "dash-q" && r.source === "operator")!.average)).toBeCloseTo(22 / 3, 4);
    expect(mine(all.per_day).filter((r) => r.name === "dash-q" && r.source === "operator").map((r) => r.scores)).toEqual([1, 2]);

    // exact after a change: an edit replaces, a removed trace takes its scores with it; a message's vote is no trace score
    await score(x.traceId, "dash-q", 0, "operator", "op-b");
    await t.db.rpc("set_message_vote", { p_user_id: x.user, p_message_id: x.replyId, p_vote: "up", p_session_id: x.sessionId });
    expect((await t.sql<{ n: number }>("select count(*)::int as n from scores where message_id = $1", [x.replyId]))[0].n).toBe(1);
    await t.sql("delete from llm_traces where id = $1", [z.traceId]);
    const after = await t.db.rpc("dashboard_scores", {});
    expect(mine(after.totals).map((r) => [r.name, r.source, r.scores])).toEqual([
      ["dash-ok", "operator", 2], ["dash-q", "api", 1], ["dash-q", "operator", 2], ["dash-tone", "operator", 2],
    ]);
    expect(Number(mine(after.totals).find((r) => r.name === "dash-q" && r.source === "operator")!.average)).toBe(2);
    expect(after.totals.some((r) => r.name === "vote")).toBe(false);
  });
});

// The rollup behind dashboard_scores() (docs/performance.md, "Dashboard scores") is kept by triggers on
// scores and llm_traces: after a random workload of every kind of write (scores of every source and
// data type inserted, edited and deleted, one or many per statement; configs renamed and archived;
// traces moved to another day, agent, version or model; traces deleted one by one, many at once, by
// their session's cascade and by a config's; erasure) it must equal a recount row for row, and
// dashboard_scores() over any range must equal the computation it replaced, kept here.

const AGENTS = ["product_recommendation", "sales_pitch", "order_assistant"];
const HOUR = 3_600_000;

/** The rollup rows that differ from a recount of scores ⨝ llm_traces (empty when exact). */
const MISMATCH = `
  with stored as (select * from public.dashboard_score_rollup), counted as (select * from private.dashboard_score_rollup_of(null, null))
  select 'stored' as side, to_jsonb(x) as row from (select * from stored except all select * from counted) x
  union all select 'counted', to_jsonb(x) from (select * from counted except all select * from stored) x`;

/** dashboard_scores($1, $2) as it was computed before the rollup: scores ⨝ llm_traces at each call. */
const FROM_SCRATCH = `
  with g as materialized (
    select case when grouping(x.day) = 0 then 'day' when grouping(x.agent_version) = 0 then 'agent_version'
                when grouping(x.agent_type) = 0 then 'agent' when grouping(x.model_id) = 0 then 'model'
                when grouping(x.category) = 0 then 'category' else 'all' end as dim,
           x.name, x.data_type, x.source, x.day, x.agent_type, x.agent_version, x.model_id, x.category,
           count(*) as scores, round(avg(x.value), 4) as average
      from (select c.name, c.data_type, s.source, s.value, (t.created_at at time zone 'UTC')::date as day,
                   t.agent_type, t.agent_version, t.model_id, case when c.data_type = 'categorical' then s.string_value end as category
              from public.scores s
              join public.llm_traces t on t.id = s.trace_id
              join public.score_configs c on c.id = s.config_id
             where t.created_at >= coalesce($1::timestamptz, '-infinity'::timestamptz)
               and t.created_at < coalesce($2::timestamptz, 'infinity'::timestamptz)) x
     group by grouping sets ((x.name, x.data_type, x.source), (x.name, x.data_type, x.source, x.day),
                             (x.name, x.data_type, x.source, x.agent_type), (x.name, x.data_type, x.source, x.agent_type, x.agent_version),
                             (x.name, x.data_type, x.source, x.model_id), (x.name, x.data_type, x.source, x.category))),
  rows as (
    select g.dim, jsonb_strip_nulls(jsonb_build_object(
             'name', g.name, 'data_type', g.data_type, 'source', g.source, 'day', g.day, 'agent_type', g.agent_type,
             'agent_version', g.agent_version, 'model_key', m.key, 'model_name', m.name, 'category', g.category))
           || jsonb_build_object('scores', g.scores, 'average', case when g.data_type <> 'categorical' then g.average end) as doc,
           g.name, g.source, g.day, g.agent_type, g.agent_version, m.name as model_name, g.category
      from g left join public.llm_models m on m.id = g.model_id
     where g.dim <> 'category' or g.category is not null)
  select jsonb_build_object(
    'totals', coalesce((select jsonb_agg(r.doc order by r.name, r.source) from rows r where r.dim = 'all'), '[]'::jsonb),
    'per_day', coalesce((select jsonb_agg(r.doc order by r.day, r.name, r.source) from rows r where r.dim = 'day'), '[]'::jsonb),
    'by_agent', coalesce((select jsonb_agg(r.doc order by r.agent_type, r.name, r.source) from rows r where r.dim = 'agent'), '[]'::jsonb),
    'by_agent_version', coalesce((select jsonb_agg(r.doc order by r.agent_type, r.agent_version nulls first, r.name, r.source)
                                    from rows r where r.dim = 'agent_version'), '[]'::jsonb),
    'by_model', coalesce((select jsonb_agg(r.doc order by r.model_name, r.name, r.source) from rows r where r.dim = 'model'), '[]'::jsonb),
    'categories', coalesce((select jsonb_agg(r.doc order by r.name, r.source, r.category) from rows r where r.dim = 'category'), '[]'::jsonb)
  )::text as doc`;

describe.each(backends)("dashboard scores rollup on $name", ({ open }) => {
  let t: TestDatabase;
  const random = seededRandom(20261209);
  const int = (n: number) => Math.floor(random() * n);
  const one = <T>(xs: readonly T[]) => xs[int(xs.length)];
  const users = Array.from({ length: 6 }, () => visitor());
  let models: string[] = [];
  let tagCounter = 0;
  const now = Date.now();
  // spread over five UTC days, some exactly at midnight
  const when = () => new Date(random() < 0.1 ? Math.floor(now / 86_400_000 - int(5)) * 86_400_000 : now - int(5 * 24) * HOUR - int(HOUR)).toISOString();
  const CONFIGS = ["sr-num", "sr-bool", "sr-cat", "helpful", "quality"] as const;
  const SOURCES = ["visitor", "operator", "evaluator", "api"] as const;
  /** A value of the config as set_score takes it (numbers with up to two decimals). */
  const valueOf = (name: string) =>
    name === "sr-num" || name === "sr-tmp" ? String(int(1001) / 100) : name === "sr-cat" ? one(["a", "b", "c"]) : name === "quality" ? one(["bad", "ok", "excellent"]) : one(["true", "false"]);

  const ids = async (table: "llm_traces" | "scores") => (await t.sql<{ id: string }>(`select id from ${table} order by id`)).map((r) => r.id);

  /** k sessions and their traces, in one multi-row statement. */
  async function insertTraces(k: number) {
    const rows = Array.from({ length: k }, () => ({
      user: one(users), agent: one(AGENTS), version: one([1, 2, null]), model: one(models), tag: `chat_scores_${tagCounter++}`, at: when(),
    }));
    await t.sql(
      `with s as (
         insert into conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, started_at, ended_at, duration_seconds, end_reason)
         select r.user, 'web', r.agent, r.model::uuid, r.tag, false, r.at::timestamptz, r.at::timestamptz, 0, 'user'
           from jsonb_to_recordset($1::jsonb) r("user" text, agent text, model text, tag text, at text)
         returning id, session_tag)
       insert into llm_traces (session_id, session_tag, user_id, agent_type, agent_version, model_id, created_at)
       select s.id, r.tag, r.user, r.agent, r.version, r.model::uuid, r.at::timestamptz
         from jsonb_to_recordset($1::jsonb) r("user" text, agent text, version int, model text, tag text, at text)
         join s on s.session_tag = r.tag`,
      [JSON.stringify(rows)],
    );
  }

  let boolName = "sr-bool"; // renamed back and forth by the workload
  const score = (traceId: string, name: string = one(CONFIGS), source: string = one(SOURCES), author = one(["a1", "a2", "a3"])) => {
    const current = name === "sr-bool" ? boolName : name;
    return t.db.rpc("set_score", { p_trace_id: traceId, p_name: current, p_value: valueOf(current), p_source: source, p_author: author });
  };

  const ops: Record<string, (traces: string[]) => Promise<unknown>> = {
    insertTraces: () => insertTraces(1 + int(3)),
    score: (traces) => score(one(traces)),
    // an edit through set_score: the author's own score replaced (insert ... on conflict do update)
    edit: async (traces) => {
      const [s] = await t.sql<{ trace_id: string; name: string; source: string; author: string }>(
        "select s.trace_id, c.name, s.source, s.author from scores s join score_configs c on c.id = s.config_id where s.trace_id is not null order by random() limit 1");
      return s ? score(s.trace_id, s.name, s.source, s.author) : score(one(traces));
    },
    // many scores in one statement (as the bench and a script load them)
    bulkInsert: (traces) =>
      t.sql(
        `insert into scores (trace_id, config_id, value, string_value, source, author)
         select t.id::uuid, c.id, case c.data_type when 'numeric' then round((random() * 10)::numeric, 1) when 'boolean' then (random() < 0.5)::int
                                             else floor(random() * 3) end, null, $2, 'bulk'
           from jsonb_array_elements_text($1::jsonb) t(id), score_configs c where c.name in ('sr-num', 'sr-bool', 'sr-bool2')
         on conflict do nothing`,
        [JSON.stringify(traces.filter(() => random() < 0.3)), one(SOURCES)],
      ),
    bulkEdit: () => t.sql("update scores s set value = 10 - s.value from score_configs c where c.id = s.config_id and c.name = 'sr-num' and s.source = $1", [one(SOURCES)]),
    editCategory: () =>
      t.sql(`update scores s set value = 2 - s.value, string_value = (array['a', 'b', 'c'])[3 - s.value::int]
               from score_configs c where c.id = s.config_id and c.name = 'sr-cat' and s.author = $1`, [one(["a1", "a2", "a3"])]),
    editComment: () => t.sql("update scores set comment = 'noted', updated_at = now() where author = $1", [one(["a1", "a2", "a3"])]),
    moveScore: async (traces) => {
      const s = one(await ids("scores"));
      if (s) await t.sql("update scores set trace_id = $2 where id = $1 and trace_id is not null and not exists (select 1 from scores x where x.trace_id = $2)", [s, one(traces)]);
    },
    deleteScore: async () => {
      const s = await ids("scores");
      if (s.length) await t.sql("delete from scores where id = $1", [one(s)]);
    },
    deleteScores: () => t.sql("delete from scores where author = $1 and source = $2", [one(["a1", "a2", "a3", "bulk"]), one(SOURCES)]),
    deleteViaRpc: async () => {
      const [s] = await t.sql<{ id: string; source: string; author: string }>("select id, source, author from scores order by random() limit 1");
      if (s) await t.db.rpc("delete_score", { p_score_id: s.id, p_source: s.source, p_author: s.author });
    },
    feedback: async (traces) => {
      const [s] = await t.sql<{ session_id: string }>("select session_id from llm_traces where id = $1", [one(traces)]);
      await t.db.rpc("set_feedback", { p_session_id: s.session_id, p_rating: one(["positive", "negative"]) });
    },
    renameConfig: async () => {
      const next = boolName === "sr-bool" ? "sr-bool2" : "sr-bool";
      await t.sql("update score_configs set name = $2 where name = $1", [boolName, next]);
      boolName = next;
    },
    archiveConfig: () => t.sql("update score_configs set archived = not archived where name = 'sr-cat'"),
    // a config made, scored and deleted: its scores go by the cascade, their traces stay
    deleteConfig: async (traces) => {
      await t.db.rpc("create_score_config", { p_name: "sr-tmp", p_data_type: "numeric" });
      await score(one(traces), "sr-tmp", "operator", "a1");
      await score(one(traces), "sr-tmp", "api", "a2");
      await t.sql("delete from score_configs where name = 'sr-tmp'");
    },
    moveDay: (traces) => t.sql("update llm_traces set created_at = $2 where id = $1", [one(traces), when()]),
    moveWithinDay: (traces) => t.sql("update llm_traces set created_at = created_at + interval '1 second' where id = $1", [one(traces)]),
    moveAgent: (traces) => t.sql("update llm_traces set agent_type = $2 where id = $1", [one(traces), one(AGENTS)]),
    moveVersion: (traces) => t.sql("update llm_traces set agent_version = $2 where id = $1", [one(traces), one([1, 2, 3, null])]),
    moveModel: (traces) => t.sql("update llm_traces set model_id = $2 where id = $1", [one(traces), one(models)]),
    bulkMove: () => t.sql("update llm_traces set created_at = created_at - interval '1 day', agent_version = 2 where user_id = $1", [one(users)]),
    counters: (traces) => t.sql("update llm_traces set llm_calls = llm_calls + 1, cost_usd = cost_usd + 0.001, agent_type = agent_type where id = $1", [one(traces)]),
    deleteTrace: (traces) => t.sql("delete from llm_traces where id = $1", [one(traces)]),
    deleteTraces: () => t.sql("delete from llm_traces where user_id = $1 and agent_type = $2", [one(users), one(AGENTS)]),
    deleteSession: (traces) => t.sql("delete from conversation_sessions where id = (select session_id from llm_traces where id = $1)", [one(traces)]),
    erase: async () => {
      const [u] = await t.sql<{ user_id: string }>("select user_id from llm_traces where user_id not like 'erased%' order by random() limit 1");
      if (u) await t.db.rpc("erase_visitor", { p_user_id: u.user_id });
    },
    turn: async () => {
      // a real session, its visitor's vote on the reply (a message score: not in the card) and rating
      const user = visitor();
      const b = await begin(t.db, user, { p_agent: one(AGENTS) });
      const f = await finish(t.db, b.user_message.id);
      await t.db.rpc("set_message_vote", { p_user_id: user, p_message_id: f.reply.id, p_vote: one(["up", "down"]), p_session_id: b.session.id });
      await score(b.session.trace_id!, "helpful", "visitor", user);
    },
  };
  const weights: [string, number][] = [
    ["insertTraces", 5], ["score", 14], ["edit", 5], ["bulkInsert", 2], ["bulkEdit", 2], ["editCategory", 2], ["editComment", 1],
    ["moveScore", 1], ["deleteScore", 3], ["deleteScores", 1], ["deleteViaRpc", 2], ["feedback", 3], ["renameConfig", 1],
    ["archiveConfig", 1], ["deleteConfig", 1], ["moveDay", 4], ["moveWithinDay", 1], ["moveAgent", 2], ["moveVersion", 2],
    ["moveModel", 2], ["bulkMove", 1], ["counters", 3], ["deleteTrace", 3], ["deleteTraces", 1], ["deleteSession", 1], ["erase", 1],
    ["turn", 2],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const nextOp = () => {
    let x = random() * total;
    for (const [name, w] of weights) if ((x -= w) < 0) return name;
    return "score";
  };
  const mismatches = () => t.sql<{ side: string; row: unknown }>(MISMATCH);

  beforeAll(async () => {
    t = await open();
    await t.db.rpc("register_model", { p_key: "srl-a", p_name: "Srl A", p_provider: "openai_compatible" });
    await t.db.rpc("register_model", { p_key: "srl-b", p_name: "Srl B", p_provider: "openai_compatible" });
    models = (await t.sql<{ id: string }>("select id from llm_models where key in ('srl-a', 'srl-b', 'offline')")).map((m) => m.id);
    await t.db.rpc("create_score_config", { p_name: "sr-num", p_data_type: "numeric", p_min: 0, p_max: 10 });
    await t.db.rpc("create_score_config", { p_name: "sr-bool", p_data_type: "boolean" });
    await t.db.rpc("create_score_config", { p_name: "sr-cat", p_data_type: "categorical", p_categories: ["a", "b", "c"] });
    await insertTraces(14);
    // every kind of write once, then a random mix; a score insert has its config in use
    const plan = [...weights.map(([name]) => name), ...Array.from({ length: 190 }, nextOp)];
    for (const name of plan) {
      const traces = await ids("llm_traces");
      await t.sql("update score_configs set archived = false where name = 'sr-cat' and $1", [name !== "archiveConfig"]);
      await ops[traces.length < 6 ? "insertTraces" : name](traces);
    }
  }, 240_000);
  afterAll(() => t?.close());

  it("equals a full recount after the random workload", async () => {
    const [n] = await t.sql<{ traces: number; scores: number; rows: number; days: number }>(
      `select (select count(*)::int from llm_traces) as traces, (select count(*)::int from scores where trace_id is not null) as scores,
              (select count(*)::int from dashboard_score_rollup) as rows, (select count(distinct day)::int from dashboard_score_rollup) as days`);
    expect(n.traces).toBeGreaterThan(15);
    expect(n.scores).toBeGreaterThan(30);
    expect(n.days).toBeGreaterThan(3);
    expect(await mismatches()).toEqual([]);
  });

  it("dashboard_scores over any range equals the from-scratch computation it replaced", async () => {
    const [{ lo, hi }] = await t.sql<{ lo: Date; hi: Date }>("select min(created_at) as lo, max(created_at) as hi from llm_traces");
    const span = hi.getTime() - lo.getTime();
    const at = (f: number) => new Date(lo.getTime() + f * span).toISOString();
    const midnight = (f: number) => new Date(Math.floor((lo.getTime() + f * span) / 86_400_000) * 86_400_000).toISOString();
    const ranges: [string | null, string | null][] = [
      [null, null], [at(0.3), null], [null, at(0.7)], [at(0.2), at(0.8)], [midnight(0.3), midnight(0.9)], [null, midnight(0.6)],
      [midnight(0.4), null], [midnight(0.5), at(0.95)], [at(0.41), at(0.43)], [at(0.5), midnight(0.99)], [lo.toISOString(), hi.toISOString()],
      [midnight(0.5), midnight(0.5)], [at(0.9), at(0.2)],
      ...Array.from({ length: 8 }, () => {
        const a = random();
        const b = Math.min(1, a + random() * 0.6);
        return [at(a), at(b) === at(a) ? null : at(b)] as [string, string | null];
      }),
    ];
    let nonEmpty = 0;
    for (const [from, to] of ranges) {
      const doc = await t.db.rpc("dashboard_scores", { p_from: from, p_to: to });
      const [{ doc: old }] = await t.sql<{ doc: string }>(FROM_SCRATCH, [from, to]);
      // the same JSON document, numbers to the digit (compared as PostgreSQL prints them)
      const [{ doc: now }] = await t.sql<{ doc: string }>("select public.dashboard_scores($1, $2)::text as doc", [from, to]);
      expect(now, `[${from}, ${to})`).toBe(old);
      expect(doc).toEqual(JSON.parse(old));
      if (doc.totals.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(10);
  });

  it("stays exact under concurrent scores on the same day, agent, model and config", async () => {
    const before = new Set(await ids("llm_traces"));
    await insertTraces(3);
    const traces = (await ids("llm_traces")).filter((id) => !before.has(id));
    // the three new traces on one key (moved there: the move trigger too), then 24 scores at once on it
    await t.sql("update llm_traces set created_at = now(), agent_type = 'sales_pitch', agent_version = 1, model_id = $2 where id = any(array(select jsonb_array_elements_text($1::jsonb)::uuid))",
      [JSON.stringify(traces), models[0]]);
    await Promise.all(Array.from({ length: 24 }, (_, i) => score(traces[i % 3], "sr-num", "operator", `c${i % 8}`)));
    const [{ n }] = await t.sql<{ n: number }>(
      "select r.scores::int as n from dashboard_score_rollup r join score_configs c on c.id = r.config_id where c.name = 'sr-num' and r.source = 'operator' and r.day = (now() at time zone 'UTC')::date and r.agent_type = 'sales_pitch' and r.agent_version = 1 and r.model_id = $1",
      [models[0]]);
    expect(n).toBeGreaterThanOrEqual(24);
    await Promise.all(traces.map((trace) => t.sql("delete from scores where trace_id = $1 and author in ('c1', 'c2')", [trace])));
    expect(await mismatches()).toEqual([]);
  });

  it("the rebuild gives the same rollup, and truncating scores empties it", async () => {
    // (a stored sum keeps the display scale of every value it ever held, 7.50 for 7.5: compared as numbers)
    const order = `select day, agent_type, agent_version, model_id, config_id, source, category, scores, trim_scale(value_sum) as value_sum
                     from dashboard_score_rollup order by day, agent_type, agent_version, model_id, config_id, source, category`;
    const before = await t.sql(order);
    await t.sql("select private.dashboard_score_rollup_rebuild()");
    expect(await t.sql(order)).toEqual(before);
    expect(before.length).toBeGreaterThan(10);
  });

  it("fails without the trace triggers (the proof can fail)", async () => {
    const [x] = await t.sql<{ trace_id: string }>("select trace_id from scores where trace_id is not null limit 1");
    await t.sql("drop trigger llm_traces_dashboard_scores_move on llm_traces");
    await t.sql("update llm_traces set created_at = created_at - interval '3 days', agent_version = 7 where id = $1", [x.trace_id]);
    expect((await mismatches()).length).toBeGreaterThan(0);
    await t.sql("select private.dashboard_score_rollup_rebuild()");
    await t.sql("drop trigger llm_traces_dashboard_scores_delete on llm_traces");
    await t.sql("delete from llm_traces where id = $1", [x.trace_id]);
    expect((await mismatches()).length).toBeGreaterThan(0);
    await t.sql("select private.dashboard_score_rollup_rebuild()");
    expect(await mismatches()).toEqual([]);
    await t.sql("truncate llm_traces cascade");
    expect(await t.sql("select * from dashboard_score_rollup")).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, type TestDatabase } from "../support/databases";
import { seededRandom } from "../support/seeded-random";
import { begin, finish, visitor } from "./turn-helpers";

// The dashboard's daily rollup (docs/performance.md, "Dashboard rollup") is kept by triggers
// on llm_traces: after a random workload of every kind of write (single and multi-row
// inserts, counter updates, feedback, votes, traces moving day/agent/model/visitor, deletes,
// real turns) it must equal a full recount, and dashboard_stats() over any range (whole
// days, partial days, one day, unbounded) must equal the same figures counted from llm_traces.

const AGENTS = ["product_recommendation", "sales_pitch", "order_assistant"];
const HOUR = 3_600_000;

/** The rows of the rollup and visitor tables that differ from a recount of llm_traces (empty when exact). */
const MISMATCH = `
  with stored as (select * from public.dashboard_rollup), counted as (select * from public.dashboard_rollup_of(null, null)),
  -- each visitor day with the visitor's previous day (any experiment) and previous day in its experiment
  vd as (select day, user_id, experiment_name, traces, prev_day, prev_day_in_experiment from public.dashboard_visitor_days),
  vd_counted as (
    select x.*, (select max((y.created_at at time zone 'UTC')::date) from public.llm_traces y
                  where y.user_id = x.user_id and (y.created_at at time zone 'UTC')::date < x.day) as prev_day,
           (select max((z.created_at at time zone 'UTC')::date) from public.llm_traces z
             where z.user_id = x.user_id and z.experiment_name = x.experiment_name
               and (z.created_at at time zone 'UTC')::date < x.day) as prev_day_in_experiment
      from (select (created_at at time zone 'UTC')::date as day, user_id, experiment_name, count(*) as traces
              from public.llm_traces group by 1, 2, 3) x),
  v as (select user_id, experiment_name, traces from public.dashboard_visitors),
  v_counted as (select user_id, experiment_name, count(*) as traces from public.llm_traces group by 1, 2),
  -- each visitor day at (day, the visitor's previous day): every visitor (experiment null) and per experiment
  g as (select day, prev_day, experiment_name, visitors from public.dashboard_visitor_gaps),
  g_counted as (
    select day, prev_day, experiment_name, count(*) as visitors from (
      select day, lag(day) over (partition by user_id order by day) as prev_day, null::text as experiment_name
        from (select distinct (created_at at time zone 'UTC')::date as day, user_id from public.llm_traces) a
      union all
      select day, lag(day) over (partition by user_id, experiment_name order by day), experiment_name
        from (select distinct (created_at at time zone 'UTC')::date as day, user_id, experiment_name from public.llm_traces
               where experiment_name is not null) b) x
     group by 1, 2, 3)
  select 'rollup stored' as side, to_jsonb(x) as row from (select * from stored except all select * from counted) x
  union all select 'rollup counted', to_jsonb(x) from (select * from counted except all select * from stored) x
  union all select 'visitor days stored', to_jsonb(x) from (select * from vd except all select * from vd_counted) x
  union all select 'visitor days counted', to_jsonb(x) from (select * from vd_counted except all select * from vd) x
  union all select 'visitors stored', to_jsonb(x) from (select * from v except all select * from v_counted) x
  union all select 'visitors counted', to_jsonb(x) from (select * from v_counted except all select * from v) x
  union all select 'visitor gaps stored', to_jsonb(x) from (select * from g except all select * from g_counted) x
  union all select 'visitor gaps counted', to_jsonb(x) from (select * from g_counted except all select * from g) x
  union all select 'channels stored', to_jsonb(x) from (select * from public.dashboard_channel_rollup
                                                        except all select * from private.dashboard_channel_rollup_of(null, null)) x
  union all select 'channels counted', to_jsonb(x) from (select * from private.dashboard_channel_rollup_of(null, null)
                                                         except all select * from public.dashboard_channel_rollup) x`;

/** Distinct visitors of [from, to) counted from llm_traces: everyone (experiment null) and per experiment. */
const VISITOR_RECOUNT = `
  with r as (select * from public.llm_traces t
              where t.created_at >= coalesce($1::timestamptz, '-infinity') and t.created_at < coalesce($2::timestamptz, 'infinity'))
  select null as experiment_name, count(distinct user_id)::int as visitors from r having count(*) > 0
  union all
  select experiment_name, count(distinct user_id)::int from r where experiment_name is not null group by 1
  order by 1 nulls first`;

/** The same from the dashboard's visitor counts (whole days from the gap counts, edges from the traces). */
const VISITOR_COUNTS = `
  select experiment_name, visitors::int from private.dashboard_visitor_counts($1::timestamptz, $2::timestamptz)
   where visitors > 0 order by 1 nulls first`;

/** The per-channel split for [from, to) counted straight from llm_traces and the sessions' channel. */
const CHANNEL_RECOUNT = `
  select s.channel, count(*)::int as traces, sum(t.llm_calls)::int as llm_calls, sum(t.total_tokens)::int as total_tokens,
         sum(t.cost_usd)::float8 as cost_usd
    from public.llm_traces t join public.conversation_sessions s on s.id = t.session_id
   where t.created_at >= coalesce($1::timestamptz, '-infinity') and t.created_at < coalesce($2::timestamptz, 'infinity')
   group by 1 order by 2 desc, 1`;

/** The dashboard's figures for [from, to) counted straight from llm_traces. */
const RECOUNT = `
  with r as (select * from public.llm_traces t
              where t.created_at >= coalesce($1::timestamptz, '-infinity') and t.created_at < coalesce($2::timestamptz, 'infinity'))
  select jsonb_build_object(
    'totals', (select jsonb_build_object(
       'traces', count(*), 'visitors', count(distinct user_id), 'llm_calls', coalesce(sum(llm_calls), 0),
       'input_tokens', coalesce(sum(input_tokens), 0), 'total_tokens', coalesce(sum(total_tokens), 0),
       'latency_ms', coalesce(sum(latency_ms), 0), 'avg_llm_calls', round(avg(llm_calls), 2), 'avg_tokens', round(avg(total_tokens), 1),
       'avg_latency_ms_per_call', round(sum(latency_ms)::numeric / nullif(sum(llm_calls), 0), 1),
       'positive', count(*) filter (where feedback = 'positive'), 'negative', count(*) filter (where feedback = 'negative'),
       'pending', count(*) filter (where feedback = 'pending'),
       'positive_ratio', round((count(*) filter (where feedback = 'positive'))::numeric / nullif(count(*) filter (where feedback <> 'pending'), 0), 4),
       'errors', count(*) filter (where status = 'error'), 'first_trace_at', min(created_at), 'last_trace_at', max(created_at),
       'cost_usd', coalesce(sum(cost_usd), 0), 'avg_cost_usd', round(avg(cost_usd), 8), 'tool_calls', coalesce(sum(tool_calls), 0),
       'traces_with_errors', count(*) filter (where error_count > 0), 'votes_up', coalesce(sum(votes_up), 0),
       'votes_down', coalesce(sum(votes_down), 0)) from r),
    'days', (select coalesce(jsonb_agg(x order by x.day), '[]') from (
       select (created_at at time zone 'UTC')::date as day, count(*) as traces, sum(llm_calls) as llm_calls, sum(total_tokens) as total_tokens,
              count(*) filter (where feedback = 'positive') as positive, count(*) filter (where feedback = 'negative') as negative,
              sum(cost_usd) as cost_usd
         from r group by 1) x),
    'buckets', (select jsonb_build_array(
       count(*) filter (where llm_calls = 0), count(*) filter (where llm_calls = 1), count(*) filter (where llm_calls = 2),
       count(*) filter (where llm_calls = 3), count(*) filter (where llm_calls = 4), count(*) filter (where llm_calls = 5),
       count(*) filter (where llm_calls between 6 and 10), count(*) filter (where llm_calls between 11 and 20),
       count(*) filter (where llm_calls >= 21)) from r),
    'agents', (select coalesce(jsonb_agg(x order by x.agent_type), '[]') from (
       select agent_type, count(*) as traces, count(*) filter (where feedback = 'positive') as positive,
              count(*) filter (where feedback = 'negative') as negative, count(*) filter (where feedback = 'pending') as pending,
              sum(llm_calls) as llm_calls, sum(tool_calls) as tool_calls, count(*) filter (where error_count > 0) as traces_with_errors,
              sum(cost_usd) as cost_usd, round(avg(cost_usd), 8) as avg_cost_usd, sum(votes_up) as votes_up, sum(votes_down) as votes_down
         from r group by 1) x),
    'models', (select coalesce(jsonb_agg(x order by x.model_key), '[]') from (
       select m.key as model_key, count(*) as traces, count(*) filter (where feedback = 'positive') as positive,
              sum(cost_usd) as cost_usd, sum(votes_down) as votes_down
         from r join public.llm_models m on m.id = r.model_id group by 1) x),
    'variants', (select coalesce(jsonb_agg(x order by x.experiment_name), '[]') from (
       select experiment_name, count(*) as traces, count(distinct user_id) as visitors, sum(llm_calls) as llm_calls,
              sum(total_tokens) as total_tokens, count(*) filter (where status = 'error') as errors,
              round(sum(latency_ms)::numeric / nullif(sum(llm_calls), 0), 1) as avg_latency_ms_per_call
         from r where experiment_name is not null group by 1) x)) as doc`;

type Row = Record<string, unknown>;
interface Recount { totals: Row; days: Row[]; buckets: number[]; agents: Row[]; models: Row[]; variants: Row[] }
interface Stats {
  totals: Row;
  per_day: Row[];
  llm_calls_distribution: { sessions: number }[];
  feedback_by_agent: Row[];
  usage_by_agent: Row[];
  feedback_by_model: Row[];
  usage_by_model: Row[];
  ab_comparison: Row[];
}

const pick = (row: Row, keys: string[]) => Object.fromEntries(keys.map((k) => [k, row[k]]));
const byKey = (rows: Row[], key: string) => [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
const time = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());

describe.each(backends)("dashboard rollup on $name", ({ open }) => {
  let t: TestDatabase;
  const random = seededRandom(20261129);
  const int = (n: number) => Math.floor(random() * n);
  const one = <T>(xs: T[]) => xs[int(xs.length)];
  const users = Array.from({ length: 7 }, () => visitor());
  let models: { id: string; experiment: string | null }[] = [];
  let tagCounter = 0;
  const now = Date.now();
  // spread over five UTC days, some exactly at midnight
  const when = () => new Date(random() < 0.1 ? Math.floor(now / 86_400_000 - int(5)) * 86_400_000 : now - int(5 * 24) * HOUR - int(HOUR)).toISOString();

  async function traceIds(): Promise<string[]> {
    return (await t.sql<{ id: string }>("select id from llm_traces order by id")).map((r) => r.id);
  }

  /** k sessions and their traces, in one multi-row statement each. */
  async function insertTraces(k: number) {
    const rows = Array.from({ length: k }, () => {
      const m = one(models);
      return {
        user: one(users), channel: one(["web", "web", "whatsapp"]), agent: one(AGENTS), model: m.id, experiment: m.experiment, tag: `chat_rollup_${tagCounter++}`,
        at: when(), calls: random() < 0.1 ? 21 + int(5) : int(13), input: int(500), output: int(200), latency: int(900),
        cost: (int(100_000) / 1e6).toFixed(6), tools: int(4), errors: random() < 0.2 ? 1 + int(2) : 0,
        status: one(["started", "ok", "ok", "error"]), feedback: one(["pending", "pending", "positive", "negative"]),
        up: int(3), down: int(2),
      };
    });
    await t.sql(
      `with s as (
         insert into conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, started_at, ended_at, duration_seconds, end_reason)
         select r.user, r.channel, r.agent, r.model::uuid, r.tag, false, r.at::timestamptz, r.at::timestamptz, 0, 'user'
           from jsonb_to_recordset($1::jsonb) r("user" text, channel text, agent text, model text, tag text, at text)
         returning id, session_tag)
       insert into llm_traces (session_id, session_tag, user_id, agent_type, model_id, experiment_name, llm_calls, input_tokens,
                               output_tokens, latency_ms, cost_usd, tool_calls, error_count, status, feedback, votes_up, votes_down, created_at)
       select s.id, r.tag, r.user, r.agent, r.model::uuid, r.experiment, r.calls, r.input, r.output, r.latency, r.cost::numeric,
              r.tools, r.errors, r.status, r.feedback, r.up, r.down, r.at::timestamptz
         from jsonb_to_recordset($1::jsonb) r("user" text, agent text, model text, experiment text, tag text, at text, calls int, input int,
                                               output int, latency int, cost text, tools int, errors int, status text, feedback text, up int, down int)
         join s on s.session_tag = r.tag`,
      [JSON.stringify(rows)],
    );
  }

  /** One trace of `user` on `model`, `daysAgo` days back (a session and its trace in one statement). */
  const insertAt = (user: string, daysAgo: number, model: { id: string; experiment: string | null }, tag: string) =>
    t.sql(
      `with s as (insert into conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, started_at,
                                                     ended_at, duration_seconds, end_reason)
                  select $1, 'web', 'sales_pitch', $2, $3, false, x.at, x.at, 0, 'user'
                    from (select now() - make_interval(days => $4) as at) x returning id, started_at)
       insert into llm_traces (session_id, session_tag, user_id, agent_type, model_id, experiment_name, created_at)
       select s.id, $3, $1, 'sales_pitch', $2, $5, s.started_at from s`,
      [user, model.id, tag, daysAgo, model.experiment]);

  const ops: Record<string, (ids: string[]) => Promise<unknown>> = {
    insertOne: () => insertTraces(1),
    insertMany: () => insertTraces(2 + int(4)),
    counters: (ids) =>
      t.sql(
        `update llm_traces set llm_calls = llm_calls + $2, input_tokens = input_tokens + $3, output_tokens = output_tokens + $4,
                latency_ms = latency_ms + $5, cost_usd = cost_usd + $6, tool_calls = tool_calls + $7, error_count = $8, status = $9
          where id = $1`,
        [one(ids), int(9), int(300), int(100), int(500), int(5000) / 1e6, int(3), int(2), one(["ok", "error"])],
      ),
    feedback: (ids) => t.sql("update llm_traces set feedback = $2, feedback_comment = 'x' where id = $1", [one(ids), one(["positive", "negative", "pending"])]),
    feedbackRpc: async (ids) => {
      const [s] = await t.sql<{ session_id: string }>("select session_id from llm_traces where id = $1", [one(ids)]);
      await t.db.rpc("set_feedback", { p_session_id: s.session_id, p_rating: one(["positive", "negative"]) });
    },
    votes: (ids) => t.sql("update llm_traces set votes_up = votes_up + $2, votes_down = greatest(votes_down - $3, 0) where id = $1", [one(ids), int(3), int(2)]),
    moveDay: (ids) => t.sql("update llm_traces set created_at = $2 where id = $1", [one(ids), when()]),
    moveAgent: (ids) => t.sql("update llm_traces set agent_type = $2, llm_calls = llm_calls + 1 where id = $1", [one(ids), one(AGENTS)]),
    // a trace's channel does not change in the app, but the one row trigger of a trace's update
    // (public.dashboard_rollup_update, channel split included) must follow it if it does
    moveChannel: (ids) =>
      t.sql(
        `with s as (update conversation_sessions s set channel = $2 from llm_traces t
                     where t.id = $1 and s.id = t.session_id and not s.is_active and t.channel <> 'experiment' returning s.id)
         update llm_traces t set channel = $2 from s where t.session_id = s.id`,
        [one(ids), one(["web", "whatsapp"])],
      ),
    moveModel: (ids) => {
      const m = one(models);
      return t.sql("update llm_traces set model_id = $2, experiment_name = $3 where id = $1", [one(ids), m.id, m.experiment]);
    },
    // (a visitor's tags are unique: two real turns' `…_001` traces cannot both move to one visitor)
    moveVisitor: (ids) =>
      t.sql(
        `update llm_traces t set user_id = $2 where t.id = $1
            and not exists (select 1 from llm_traces o where o.user_id = $2 and o.session_tag = t.session_tag)`,
        [one(ids), one(users)],
      ),
    bulkUpdate: () => t.sql("update llm_traces set llm_calls = llm_calls + 1, votes_up = votes_up + 1 where user_id = $1", [one(users)]),
    bulkMove: () => t.sql("update llm_traces set created_at = created_at - interval '1 day' where agent_type = $1 and user_id = $2", [one(AGENTS), one(users)]),
    noop: (ids) => t.sql("update llm_traces set llm_calls = llm_calls, updated_at = now() where id = $1", [one(ids)]),
    deleteOne: (ids) => t.sql("delete from llm_traces where id = $1", [one(ids)]),
    deleteVisitor: () => t.sql("delete from llm_traces where user_id = $1 and agent_type = $2", [one(users), one(AGENTS)]),
    // every trace of one visitor on one day (an erasure of a day: their next day's previous day moves back)
    deleteDay: () =>
      t.sql("delete from llm_traces where user_id = $1 and (created_at at time zone 'UTC')::date = (now() at time zone 'UTC')::date - $2::int",
        [one(users), int(5)]),
    // a bulk load: many traces of every visitor over every day in one statement
    insertBulk: () => insertTraces(20 + int(20)),
    deleteSession: (ids) => t.sql("delete from conversation_sessions where id = (select session_id from llm_traces where id = $1)", [one(ids)]),
    turn: async () => {
      // a real session: start_session inserts the trace, each finish_turn updates its counters
      const user = visitor();
      const agent = one(AGENTS);
      const first = await begin(t.db, user, { p_agent: agent });
      await finish(t.db, first.user_message.id, { p_input_tokens: int(100), p_output_tokens: int(50), p_latency_ms: int(90) });
      const second = await begin(t.db, user, { p_agent: agent, p_session_id: first.session.id });
      await finish(t.db, second.user_message.id);
    },
  };
  const weights: [string, number][] = [
    ["insertOne", 6], ["insertMany", 4], ["counters", 10], ["feedback", 4], ["feedbackRpc", 2], ["votes", 4], ["moveDay", 3],
    ["moveChannel", 2], ["moveAgent", 2], ["moveModel", 2], ["moveVisitor", 2], ["bulkUpdate", 2], ["bulkMove", 1], ["noop", 2], ["deleteOne", 3],
    ["deleteVisitor", 1], ["deleteSession", 1], ["turn", 2], ["deleteDay", 2], ["insertBulk", 1],
  ];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const nextOp = () => {
    let x = random() * total;
    for (const [name, w] of weights) if ((x -= w) < 0) return name;
    return "counters";
  };

  async function mismatches() {
    return t.sql<{ side: string; row: unknown }>(MISMATCH);
  }

  beforeAll(async () => {
    t = await open();
    await t.db.rpc("register_model", { p_key: "roll-a", p_name: "Roll A", p_provider: "openai_compatible", p_experiment_name: "exp-a" });
    await t.db.rpc("register_model", { p_key: "roll-b", p_name: "Roll B", p_provider: "openai_compatible", p_experiment_name: "exp-b" });
    const rows = await t.sql<{ id: string; experiment_name: string | null }>("select id, experiment_name from llm_models where key in ('roll-a', 'roll-b', 'offline')");
    models = rows.map((m) => ({ id: m.id, experiment: m.experiment_name }));
    await insertTraces(12);
    // every kind of write once, then a random mix
    const plan = [...weights.map(([name]) => name), ...Array.from({ length: 160 }, nextOp)];
    for (const name of plan) {
      const ids = await traceIds();
      await ops[ids.length < 4 ? "insertMany" : name](ids);
    }
  }, 240_000);
  afterAll(() => t?.close());

  it("equals a full recount after the random workload", async () => {
    const [{ n }] = await t.sql<{ n: number }>("select count(*)::int as n from llm_traces");
    expect(n).toBeGreaterThan(20);
    expect(await mismatches()).toEqual([]);
  });

  it("counts a trace up in place: no index of the count tables reads a count, so their updates can be HOT", async () => {
    // a column in an index's key or predicate (e.g. `where traces = 0`) made every count update a new row version with
    // new index entries (docs/performance.md, "Where a new session's PostgreSQL time goes")
    const rows = await t.sql<{ index: string }>(
      `select i.indexrelid::regclass::text as index
         from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attname in ('traces', 'visitors')
        where i.indrelid in ('public.dashboard_rollup'::regclass, 'public.dashboard_visitor_days'::regclass,
                             'public.dashboard_visitors'::regclass, 'public.dashboard_visitor_gaps'::regclass)
          and (a.attnum = any(i.indkey::int2[])
               or pg_get_expr(i.indpred, i.indrelid) ~ ('\\m' || a.attname || '\\M')
               or pg_get_expr(i.indexprs, i.indrelid) ~ ('\\m' || a.attname || '\\M'))`,
    );
    expect(rows).toEqual([]);
  });

  it("dashboard_stats over any range equals the figures counted from llm_traces", async () => {
    const [{ lo, hi }] = await t.sql<{ lo: Date; hi: Date }>("select min(created_at) as lo, max(created_at) as hi from llm_traces");
    const span = hi.getTime() - lo.getTime();
    const at = (f: number) => new Date(lo.getTime() + f * span).toISOString();
    const midnight = (f: number) => new Date(Math.floor((lo.getTime() + f * span) / 86_400_000) * 86_400_000).toISOString();
    const ranges: [string | null, string | null][] = [
      [null, null], [at(0.3), null], [null, at(0.7)], [at(0.2), at(0.8)], [midnight(0.3), midnight(0.9)],
      [midnight(0.5), at(0.95)], [at(0.41), at(0.43)], [at(0.5), midnight(0.99)], [lo.toISOString(), hi.toISOString()],
      ...Array.from({ length: 6 }, () => {
        const a = random();
        const b = Math.min(1, a + random() * 0.6);
        return [at(a), at(b) === at(a) ? null : at(b)] as [string, string | null];
      }),
    ];
    for (const [from, to] of ranges) {
      const s = (await t.db.rpc("dashboard_stats", { p_from: from, p_to: to })) as unknown as Stats;
      // the per-channel split, from its own rollup: the traces' sessions' channels counted
      const channels = await t.db.rpc("dashboard_channels", { p_from: from, p_to: to });
      expect(channels, `channels [${from}, ${to})`).toEqual(await t.sql(CHANNEL_RECOUNT, [from, to]));
      const [{ doc }] = await t.sql<{ doc: Recount }>(RECOUNT, [from, to]);
      const range = `[${from}, ${to})`;
      const keys = Object.keys(doc.totals).filter((k) => !k.endsWith("_at"));
      expect(pick(s.totals, keys), range).toEqual(pick(doc.totals, keys));
      expect([time(s.totals.first_trace_at), time(s.totals.last_trace_at)], range)
        .toEqual([time(doc.totals.first_trace_at), time(doc.totals.last_trace_at)]);
      const dayKeys = ["day", "traces", "llm_calls", "total_tokens", "positive", "negative", "cost_usd"];
      expect(s.per_day.filter((d) => Number(d.traces) > 0).map((d) => pick(d, dayKeys)), range).toEqual(doc.days.map((d) => pick(d, dayKeys)));
      expect(s.llm_calls_distribution.map((b) => b.sessions), range).toEqual(doc.buckets);
      expect(byKey(s.feedback_by_agent, "agent_type").map((a) => pick(a, ["agent_type", "traces", "positive", "negative", "pending"])), range)
        .toEqual(doc.agents.map((a) => pick(a, ["agent_type", "traces", "positive", "negative", "pending"])));
      const usage = ["agent_type", "traces", "llm_calls", "tool_calls", "traces_with_errors", "cost_usd", "avg_cost_usd", "votes_up", "votes_down"];
      expect(byKey(s.usage_by_agent, "agent_type").map((a) => pick(a, usage)), range).toEqual(doc.agents.map((a) => pick(a, usage)));
      expect(byKey(s.usage_by_model, "model_key").map((m) => pick(m, ["model_key", "traces", "cost_usd", "votes_down"])), range)
        .toEqual(doc.models.map((m) => pick(m, ["model_key", "traces", "cost_usd", "votes_down"])));
      expect(byKey(s.feedback_by_model, "model_key").map((m) => pick(m, ["model_key", "traces", "positive"])), range)
        .toEqual(doc.models.map((m) => pick(m, ["model_key", "traces", "positive"])));
      const exp = ["experiment_name", "traces", "visitors", "llm_calls", "total_tokens", "errors", "avg_latency_ms_per_call"];
      expect(byKey(s.ab_comparison, "experiment_name").map((e) => pick(e, exp)), range).toEqual(doc.variants.map((e) => pick(e, exp)));
    }
  });

  it("distinct visitors over any range (whole days, partial edges, one day, unbounded, per experiment) equal a recount", async () => {
    const [{ lo, hi }] = await t.sql<{ lo: Date; hi: Date }>("select min(created_at) as lo, max(created_at) as hi from llm_traces");
    const DAY = 86_400_000;
    const first = Math.floor(lo.getTime() / DAY) * DAY;
    const days = Math.ceil((hi.getTime() - first) / DAY) + 1;
    const iso = (ms: number) => new Date(ms).toISOString();
    const midnight = () => first + (int(days + 2) - 1) * DAY;
    const inside = () => first - DAY / 2 + random() * (days + 1) * DAY;
    const ranges: [string | null, string | null][] = [[null, null]];
    for (let d = 0; d < days; d++) ranges.push([iso(first + d * DAY), iso(first + (d + 1) * DAY)]); // each single whole day
    for (let i = 0; i < 80; i++) {
      const kind = i % 8;
      let a = kind < 2 ? midnight() : inside();
      let b = kind === 0 || kind === 2 ? midnight() : kind === 5 ? a + random() * DAY / 3 : inside(); // 5: within one day
      if (a > b) [a, b] = [b, a];
      if (a === b) b += DAY;
      // 6 and 7: unbounded on one side
      ranges.push([kind === 6 ? null : iso(a), kind === 7 ? null : iso(b)]);
    }
    for (const [from, to] of ranges) {
      expect(await t.sql(VISITOR_COUNTS, [from, to]), `[${from}, ${to})`).toEqual(await t.sql(VISITOR_RECOUNT, [from, to]));
    }
    // the whole days alone: sum(visitors) where day in [a, b) and (prev_day < a or null) is count(distinct)
    for (let i = 0; i < 10; i++) {
      const a = midnight();
      const b = a + (1 + int(days)) * DAY;
      const [{ gaps }] = await t.sql<{ gaps: number }>(
        `select coalesce(sum(visitors), 0)::int as gaps from dashboard_visitor_gaps
          where experiment_name is null and day >= $1::date and day < $2::date and (prev_day < $1::date or prev_day is null)`,
        [iso(a).slice(0, 10), iso(b).slice(0, 10)]);
      const [{ n }] = await t.sql<{ n: number }>(
        "select count(distinct user_id)::int as n from llm_traces where created_at >= $1 and created_at < $2", [iso(a), iso(b)]);
      expect(gaps).toBe(n);
    }
  });

  it("edge visitors: seen inside or not, by the previous days a backfill, a deletion and a move keep", async () => {
    // Days L (the lower edge), L+1..L+3 (whole), H = L+4 (the upper edge), 20 days back: visitors whose
    // next or previous day is just outside the whole days, or inside only in another experiment
    // (docs/performance.md, "Distinct visitors over any range": the edges read prev_day).
    const DAY = 86_400_000;
    const L = (Math.floor(Date.now() / DAY) - 20) * DAY;
    const H = L + 4 * DAY;
    const [x, y] = models.filter((m) => m.experiment !== null);
    const n = models.find((m) => m.experiment === null)!;
    const at = (ms: number) => new Date(ms).toISOString();
    let k = 0;
    const put = (user: string, ms: number, m: { id: string; experiment: string | null }) =>
      t.sql(
        `with s as (insert into conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, started_at,
                                                       ended_at, duration_seconds, end_reason)
                    values ($1, 'web', 'sales_pitch', $2, $3, false, $4, $4, 0, 'user') returning id, started_at)
         insert into llm_traces (session_id, session_tag, user_id, agent_type, model_id, experiment_name, created_at)
         select s.id, $3, $1, 'sales_pitch', $2, $5, s.started_at from s`,
        [user, m.id, `chat_edge_${k++}`, at(ms), m.experiment]);
    const v = () => visitor();
    const h = (hours: number) => hours * HOUR;
    const plan: [number, { id: string; experiment: string | null }][][] = [
      [[L + h(13), x], [H + h(13), x]], // lower edge; next day H, after the range's end
      [[L + h(6), x], [H + h(6), x]], // before the range on L; upper edge, previous day L
      [[L + h(13), x], [L + 2 * DAY, x]], // lower edge and inside
      [[L + 2 * DAY, y], [H + h(6), y]], // inside and upper edge
      [[L + h(13), n], [H + h(6), n]], // both edges, not inside
      [[L + h(13), x], [L + 2 * DAY, y]], // lower edge in x, inside in y only
      [[L + DAY, y], [H + h(6), x]], // inside in y only, upper edge in x
      [[L + h(13), x], [L + h(14), y], [L + 3 * DAY, x]], // lower edge in x and y, inside in x
      [[L + h(13), x], [H + DAY, x]], // lower edge; next day after H
    ];
    for (const traces of plan) {
      const user = v();
      for (const [ms, m] of traces) await put(user, ms, m);
    }
    // a backfilled day inside moves the upper edge day's previous day; a deleted one moves it back
    const backfilled = v();
    await put(backfilled, H + h(6), x);
    await put(backfilled, L + h(13), y);
    await put(backfilled, L + 2 * DAY, x);
    const deleted = v();
    for (const ms of [L + h(13), L + 2 * DAY, H + h(6)]) await put(deleted, ms, x);
    await t.sql("delete from llm_traces where user_id = $1 and created_at = $2", [deleted, at(L + 2 * DAY)]);
    // a trace moved from after the range into it (the update trigger's path)
    const moved = v();
    await put(moved, L + h(13), y);
    await put(moved, H + h(20), y);
    await t.sql("update llm_traces set created_at = $2 where user_id = $1 and created_at = $3", [moved, at(L + DAY + h(3)), at(H + h(20))]);
    expect(await mismatches()).toEqual([]);

    const froms = [null, L, L + h(12), L + h(13.5), L + DAY, L + DAY + h(12), L + 2 * DAY + h(1)];
    const tos = [null, H + DAY, H + h(12), H + h(6.5), H, L + 3 * DAY + h(12), L + 2 * DAY, L + h(20)];
    for (const from of froms) {
      for (const to of tos) {
        if (from !== null && to !== null && to <= from) continue;
        const range = [from === null ? null : at(from), to === null ? null : at(to)];
        expect(await t.sql(VISITOR_COUNTS, range), `[${range[0]}, ${range[1]})`).toEqual(await t.sql(VISITOR_RECOUNT, range));
      }
    }
  });

  it("stays exact when concurrent transactions write days of one visitor (other days, other experiments)", async () => {
    for (let round = 0; round < 4; round++) {
      const user = visitor();
      await insertAt(user, 6, models[0], `chat_race_${round}_base`);
      await Promise.all(Array.from({ length: 12 }, (_, i) => insertAt(user, i % 4, models[i % models.length], `chat_race_${round}_${i}`)));
      await Promise.all([
        t.sql("delete from llm_traces where user_id = $1 and (created_at at time zone 'UTC')::date = (now() at time zone 'UTC')::date - 2", [user]),
        insertAt(user, 5, models[1], `chat_race_${round}_late`),
        insertAt(user, 1, models[2], `chat_race_${round}_later`),
      ]);
    }
    expect(await mismatches()).toEqual([]);
  });

  it("the gap counts go wrong without their triggers, and their rebuild repairs them", async () => {
    // a visitor day inserted between two others (a backfill) and one deleted, with the maintenance off
    await t.sql("alter table dashboard_visitor_days disable trigger dashboard_visitor_days_gaps_insert");
    await t.sql("alter table dashboard_visitor_days disable trigger dashboard_visitor_days_gaps_delete");
    try {
      const user = visitor();
      for (const daysAgo of [4, 0, 2]) await insertAt(user, daysAgo, models[0], `chat_gap_${daysAgo}`);
      // the backfilled day's next day keeps its old previous day
      expect((await mismatches()).map((r) => r.side)).toContain("visitor days counted");
      await t.sql("delete from llm_traces where user_id = $1 and session_tag = 'chat_gap_2'", [user]);
      expect((await mismatches()).map((r) => r.side)).toContain("visitor gaps counted");
    } finally {
      await t.sql("alter table dashboard_visitor_days enable trigger dashboard_visitor_days_gaps_insert");
      await t.sql("alter table dashboard_visitor_days enable trigger dashboard_visitor_days_gaps_delete");
    }
    await t.sql("select dashboard_visitor_gaps_rebuild()");
    expect(await mismatches()).toEqual([]);
  });

  it("counts WhatsApp turns under whatsapp and web turns under web", async () => {
    const split = async () => Object.fromEntries((await t.db.rpc("dashboard_channels", {})).map((c) => [c.channel, c]));
    const before = await split();
    const r = await begin(t.db, visitor(), { p_channel: "whatsapp", p_message: "hello" });
    await finish(t.db, r.user_message.id, { p_input_tokens: 11, p_output_tokens: 4 });
    const after = await split();
    expect(after.whatsapp.traces - (before.whatsapp?.traces ?? 0)).toBe(1);
    expect(after.whatsapp.total_tokens - (before.whatsapp?.total_tokens ?? 0)).toBe(15);
    expect(after.web.traces).toBe(before.web.traces);
    expect(await mismatches()).toEqual([]);
  });

  it("stays exact under concurrent turns, feedback and votes on the same keys", async () => {
    // every visitor on the same agent and model today: the rows the shards spread
    const people = Array.from({ length: 16 }, () => visitor());
    await Promise.all(people.map(async (user) => {
      let sessionId: string | undefined;
      for (let i = 0; i < 3; i++) {
        const r = await begin(t.db, user, { p_agent: "sales_pitch", p_session_id: sessionId });
        sessionId = r.session.id;
        await Promise.all([
          finish(t.db, r.user_message.id, { p_input_tokens: 7 + i, p_latency_ms: 3 }),
          t.sql("update llm_traces set votes_up = votes_up + 1 where session_id = $1", [sessionId]),
        ]);
      }
      await t.db.rpc("set_feedback", { p_session_id: sessionId!, p_rating: "positive" });
    }));
    expect(await mismatches()).toEqual([]);
  });

  it("the per-chart functions return their part of dashboard_stats", async () => {
    const from = new Date(Date.now() - 2.5 * 86_400_000).toISOString();
    const s = (await t.db.rpc("dashboard_stats", { p_from: from })) as unknown as Stats & Record<string, unknown>;
    const part = async (fn: string) => (await t.sql<{ x: Row }>(`select to_jsonb(x) as x from public.${fn}($1, null) x`, [from])).map((r) => r.x);
    expect((await part("dashboard_totals"))[0]).toEqual(s.totals);
    expect(await part("dashboard_daily")).toEqual(s.per_day);
    expect(await part("dashboard_llm_calls_distribution")).toEqual(s.llm_calls_distribution);
    expect(await part("dashboard_feedback_by_agent")).toEqual(s.feedback_by_agent);
    expect(await part("dashboard_feedback_by_model")).toEqual(s.feedback_by_model);
    expect(await part("dashboard_usage_by_agent")).toEqual(s.usage_by_agent);
    expect(await part("dashboard_usage_by_model")).toEqual(s.usage_by_model);
    expect(await part("dashboard_ab_comparison")).toEqual(s.ab_comparison);
    expect(s.feedback_by_agent.length).toBeGreaterThan(0);
  });

  it("the rebuild gives the same rollup, and truncating llm_traces empties it", async () => {
    const before = await t.sql("select * from dashboard_rollup order by day, agent_type, model_id, experiment_name, shard");
    await t.sql("select dashboard_rollup_rebuild()");
    expect(await t.sql("select * from dashboard_rollup order by day, agent_type, model_id, experiment_name, shard")).toEqual(before);
    expect(await mismatches()).toEqual([]);
    await t.sql("truncate llm_traces cascade");
    const [{ n }] = await t.sql<{ n: number }>("select ((select count(*) from dashboard_rollup) + (select count(*) from dashboard_visitor_days) + (select count(*) from dashboard_visitors) + (select count(*) from dashboard_channel_rollup) + (select count(*) from dashboard_visitor_gaps))::int as n");
    expect(n).toBe(0);
  });
});

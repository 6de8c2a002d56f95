import type pg from "pg";
import { dropForLoad, finishAfterLoad, indexTasks, runPool, sibling, timed, triggersOff, type Task } from "./bulk";
import { insertMessages, messageTable, replacedMessageTriggers } from "./seed-messages";
import { scoreConfigs, scoreTasks } from "./seed-scores";

// Bulk load for `npm run bench:search`: N ended sessions of V visitors on three models, then one trace
// per session, each in time order as a live system appends them. Tags follow start_session():
// chat_model_{6 hex}_{NNN}, counted per (visitor, model) in start order; the tag counters are set to
// match. Visitors are skewed (a few heavy, most light), so low counters (_001…) are shared by thousands
// of visitors and heavy visitors reach 4 digits.
//
// As any bulk load does, and with the data the app's own code would have written
// (docs/performance.md, "10 million traces", "The load with the triggers' work recounted"):
// - the rows are generated inside PostgreSQL (nothing is sent): a narrow plan of every session in a
//   scratch table, then the sessions of the even and the odd visitors on two connections at once, the
//   messages (seed-messages.ts), then the traces from the sessions, with ids, models and versions from
//   arrays computed once (no lookup per row);
// - the indexes, keys and foreign keys of the loaded tables (also those pointing to them) are dropped
//   for the load and rebuilt after it by a pool of two connections, longest first (bulk.ts); re-adding
//   a key or a foreign key checks every row, and the definitions are compared with the migration's;
// - the insert triggers whose work the rows or a recount replace are off for the load (by name, so a
//   trigger added later stays on): the agent-version pinning (the rows carry the agent's current
//   version), the traces' channel (the sessions are web sessions of no experiment: channel 'web', no
//   experiment id), the dashboard rollups (rebuilt after by public.dashboard_rollup_rebuild() and
//   private.dashboard_channel_rollup_of()), the sessions' experiment trigger (acts on experiment
//   sessions only). `npx tsx scripts/bench/load-only.ts` checks at a small size that every table then
//   equals what the triggers produce (scripts/bench/load-check.ts);
// - the scores (seed-scores.ts) go in with every trigger on, inside the pool (below).

/** The insert triggers the loader switches off, per table, and what does their work instead (above). */
export const replacedTriggers: Record<string, string[]> = {
  "public.conversation_sessions": ["conversation_sessions_pin_agent_version", "conversation_sessions_experiment"],
  "public.llm_traces": ["llm_traces_pin_agent_version", "llm_traces_channel", "llm_traces_dashboard_insert", "llm_traces_dashboard_channel_insert"],
};

/** Session settings of the load (a bulk load's, not the server's: docs/performance.md). */
export const loadSettings = [
  "set work_mem = '1GB'",
  "set maintenance_work_mem = '2GB'",
  "set max_parallel_maintenance_workers = 0", // two connections build at once instead
  "set synchronous_commit = off",
];

export const benchModels = [
  { key: "offline", name: "Threadline Offline", provider: "offline", experiment: null, share: 0.5 },
  { key: "gpt-4o-mini", name: "GPT-4o mini", provider: "openai_compatible", experiment: "prompt-v2", share: 0.35 },
  { key: "llama-3.1-8b", name: "Llama 3.1 8B", provider: "openai_compatible", experiment: "prompt-v3", share: 0.15 },
];
export const benchAgents = ["product_recommendation", "sales_pitch", "order_assistant"];

const tables = ["public.conversation_sessions", "public.llm_traces"];

/** Messages loaded with the traces (scripts/bench/seed-messages.ts): per trace, on the newest maxTraces traces. */
export interface MessageLoad {
  perTrace: number;
  maxTraces: number;
}

/**
 * The bulk load. `messages`: also the messages. `scores`: also the scores (scripts/bench/seed-scores.ts)
 * on the newest `scores.maxTraces` traces, inserted with every trigger on once the traces have their
 * primary key's index and before their other indexes (a visitor's `helpful` updates its trace).
 */
export async function seedTraces(
  client: pg.Client,
  traces: number,
  visitors: number,
  messages?: MessageLoad,
  scores?: { maxTraces: number },
): Promise<void> {
  for (const m of benchModels) {
    await client.query(
      `insert into public.llm_models (key, name, provider, experiment_name) values ($1, $2, $3, $4)
       on conflict (key) do update set experiment_name = excluded.experiment_name`,
      [m.key, m.name, m.provider, m.experiment],
    );
  }
  for (const s of loadSettings) await client.query(s);
  const { rows: [ref] } = await client.query<{ models: string[]; prefixes: string[]; experiments: (string | null)[]; versions: (number | null)[] }>(
    `select (select array_agg(m.id::text order by array_position($1::text[], m.key)) from public.llm_models m where m.key = any($1)) as models,
            (select array_agg(left(replace(m.id::text, '-', ''), 6) order by array_position($1::text[], m.key)) from public.llm_models m where m.key = any($1)) as prefixes,
            (select array_agg(m.experiment_name order by array_position($1::text[], m.key)) from public.llm_models m where m.key = any($1)) as experiments,
            array(select (select a.version from public.agents a where a.key = k) from unnest($2::text[]) with ordinality u(k, o) order by o) as versions`,
    [benchModels.map((m) => m.key), benchAgents],
  );
  const withMessages = messages && messages.perTrace > 0 && messages.maxTraces > 0 ? messages : null;
  const loaded = withMessages ? [...tables, messageTable] : tables;
  const dropped = await dropForLoad(client, loaded);
  const switched = [];
  for (const [t, names] of Object.entries({ ...replacedTriggers, ...(withMessages ? await replacedMessageTriggers(client) : {}) })) {
    switched.push(await triggersOff(client, t, names));
  }
  const second = await sibling(client, loadSettings);
  const clients = [client, second];
  try {
    // The plan of every session (visitor, model, agent, end reason, start, duration, and its number among
    // the visitor's sessions on that model), in one narrow scratch table; two connections then insert the
    // sessions of the even and the odd visitors at once, each in time order.
    // ~180 days of history; visitors skewed; model by share, agent 50/30/20, sessions 30 s–30 min.
    const [m0, m1] = [benchModels[0].share, benchModels[0].share + benchModels[1].share];
    await client.query("drop table if exists public.bench_load_plan");
    await timed(
      client,
      `plan of ${traces.toLocaleString("en")} sessions`,
      `create unlogged table public.bench_load_plan as
       select x.*, row_number() over (partition by x.u, x.m order by x.started) as n
         from (
           select floor($2 * power(random(), 1.6))::int as u,
                  case when r.rm < $3 then 1 when r.rm < $4 then 2 else 3 end as m,
                  case when r.ra < 0.5 then 1 when r.ra < 0.8 then 2 else 3 end as a,
                  case when r.re < 0.5 then 1 when r.re < 0.8 then 2 else 3 end as r,
                  now() - interval '180 days' * power(random(), 1.15) as started,
                  interval '1 second' * (30 + random() * 1770) as dur
             from (select random() as rm, random() as ra, random() as re from generate_series(1, $1)) r
         ) x`,
      [traces, visitors, m0, m1],
    );
    const sessions = (c: pg.Client, half: number) =>
      timed(
        c,
        `sessions of the ${half ? "odd" : "even"} visitors`,
        `insert into public.conversation_sessions
           (user_id, channel, agent_type, agent_version, model_id, session_tag, is_active, started_at, last_activity_at, ended_at,
            end_reason, duration_seconds, tracking_enabled)
         select md5('bench-visitor-' || g.u)::uuid::text, 'web', ($1::text[])[g.a], ($4::int[])[g.a], ($2::uuid[])[g.m],
                'chat_model_' || ($3::text[])[g.m] || '_' || case when g.n < 1000 then lpad(g.n::text, 3, '0') else g.n::text end,
                false, g.started, g.started + g.dur, g.started + g.dur,
                (array['idle', 'user', 'agent_switch'])[g.r], extract(epoch from g.dur)::int, true
           from public.bench_load_plan g
          where g.u % 2 = $5
          order by g.started`,
        [benchAgents, ref.models, ref.prefixes, ref.versions, half],
      );
    await Promise.all([sessions(client, 0), sessions(second, 1)]);
    await client.query("drop table public.bench_load_plan");
    if (withMessages) await insertMessages(clients, withMessages);

    // One trace per session, in time order, in two halves (older, newer); run in the pool below, beside
    // the message indexes. Calls: geometric, mean ~3; tokens and latency per call; 1 % errors; 8 %
    // positive, 3 % negative.
    const { rows: [mid] } = await client.query<{ at: string }>(
      "select percentile_disc(0.5) within group (order by started_at)::text as at from public.conversation_sessions",
    );
    const traceTask = (label: string, where: string): Task => ({
      label,
      sql: `insert into public.llm_traces
              (session_id, session_tag, user_id, agent_type, agent_version, model_id, experiment_name, llm_calls, input_tokens,
               output_tokens, latency_ms, status, last_error, feedback, feedback_comment, created_at, updated_at, channel)
            select t.id, t.session_tag, t.user_id, t.agent_type, t.agent_version, t.model_id, ($1::text[])[array_position($2::uuid[], t.model_id)],
                   t.calls, t.calls * (150 + floor(random() * 900)::int), t.calls * (60 + floor(random() * 400)::int),
                   t.calls * (250 + floor(random() * 2500)::int),
                   case when t.fe < 0.01 then 'error' else 'ok' end,
                   case when t.fe < 0.01 then 'model timed out' end,
                   case when t.fb < 0.08 then 'positive' when t.fb < 0.11 then 'negative' else 'pending' end,
                   case when t.fb < 0.02 then 'helpful, found what I needed' when t.fb between 0.08 and 0.09 then 'wrong product' end,
                   t.started_at, t.ended_at, 'web'
              from (select s.*, 1 + floor(-ln(1 - random()) * 2.5)::int as calls, random() as fe, random() as fb
                      from public.conversation_sessions s where ${where} order by s.started_at offset 0) t`,
      params: [ref.experiments, ref.models, mid.at],
    });
    const traced = ["traces, older half", "traces, newer half"];
    const scoring = scores && (await scoreConfigs(client))
      ? scoreTasks(
          (await client.query<{ edge: string | null }>(
            "select min(started_at)::text as edge from (select s.started_at from public.conversation_sessions s order by s.started_at desc limit $1) x",
            [scores.maxTraces],
          )).rows[0].edge ?? "-infinity",
        )
      : [];
    // The keys the score triggers look rows up by are built first: the trace by id (score_counters), and
    // private.review_feed_score()'s `t.id = … or t.session_id = (the message's session)` needs the traces'
    // id and session_id indexes and the messages' primary key, or it reads whole tables per score. Then the
    // scores, then every other index of the traces (a trace a score updates costs no index entry yet).
    const keyFirst = ["index llm_traces_pkey", "index llm_traces_session_id_key", "index conversation_messages_pkey"];
    const traceIndexes = indexTasks(dropped, "public.llm_traces", traced);
    const messageIndexes = withMessages ? indexTasks(dropped, messageTable) : [];
    const early = [...traceIndexes, ...messageIndexes].filter((t) => scoring.length && keyFirst.includes(t.label));
    if (scoring.length && !early.some((t) => t.label === keyFirst[0])) throw new Error("llm_traces_pkey not found: the score triggers need it");
    const scored = scoring.map((t) => ({ ...t, needs: early.map((e) => e.label) }));
    const afterScores = [...traced, ...scored.map((t) => t.label)];
    // The derived tables the switched-off triggers keep, recounted by the project's own functions, and
    // the tag counters start_session() keeps (no trigger: its recount is here), beside the index builds.
    // The message indexes first (the trigram GIN is the longest single task), the traces' own after them.
    const [messageGin, ...messageRest] = messageIndexes.filter((t) => !early.includes(t));
    await runPool(clients, [
      ...(messageGin ? [messageGin] : []),
      traceTask(traced[0], "s.started_at < $3::timestamptz"),
      traceTask(traced[1], "s.started_at >= $3::timestamptz"),
      ...early,
      ...scored,
      ...traceIndexes.filter((t) => !early.includes(t)).map((t) => ({ ...t, needs: afterScores })),
      { label: "dashboard rollups (dashboard_rollup_rebuild)", sql: "select public.dashboard_rollup_rebuild()", needs: afterScores },
      ...messageRest,
      ...indexTasks(dropped, "public.conversation_sessions"),
      {
        label: "channel rollup (dashboard_channel_rollup_of)",
        sql: `delete from public.dashboard_channel_rollup;
              insert into public.dashboard_channel_rollup select * from private.dashboard_channel_rollup_of(null, null)`,
        needs: afterScores,
      },
      {
        label: "tag counters",
        sql: `insert into public.session_tag_counters (user_id, model_id, last_value)
              select user_id, model_id, count(*) from public.conversation_sessions group by 1, 2
              on conflict (user_id, model_id) do update set last_value = excluded.last_value`,
      },
    ]);
    for (const t of switched) await t.on();
    await finishAfterLoad(client, loaded, dropped);
    // hint bits, the visibility map and the planner's statistics (the new indexes need no cleanup)
    await runPool(clients, loaded.map((t) => ({ label: `vacuum (analyze) ${t}`, sql: `vacuum (analyze, index_cleanup off) ${t}` })));
    // the derived tables vacuumed too, as autovacuum does an insert-only table on a live server (PostgreSQL
    // 13+): the dashboard's index-only probes of the visitor days then read no heap page
    await timed(client, "vacuum (analyze) derived", `vacuum (analyze) public.dashboard_rollup, public.dashboard_visitor_days, public.dashboard_visitors,
                                                public.dashboard_visitor_gaps, public.dashboard_channel_rollup, public.dashboard_score_rollup,
                                                public.session_tag_counters${scored.length ? ", public.scores" : ""}`);
  } finally {
    await second.end();
  }
}

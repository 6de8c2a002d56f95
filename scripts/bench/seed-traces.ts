import type pg from "pg";
import { progress } from "./common";

// Bulk load for `npm run bench:search`: N ended sessions of V visitors on
// three models, then one trace per session, in set-based SQL
// (generate_series), each inserted in time order as a live system appends them. Tags follow start_session(): chat_model_{6 hex}_{NNN},
// counted per (visitor, model) in start order; the tag counters are set to
// match. Visitors are skewed (a few heavy, most light), so low counters
// (_001…) are shared by thousands of visitors and heavy visitors reach 4 digits.
//
// Fast path that changes no semantics, as any bulk load does: the llm_traces and
// conversation_sessions indexes that back no constraint, and their unique keys and foreign keys
// (but the sessions' primary key, which the traces' trigger reads), are dropped for the load and
// rebuilt after it from their own definitions (checked identical after; re-adding a key or a foreign
// key checks every row, so nothing unchecked gets in); triggers stay on. The rows carry the agent
// version the pinning trigger would look up (the agent's current one), so it has nothing to do.

export const benchModels = [
  { key: "offline", name: "Threadline Offline", provider: "offline", experiment: null, share: 0.5 },
  { key: "gpt-4o-mini", name: "GPT-4o mini", provider: "openai_compatible", experiment: "prompt-v2", share: 0.35 },
  { key: "llama-3.1-8b", name: "Llama 3.1 8B", provider: "openai_compatible", experiment: "prompt-v3", share: 0.15 },
];
export const benchAgents = ["product_recommendation", "sales_pitch", "order_assistant"];

async function timed(client: pg.Client, label: string, sql: string, params: unknown[] = []): Promise<void> {
  const started = performance.now();
  await client.query(sql, params);
  progress(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The constraints a bulk load builds after the rows rather than row by row: the foreign keys from and to
 * llm_traces and from conversation_sessions (each row's check also locks the row it points to), and the
 * unique and primary keys of llm_traces and conversation_sessions' (user_id, session_tag). Only
 * conversation_sessions' primary key stays: the traces' insert trigger (private.trace_channel) reads the
 * session by it.
 */
async function constraintDefs(client: pg.Client): Promise<{ table: string; name: string; type: string; def: string }[]> {
  const { rows } = await client.query(
    `select c.conrelid::regclass::text as table, c.conname as name, c.contype::text as type, pg_get_constraintdef(c.oid) as def
       from pg_constraint c
      where c.contype in ('f', 'p', 'u')
        and (c.conrelid in ('public.llm_traces'::regclass, 'public.conversation_sessions'::regclass)
             or c.confrelid = 'public.llm_traces'::regclass)
        and not (c.conrelid = 'public.conversation_sessions'::regclass and c.contype = 'p')
      order by (c.contype = 'f') desc, 1, 2`,
  );
  return rows;
}

async function indexDefs(client: pg.Client): Promise<{ name: string; def: string }[]> {
  const { rows } = await client.query(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
       from pg_index i
      where i.indrelid in ('public.llm_traces'::regclass, 'public.conversation_sessions'::regclass)
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
      order by 1`,
  );
  return rows;
}

export async function seedTraces(client: pg.Client, traces: number, visitors: number): Promise<void> {
  for (const m of benchModels) {
    await client.query(
      `insert into public.llm_models (key, name, provider, experiment_name) values ($1, $2, $3, $4)
       on conflict (key) do update set experiment_name = excluded.experiment_name`,
      [m.key, m.name, m.provider, m.experiment],
    );
  }
  await client.query("set maintenance_work_mem = '1GB'");
  await client.query("set max_parallel_maintenance_workers = 2");
  const indexes = await indexDefs(client);
  for (const ix of indexes) await client.query(`drop index ${ix.name}`);
  // foreign keys first (they depend on the keys), then the keys; rebuilt in the reverse order after the load
  const constraints = await constraintDefs(client);
  for (const c of constraints) await client.query(`alter table ${c.table} drop constraint ${c.name}`);

  // ~180 days of history; model by share, agent 50/30/20, sessions 30 s–30 min.
  const [m0, m1] = [benchModels[0].share, benchModels[0].share + benchModels[1].share];
  await timed(
    client,
    `${traces.toLocaleString("en")} sessions`,
    `insert into public.conversation_sessions
       (user_id, channel, agent_type, agent_version, model_id, session_tag, is_active, started_at, last_activity_at, ended_at,
        end_reason, duration_seconds, tracking_enabled)
     select g.user_id, 'web', g.agent, (select a.version from public.agents a where a.key = g.agent), g.model_id,
            'chat_model_' || left(replace(g.model_id::text, '-', ''), 6) || '_' || case when g.n < 1000 then lpad(g.n::text, 3, '0') else g.n::text end,
            false, g.started, g.started + g.dur, g.started + g.dur, g.reason, extract(epoch from g.dur)::int, true
       from (
         select r.*, row_number() over (partition by r.user_id, r.model_id order by r.started) as n
           from (
             select md5('bench-visitor-' || floor($2 * power(random(), 1.6))::int)::uuid::text as user_id,
                    (select id from public.llm_models where key = case when x.rm < $3 then $5 when x.rm < $4 then $6 else $7 end) as model_id,
                    case when x.ra < 0.5 then 'product_recommendation' when x.ra < 0.8 then 'sales_pitch' else 'order_assistant' end as agent,
                    now() - interval '180 days' * power(random(), 1.15) as started,
                    make_interval(secs => 30 + random() * 1770) as dur,
                    case when x.re < 0.5 then 'idle' when x.re < 0.8 then 'user' else 'agent_switch' end as reason
               from (select i, random() as rm, random() as ra, random() as re from generate_series(1, $1) i) x
           ) r
       ) g
      order by g.started`,
    [traces, visitors, m0, m1, benchModels[0].key, benchModels[1].key, benchModels[2].key],
  );

  // Calls: geometric, mean ~3; tokens and latency per call; 1 % errors; 8 % positive, 3 % negative.
  // In time slices of about a million sessions each (BENCH_TRACES=10000000 is ten statements): each
  // statement's dashboard-rollup trigger aggregates its own slice, memory stays bounded, progress shows.
  const { rows: [span] } = await client.query<{ lo: string; hi: string }>(
    "select min(started_at)::text as lo, (max(started_at) + interval '1 microsecond')::text as hi from public.conversation_sessions",
  );
  const slices = Math.max(1, Math.ceil(traces / 1_000_000));
  const { rows: bounds } = await client.query<{ b: string }>(
    `select (percentile_disc(array(select g / $1::float8 from generate_series(1, $1 - 1) g)) within group (order by started_at))::text[] as b
       from public.conversation_sessions`,
    [slices],
  );
  const edges = [span.lo, ...((bounds[0]?.b as unknown as string[] | null) ?? []), span.hi];
  for (let i = 0; i < edges.length - 1; i++) {
    await timed(
      client,
      `traces, slice ${i + 1}/${edges.length - 1}`,
      `insert into public.llm_traces
         (session_id, session_tag, user_id, agent_type, agent_version, model_id, experiment_name, llm_calls, input_tokens,
          output_tokens, latency_ms, status, last_error, feedback, feedback_comment, created_at, updated_at)
       select s.id, s.session_tag, s.user_id, s.agent_type, s.agent_version, s.model_id, m.experiment_name, s.calls,
              s.calls * (150 + floor(random() * 900)::int), s.calls * (60 + floor(random() * 400)::int),
              s.calls * (250 + floor(random() * 2500)::int),
              case when s.fe < 0.01 then 'error' else 'ok' end,
              case when s.fe < 0.01 then 'model timed out' end,
              case when s.fb < 0.08 then 'positive' when s.fb < 0.11 then 'negative' else 'pending' end,
              case when s.fb < 0.02 then 'helpful, found what I needed' when s.fb between 0.08 and 0.09 then 'wrong product' end,
              s.started_at, s.ended_at
         from (select cs.*, 1 + floor(-ln(1 - random()) * 2.5)::int as calls, random() as fe, random() as fb
                 from public.conversation_sessions cs
                where cs.started_at >= $1::timestamptz and cs.started_at < $2::timestamptz) s
         join public.llm_models m on m.id = s.model_id
        order by s.started_at`,
      [edges[i], edges[i + 1]],
    );
  }
  await timed(
    client,
    "tag counters",
    `insert into public.session_tag_counters (user_id, model_id, last_value)
     select user_id, model_id, count(*) from public.conversation_sessions group by 1, 2
     on conflict (user_id, model_id) do update set last_value = excluded.last_value`,
  );

  for (const c of [...constraints].reverse()) await timed(client, `re-add ${c.name}`, `alter table ${c.table} add constraint ${c.name} ${c.def}`);
  for (const ix of indexes) await timed(client, `recreate ${ix.name}`, ix.def);
  const after = await indexDefs(client);
  if (JSON.stringify(after) !== JSON.stringify(indexes)) throw new Error("recreated indexes differ from the migration's");
  const sorted = (list: { name: string; def: string }[]) => JSON.stringify(list.map((c) => `${c.name} ${c.def}`).sort());
  if (sorted(await constraintDefs(client)) !== sorted(constraints)) throw new Error("re-added constraints differ from the migration's");
  await timed(client, "vacuum (analyze)", "vacuum (analyze) public.llm_traces, public.conversation_sessions, public.session_tag_counters");
}

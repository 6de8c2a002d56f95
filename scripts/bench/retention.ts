// npx tsx scripts/bench/retention.ts — what RETENTION_DAYS costs (docs/performance.md, "Retention").
//
// Starts a throwaway PostgreSQL, migrates it, loads BENCH_TRACES sessions and traces (the
// bench:search generator, ~180 days) and BENCH_TURNS turns spread over the same 180 days in time
// order: a question, its reply 2 s later and one generation step each. Then, with a limit of 90
// days: the batches apply_retention() needs to catch up (time each, rows each), and the call that
// finds nothing (the every-minute steady state), with the sizes of the BRIN indexes it reads.
//
// BENCH_TURNS (default 200000), BENCH_TRACES (default 20000), BENCH_VISITORS (default 2000).
import { cleanup, fmt, loadavg, machine, progress, section, summarize, table } from "./common";
import { seedTraces } from "./seed-traces";
import { startDatabaseClient } from "./stack";

const turns = Number(process.env.BENCH_TURNS ?? 200_000);
const traces = Number(process.env.BENCH_TRACES ?? 20_000);
const visitors = Number(process.env.BENCH_VISITORS ?? 2000);
const days = 90;
const stops = cleanup();

async function main() {
  const host = machine();
  const { client } = await startDatabaseClient(stops, "bench-retention");
  await seedTraces(client, traces, visitors);

  progress(`${turns.toLocaleString("en")} turns`);
  const started = performance.now();
  // question i of a random session, at a time spread evenly over 180 days, in time order
  await client.query(
    `insert into public.conversation_messages (session_id, user_id, role, content, created_at)
     select s.id, s.user_id, 'user', repeat('a question about tents ', 8), q.at
       from (select g, now() - interval '180 days' + interval '180 days' * (g::float8 / $1) as at,
                    1 + floor(random() * $2)::int as pick
               from generate_series(1, $1) g) q
       join (select id, user_id, row_number() over (order by id) as n from public.conversation_sessions) s on s.n = q.pick
      order by q.at`,
    [turns, traces],
  );
  await client.query(
    `insert into public.conversation_messages (session_id, user_id, role, content, reply_to, created_at)
     select m.session_id, m.user_id, 'agent', repeat('an answer with products ', 16), m.id, m.created_at + interval '2 seconds'
       from public.conversation_messages m where m.role = 'user' order by m.created_at`,
  );
  await client.query(
    `insert into public.llm_observations (trace_id, session_id, user_id, message_id, position, kind, name, started_at, ended_at,
                                          duration_ms, model, input_tokens, output_tokens, created_at)
     select t.id, m.session_id, m.user_id, m.id, 0, 'generation', 'model', m.created_at, m.created_at + interval '2 seconds',
            2000, 'offline', 400, 80, m.created_at + interval '2 seconds'
       from public.conversation_messages m join public.llm_traces t on t.session_id = m.session_id
      where m.role = 'user' order by m.created_at`,
  );
  await client.query("vacuum (analyze) public.conversation_messages, public.llm_observations");
  const loadSeconds = (performance.now() - started) / 1000;
  const { rows: [before] } = await client.query(
    `select (select count(*) from public.conversation_messages)::int as messages, (select count(*) from public.llm_observations)::int as observations,
            pg_relation_size('public.conversation_messages_created') / 1024 as brin_messages_kb,
            pg_relation_size('public.llm_observations_created') / 1024 as brin_observations_kb,
            pg_total_relation_size('public.conversation_messages') / 1048576 as messages_mb`,
  );

  await client.query("select public.configure_retention($1)", [days]);
  progress("catching up");
  const batches: { ms: number; messages: number; observations: number }[] = [];
  for (;;) {
    const t0 = performance.now();
    const { rows: [{ r }] } = await client.query("select public.apply_retention() as r");
    batches.push({ ms: performance.now() - t0, messages: r.messages_deleted, observations: r.observations_deleted });
    if (!r.more) break;
  }
  progress("steady state");
  const idle: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await client.query("select public.apply_retention()");
    idle.push(performance.now() - t0);
  }
  const { rows: [after] } = await client.query(
    `select (select count(*) from public.conversation_messages)::int as messages, (select count(*) from public.llm_observations)::int as observations,
            (select count(*) from public.conversation_messages where created_at < now() - make_interval(days => $1))::int as old_left,
            (select count(*) from public.llm_traces where conversation_removed_at is not null)::int as marked`,
    [days],
  );

  section("Machine and data");
  for (const [k, v] of Object.entries({ ...host, "load after": loadavg() })) console.log(`- ${k}: ${v}`);
  console.log(`- ${before.messages.toLocaleString("en")} messages and ${before.observations.toLocaleString("en")} steps over 180 days (${before.messages_mb} MB of messages with indexes), loaded in ${fmt(loadSeconds, 0)} s`);
  console.log(`- BRIN indexes on created_at: messages ${before.brin_messages_kb} kB, steps ${before.brin_observations_kb} kB`);
  section(`RETENTION_DAYS=${days}: catching up, then every minute`);
  const b = summarize(batches.map((x) => x.ms));
  const i = summarize(idle);
  console.log(
    table(["", "calls", "messages removed", "steps removed", "p50 ms", "max ms"], [
      ["catching up (batches of 10,000)", batches.length, batches.reduce((a, x) => a + x.messages, 0).toLocaleString("en"),
        batches.reduce((a, x) => a + x.observations, 0).toLocaleString("en"), fmt(b.p50), fmt(b.max)],
      ["nothing older than the limit", idle.length, 0, 0, fmt(i.p50), fmt(i.max)],
    ]),
  );
  console.log(`\n- after: ${after.messages.toLocaleString("en")} messages, ${after.observations.toLocaleString("en")} steps, ${after.old_left} messages older than the limit left, ${after.marked.toLocaleString("en")} traces marked conversation_removed_at`);
}

main()
  .then(() => stops.run())
  .catch(async (error) => {
    console.error(error);
    await stops.run();
    process.exit(1);
  });

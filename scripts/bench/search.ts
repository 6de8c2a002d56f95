// npm run bench:search — how trace search and the dashboard scale.
//
// Starts a throwaway PostgreSQL, migrates it, bulk-loads 1,000,000 realistic
// traces (and their sessions), then times each explorer query and the
// dashboard aggregates, one call at a time, a different parameter each time,
// and prints p50/p99 against the goals, with EXPLAIN (ANALYZE, BUFFERS) of the
// exact tag search, the slowest substring search and the slowest query.
//
// BENCH_TRACES (default 1000000; the load: scripts/bench/seed-traces.ts), BENCH_VISITORS (default 8000),
// BENCH_REPEAT (default 200 per query; the dashboard runs fewer), BENCH_MESSAGES (messages per trace for
// the content search, default 10: 10,000,000 at 1,000,000 traces; scripts/bench/seed-messages.ts),
// BENCH_MESSAGE_TRACES (the newest traces that get messages, default 1,000,000: 10,000,000 messages at
// 10,000,000 traces too), BENCH_CHECK=1: check after the load that every table equals what the triggers
// produce (scripts/bench/load-check.ts; for small sizes),
// BENCH_APPLY_SQL=a.sql[,b.sql]: after timing the migrated schema, apply these
// files to the same data and time again (before/after columns).
// BENCH_CASES=text: time only the cases whose name contains it (e.g. "content:" for the content search; a|b: either).
// Each case also reports its PostgreSQL backend's CPU per call (Linux), which the machine's load moves far
// less than the wall times: compare before and after by it on a busy machine.
// Also prints the table and index sizes per 1,000,000 traces.
import { readFileSync } from "node:fs";
import pg from "pg";
import { fmt, loadavg, machine, progress, section, summarize, table } from "./common";
import { postmasterPid, treeCpuMs } from "./cpu";
import { explainCall } from "./explain";
import { checkAgainstTriggers, reloadedTables } from "./load-check";
import { cases, sample, time, type Case, type Samples, type Timing } from "./search-cases";
import { seedScores } from "./seed-scores";
import { seedTraces } from "./seed-traces";
import { describeSettings, productionSettings, runBenchmark, startDatabaseClient, throwawaySettings, type Stops } from "./stack";

const traces = Number(process.env.BENCH_TRACES ?? 1_000_000);
const visitors = Number(process.env.BENCH_VISITORS ?? 8000);
const repeat = Number(process.env.BENCH_REPEAT ?? 200);
const messagesPerTrace = Number(process.env.BENCH_MESSAGES ?? 10);
const messageTraces = Number(process.env.BENCH_MESSAGE_TRACES ?? 1_000_000);
const applySql = (process.env.BENCH_APPLY_SQL ?? "").split(",").filter(Boolean);
const only = process.env.BENCH_CASES ?? "";

interface Result {
  c: Case;
  timings: Timing[];
  s: ReturnType<typeof summarize>;
  /** the backend's CPU ms per call (the unmeasured first call included), NaN off Linux */
  cpu: number;
}

/** CPU ms a PostgreSQL backend has used so far (/proc/<pid>/schedstat: nanoseconds on a CPU), NaN where unreadable. */
function backendCpuMs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
  } catch {
    return NaN;
  }
}

async function measure(client: pg.Client, samples: Samples, hasDashboard: boolean): Promise<Result[]> {
  const results: Result[] = [];
  const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
  for (const c of cases(samples, repeat, hasDashboard).filter((x) => only.split("|").some((o) => x.name.includes(o)))) {
    progress(c.name);
    const cpu0 = backendCpuMs(rows[0].pid);
    const timings = await time(client, c);
    const cpu = (backendCpuMs(rows[0].pid) - cpu0) / (timings.length + 1);
    results.push({ c, timings, s: summarize(timings.map((t) => t.ms)), cpu });
  }
  return results;
}

/** EXPLAIN of the parameter nearest each chosen case's p99: exact, the slowest substring, the slowest search, the slowest dashboard call. */
async function explainSlowest(url: string, results: Result[], label: string): Promise<string[]> {
  const nearP99 = (r: Result) => r.timings.reduce((a, t) => (Math.abs(t.ms - r.s.p99) < Math.abs(a.ms - r.s.p99) ? t : a));
  const slowest = (list: Result[]) => [...list].sort((a, b) => b.s.p99 - a.s.p99)[0];
  const searches = results.filter((r) => r.c.fn === "search_traces");
  const chosen = new Set(
    [
      searches.find((r) => r.c.name === "exact session tag"),
      slowest(searches.filter((r) => r.c.name.startsWith("substring"))),
      slowest(searches),
      slowest(searches.filter((r) => r.c.name.startsWith("content"))),
      slowest(results.filter((r) => r.c.fn !== "search_traces")),
    ].filter((r): r is Result => Boolean(r)),
  );
  const out: string[] = [];
  for (const r of chosen) {
    const t = nearP99(r);
    const plans = await explainCall(url, r.c.fn, t.args);
    out.push(`\n## EXPLAIN (ANALYZE, BUFFERS)${label}: ${r.c.name} — ${r.c.fn}(${JSON.stringify(t.args)}), ${fmt(t.ms)} ms when timed\n`);
    out.push("```\n" + plans.join("\n\n").trim() + "\n```");
  }
  return out;
}

async function main(stops: Stops) {
  const host = machine();
  const { postgres: server, dbUrl: url, client } = await startDatabaseClient(stops, "bench-search", { production: true });

  // wall time depends on what else the machine runs; PostgreSQL's CPU time for the load much less
  const pgPid = postmasterPid(server.dir);
  const loadStarted = performance.now();
  const loadCpu0 = treeCpuMs(pgPid);
  const check = process.env.BENCH_CHECK === "1"; // the scores come after the check (scripts/bench/load-only.ts)
  await seedTraces(client, traces, visitors, { perTrace: messagesPerTrace, maxTraces: messageTraces }, check ? undefined : { maxTraces: messageTraces });
  if (check) {
    await checkAgainstTriggers(client, reloadedTables);
    await seedScores(client, messageTraces);
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const loadCpuSeconds = (treeCpuMs(pgPid) - loadCpu0) / 1000;
  const { rows: facts } = await client.query(
    `select (select count(*) from public.llm_traces)::int as traces,
            (select count(distinct user_id) from public.llm_traces)::int as visitors,
            (select count(distinct session_tag) from public.llm_traces)::int as tags,
            (select max(c) from (select count(*) c from public.llm_traces group by session_tag) x)::int as most_shared_tag,
            (select max(c) from (select count(*) c from public.llm_traces group by user_id) x)::int as heaviest_visitor,
            pg_size_pretty(pg_table_size('public.llm_traces')) as table_size,
            pg_size_pretty(pg_indexes_size('public.llm_traces')) as index_size,
            current_setting('server_version') as version, (select count(*) from public.conversation_messages)::text as messages`,
  );
  const f = facts[0];
  const { rows: dash } = await client.query("select to_regproc('public.dashboard_stats') is not null as present");
  const hasDashboard = Boolean(dash[0].present);

  progress(`timing queries (${repeat} each)`);
  const samples = await sample(client, Math.max(repeat, 50));
  const before = await measure(client, samples, hasDashboard);
  const explains = await explainSlowest(url, before, applySql.length ? " before" : "");
  let after: Result[] | null = null;
  if (applySql.length) {
    for (const file of applySql) {
      progress(`applying ${file}`);
      await client.query(readFileSync(file, "utf8"));
    }
    await client.query("analyze public.llm_traces, public.session_tag_counters");
    after = await measure(client, samples, hasDashboard);
    explains.push(...(await explainSlowest(url, after, " after")));
  }

  section("Machine and data");
  for (const [k, v] of Object.entries({ ...host, "load after": loadavg() })) console.log(`- ${k}: ${v}`);
  console.log(`- postgres: ${f.version}, throwaway server with a production server's settings for this machine's size: ${Object.keys(productionSettings).join(", ")}; ` +
    `throwaway only: fsync, ${Object.keys(throwawaySettings).join(", ")} (scripts/bench/stack.ts). As run: ${await describeSettings(client)}`);
  console.log(`- loaded ${f.traces.toLocaleString("en")} traces (and sessions) of ${f.visitors.toLocaleString("en")} visitors and ${Number(f.messages).toLocaleString("en")} messages (on the newest ${Math.min(traces, messageTraces).toLocaleString("en")} traces) in ${fmt(loadSeconds, 0)} s (${fmt(loadSeconds / 60, 1)} min, goal at 10,000,000 traces ≤ 15 min), incl. index rebuilds, recounts, scores and VACUUM ANALYZE (PostgreSQL CPU ${fmt(loadCpuSeconds, 0)} s, all processes)`);
  console.log(`- llm_traces: table ${f.table_size}, indexes ${f.index_size}; ${f.tags.toLocaleString("en")} distinct tags; the most shared tag is on ${f.most_shared_tag} traces (one per visitor); the heaviest visitor has ${f.heaviest_visitor}`);
  if (!hasDashboard) console.log("- public.dashboard_stats does not exist in this schema: dashboard aggregates skipped");
  const { rows: rollup } = await client.query(
    "select to_regclass('public.dashboard_rollup') is not null as present",
  );
  if (rollup[0].present) {
    const { rows: r } = await client.query(
      `select (select count(*) from public.dashboard_rollup)::int as rollup, (select count(*) from public.dashboard_visitor_days)::int as visitor_days,
              (select count(*) from public.dashboard_visitors)::int as visitors,
              pg_size_pretty(pg_total_relation_size('public.dashboard_rollup') + pg_total_relation_size('public.dashboard_visitor_days')
                             + pg_total_relation_size('public.dashboard_visitors')) as size`,
    );
    console.log(`- dashboard rollup: ${r[0].rollup.toLocaleString("en")} rows, visitor days ${r[0].visitor_days.toLocaleString("en")}, visitors ${r[0].visitors.toLocaleString("en")} (${r[0].size} with indexes)`);
  }
  const { rows: scoreRollup } = await client.query("select to_regclass('public.dashboard_score_rollup') is not null as present");
  if (scoreRollup[0].present) {
    // the seed's bulk inserts went through the scores' statement triggers: the rollup must equal a recount
    const { rows: r } = await client.query(
      `select (select count(*) from public.scores where trace_id is not null)::int as scores, (select count(*) from public.dashboard_score_rollup)::int as rows,
              pg_size_pretty(pg_total_relation_size('public.dashboard_score_rollup')) as size,
              (select count(*) from (select * from public.dashboard_score_rollup except all select * from private.dashboard_score_rollup_of(null, null)
                                     union all
                                     select * from private.dashboard_score_rollup_of(null, null) except all select * from public.dashboard_score_rollup) x)::int as mismatches`,
    );
    console.log(`- dashboard score rollup: ${r[0].rows.toLocaleString("en")} rows for ${r[0].scores.toLocaleString("en")} trace scores (${r[0].size} with indexes), ${r[0].mismatches} rows differing from a recount`);
  }
  if (applySql.length) console.log(`- "after": the same data with ${applySql.join(", ")} applied`);

  section(`Table and index sizes (MB, and MB per 1,000,000 traces, at ${f.traces.toLocaleString("en")} traces)`);
  const { rows: sizes } = await client.query<{ name: string; rows: string; table_mb: number; index_mb: number }>(
    `select c.relname as name, c.reltuples::bigint::text as rows,
            pg_table_size(c.oid) / 1048576.0 as table_mb, pg_indexes_size(c.oid) / 1048576.0 as index_mb
       from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and c.relname in ('llm_traces', 'conversation_sessions', 'conversation_messages', 'session_tag_counters', 'dashboard_rollup', 'dashboard_visitor_days', 'dashboard_visitors')
      order by pg_total_relation_size(c.oid) desc`,
  );
  const perMillion = (mb: number) => fmt((mb * 1_000_000) / f.traces, 1);
  const total = sizes.reduce((a, r) => ({ t: a.t + Number(r.table_mb), i: a.i + Number(r.index_mb) }), { t: 0, i: 0 });
  console.log(
    table(
      ["table", "rows (estimate)", "table MB", "indexes MB", "table MB / 1M traces", "indexes MB / 1M traces", "total MB / 1M traces"],
      [
        ...sizes.map((r) => [r.name, Number(r.rows).toLocaleString("en"), fmt(Number(r.table_mb), 1), fmt(Number(r.index_mb), 1),
          perMillion(Number(r.table_mb)), perMillion(Number(r.index_mb)), perMillion(Number(r.table_mb) + Number(r.index_mb))]),
        ["all of the above", "", fmt(total.t, 1), fmt(total.i, 1), perMillion(total.t), perMillion(total.i), perMillion(total.t + total.i)],
      ],
    ),
  );

  section("Query latency (ms, client-side round trip over loopback, one at a time)");
  const final = after ?? before;
  const verdict = (r: Result) => (r.c.goal ? (r.s.p99 <= r.c.goal ? "met" : "MISSED") : "");
  console.log(
    table(
      after ? ["query", "n", "p50 before", "p99 before", "CPU/call before", "p50 after", "p99 after", "CPU/call after", "goal p99", "after"]
        : ["query", "n", "p50", "p99", "max", "CPU/call", "goal p99", ""],
      before.map((b, i) => {
        const a = final[i];
        const head = [b.c.name, b.s.n, fmt(b.s.p50), fmt(b.s.p99)];
        return after ? [...head, fmt(b.cpu), fmt(a.s.p50), fmt(a.s.p99), fmt(a.cpu), b.c.goal ? `≤ ${b.c.goal}` : "", verdict(a)]
          : [...head, fmt(b.s.max), fmt(b.cpu), b.c.goal ? `≤ ${b.c.goal}` : "", verdict(b)];
      }),
    ),
  );
  console.log(explains.join("\n"));

  section(`Goals (p99 at ${f.traces.toLocaleString("en")} traces${after ? ", after" : ""})`);
  for (const r of final.filter((r) => r.c.goal)) {
    console.log(`- ${r.c.name}: ${fmt(r.s.p99)} ms (goal ≤ ${r.c.goal} ms): ${verdict(r)}`);
  }
}

runBenchmark(main);

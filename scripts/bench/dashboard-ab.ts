// npx tsx scripts/bench/dashboard-ab.ts — the dashboard's ranges before and after dashboard_visitor_gaps
// on ONE data set (docs/performance.md, "Distinct visitors over any range"): seeds BENCH_TRACES traces of
// BENCH_VISITORS visitors (scripts/bench/seed-traces.ts, the gap counts kept by their trigger during the
// load), then times dashboard_stats over the bench:search ranges with private.dashboard_groups as it was
// (distinct visitors hashed from the visitor days: dashboard-visitors-before.sql) and as it is (the gap
// counts), alternated AB AB AB so a loaded machine's drift hits both alike, BENCH_REPEAT calls per range
// and leg; then EXPLAIN (ANALYZE, BUFFERS) of the 90-day window with each (BENCH_EXPLAIN_DIR, default /tmp).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fmt, loadavg, progress, summarize } from "./common";
import { postmasterPid, treeCpuMs } from "./cpu";
import { explainCall } from "./explain";
import { seedTraces } from "./seed-traces";
import { runBenchmark, startDatabaseClient, type Stops } from "./stack";

const traces = Number(process.env.BENCH_TRACES ?? 100_000);
const visitors = Number(process.env.BENCH_VISITORS ?? 4000);
const repeat = Number(process.env.BENCH_REPEAT ?? 20);
const explainDir = process.env.BENCH_EXPLAIN_DIR ?? "/tmp";
const DAY = 86_400_000;

/** One `create function` block of a schema file, as `create or replace`. */
function definition(file: string, start: string): string {
  const text = readFileSync(file, "utf8");
  const i = text.indexOf(start);
  return text.slice(i, text.indexOf("\n$$;\n", i) + 5).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION");
}

async function main(stops: Stops) {
  const { postgres, dbUrl, client } = await startDatabaseClient(stops, "bench-dashboard-ab");
  const pgPid = postmasterPid(postgres.dir);
  let t0 = performance.now();
  const cpu0 = treeCpuMs(pgPid);
  await seedTraces(client, traces, visitors);
  console.log(`- loaded ${traces} traces of ${visitors} visitors in ${fmt((performance.now() - t0) / 1000, 1)} s (PostgreSQL CPU ${fmt((treeCpuMs(pgPid) - cpu0) / 1000, 1)} s)`);
  const { rows: [sizes] } = await client.query(`select (select count(*) from public.dashboard_visitor_days)::int as days,
    (select count(*) from public.dashboard_visitor_gaps)::int as gaps, (select max(created_at) from public.llm_traces) as newest`);
  t0 = performance.now();
  await client.query("select public.dashboard_visitor_gaps_rebuild()");
  console.log(`- visitor days ${sizes.days}, gap rows ${sizes.gaps}; dashboard_visitor_gaps_rebuild() ${fmt(performance.now() - t0)} ms`);
  await client.query("analyze");

  const legs: [string, string][] = [
    ["before (visitor days)", readFileSync("scripts/bench/dashboard-visitors-before.sql", "utf8")],
    ["after (gap counts)", definition("supabase/schemas/10_dashboard_rollups.sql", "CREATE FUNCTION private.dashboard_groups(")],
  ];
  const newest = new Date(sizes.newest).getTime();
  const ago = (i: number, days: number) => new Date(newest - days * DAY - ((i * 7919) % DAY)).toISOString();
  const ranges: [string, (i: number) => Record<string, string>][] = [
    ["last 24 h", (i) => ({ p_from: ago(i, 1) })],
    ["last 7 days", (i) => ({ p_from: ago(i, 7) })],
    ["last 30 days", (i) => ({ p_from: ago(i, 30) })],
    ["a 30-day window, whole days", (i) => {
      const to = Math.floor(newest / DAY) * DAY - ((i * 13) % 120) * DAY;
      return { p_from: new Date(to - 30 * DAY).toISOString(), p_to: new Date(to).toISOString() };
    }],
    ["a 90-day window, partial edges", (i) => ({ p_from: ago(i, 120), p_to: ago(i, 30) })],
    ["all time", () => ({})],
  ];
  const ms = new Map<string, number[]>();
  const cpu = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    for (const [leg, sql] of legs) {
      await client.query(sql);
      for (const [name, args] of ranges) {
        progress(`${leg}, round ${round + 1}: ${name}`);
        const c0 = treeCpuMs(pgPid);
        for (let i = round * repeat; i < (round + 1) * repeat; i++) {
          const a = args(i);
          const started = performance.now();
          await client.query("select public.dashboard_stats(p_from => $1, p_to => $2)", [a.p_from ?? null, a.p_to ?? null]);
          const key = `${name}|${leg}`;
          ms.set(key, [...(ms.get(key) ?? []), performance.now() - started]);
        }
        cpu.set(`${name}|${leg}`, (cpu.get(`${name}|${leg}`) ?? 0) + treeCpuMs(pgPid) - c0);
      }
    }
  }
  console.log(`\nload average ${loadavg()}; ${3 * repeat} calls per range and leg (ms, client round trip; PostgreSQL CPU ms per call)\n`);
  console.log("| range | p50 before | p99 before | CPU before | p50 after | p99 after | CPU after | p50 ratio |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const [name] of ranges) {
    const [b, a] = legs.map(([leg]) => summarize(ms.get(`${name}|${leg}`)!));
    const [cb, ca] = legs.map(([leg]) => cpu.get(`${name}|${leg}`)! / (3 * repeat));
    console.log(`| ${name} | ${fmt(b.p50)} | ${fmt(b.p99)} | ${fmt(cb)} | ${fmt(a.p50)} | ${fmt(a.p99)} | ${fmt(ca)} | ${fmt(b.p50 / a.p50)}× |`);
  }
  for (const [leg, sql] of legs) {
    await client.query(sql);
    const plans = await explainCall(dbUrl, "dashboard_stats", ranges[4][1](0));
    const file = path.join(explainDir, `dashboard-ab-90d-${leg.split(" ")[0]}.txt`);
    writeFileSync(file, plans.join("\n\n"));
    console.log(`- EXPLAIN of the 90-day window, ${leg}: ${file}`);
  }
}

runBenchmark(main);

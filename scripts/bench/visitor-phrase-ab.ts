// npx tsx scripts/bench/visitor-phrase-ab.ts — content search narrowed to one visitor, before and after
// the migrations 20261211130000_content_search_visitor_walk, …130100_…_estimate and …130200_…_found, alternated on one
// loaded database (docs/performance.md,
// "Content search within one visitor"): the definitions of scripts/bench/content-visitor-before.sql and
// of the migrations are applied in turn, BENCH_ROUNDS (default 6) rounds of both, each round every case's
// calls once. Per case and variant: p50/p99 wall ms and the backend's CPU ms per call (Linux
// /proc/<pid>/schedstat, which the machine's load moves far less), and whether every answer (rows, order,
// cursors, has_more) was the same in both.
//
// The database: a kept one (scripts/bench/search-keep.ts; BENCH_KEEP_FILE, default
// /tmp/threadline-search-keep.json, or BENCH_DB_URL). Cases: the heaviest visitor with phrases it says fewer times than a page holds, the bench's three phrases, a
// word and a fragment, and bench:search's own "content + visitor" case (visitors sampled over traces).
// Each call is the explorer's first page (50 rows).
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import pg from "pg";
import { namedCall, type RpcArgs } from "../../lib/db/types";
import { fmt, loadavg, progress, summarize, table } from "./common";
import { treeCpuMs } from "./cpu";
import { cases, sample } from "./search-cases";

const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
// phrases the heaviest visitor says fewer times than a page holds (BENCH_PHRASES, "|"-separated: pick them for the data)
const phrases = (process.env.BENCH_PHRASES ?? '"warm jacket"|"damaged parcel"').split("|");
const benchPhrases = ['"broken stove"', '"refund tent"', '"late delivery"'];
const kept = process.env.BENCH_DB_URL ? null : JSON.parse(readFileSync(process.env.BENCH_KEEP_FILE ?? "/tmp/threadline-search-keep.json", "utf8"));
const url: string = process.env.BENCH_DB_URL ?? kept.url;
const postmaster: number = kept?.pid ?? NaN; // the whole server's CPU too (parallel workers included)
// BENCH_BEFORE (a file of the old definitions) and BENCH_AFTER (","-separated migrations) compare another change
// the same way (scripts/bench/visitor-walk-before.sql and 20261211170000_search_visitor_walk_keys: "The visitor's walk, index-only")
const variants = [
  ["before", readFileSync(process.env.BENCH_BEFORE ?? "scripts/bench/content-visitor-before.sql", "utf8")],
  ["after", (process.env.BENCH_AFTER ?? "20261211130000_content_search_visitor_walk,20261211130100_content_search_visitor_estimate,20261211130200_content_search_visitor_found")
    .split(",").map((m) => readFileSync(`supabase/migrations/${m}.sql`, "utf8")).join("\n")],
] as const;

function cpuMs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
  } catch {
    return NaN;
  }
}

async function main() {
  const client = new pg.Client({ connectionString: url, application_name: "bench-visitor-ab" });
  await client.connect();
  const { rows: [{ pid }] } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
  const { rows: [heavy] } = await client.query<{ user_id: string; n: number }>(
    "select user_id, count(*)::int as n from public.llm_traces group by user_id order by 2 desc limit 1");
  const { rows: [second] } = await client.query<{ user_id: string; n: number }>(
    "select user_id, count(*)::int as n from public.llm_traces group by user_id order by 2 desc offset 1 limit 1");
  const samples = await sample(client, 30);
  const benchCase = cases(samples, 30, false).find((c) => c.name.startsWith("content + visitor"))!;
  const list: { name: string; calls: RpcArgs[] }[] = [
    { name: `heaviest visitor (${heavy.n.toLocaleString("en")} traces), ${phrases.join(", ")}`,
      calls: phrases.map((q) => ({ p_q: q, p_user_id: heavy.user_id })) },
    { name: "heaviest visitor, bench:search's phrases", calls: benchPhrases.map((q) => ({ p_q: q, p_user_id: heavy.user_id })) },
    { name: "heaviest visitor, a word / a fragment", calls: ["refund", "lante"].map((q) => ({ p_q: q, p_user_id: heavy.user_id })) },
    // a code in no message (the planner's estimate of its `ilike` is thousands of messages: not counted)
    { name: `second heaviest visitor (${second.n.toLocaleString("en")} traces), a rare order code`,
      calls: ['"zx123456"', '"zx654321"', '"zx111111"'].map((q) => ({ p_q: q, p_user_id: second.user_id })) },
    { name: "bench:search's case: content + visitor (30 sampled)", calls: Array.from({ length: 30 }, (_, i) => benchCase.args(i)) },
    { name: "content: a phrase, no visitor", calls: benchPhrases.map((q) => ({ p_q: q })) },
  ];
  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const server = new Map<string, number>();
  const answers = new Map<string, unknown>();
  let differing = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [variant, sql] of round % 2 ? [...variants].reverse() : variants) {
      const a0 = performance.now();
      await client.query(sql);
      progress(`round ${round + 1}: ${variant} (applied in ${fmt(performance.now() - a0, 0)} ms), load ${loadavg()}`);
      for (const c of list) {
        const s0 = treeCpuMs(postmaster);
        for (const [i, args] of c.calls.entries()) {
          const { sql: call, params } = namedCall("search_traces", args);
          const c0 = cpuMs(pid);
          const t0 = performance.now();
          const { rows } = await client.query(call, params);
          const key = `${c.name}|${variant}`;
          wall.set(key, [...(wall.get(key) ?? []), performance.now() - t0]);
          cpu.set(key, [...(cpu.get(key) ?? []), cpuMs(pid) - c0]);
          const other = answers.get(`${c.name}|${i}`);
          if (other === undefined) answers.set(`${c.name}|${i}`, rows[0].result);
          else if (!isDeepStrictEqual(other, rows[0].result)) differing++;
        }
        server.set(`${c.name}|${variant}`, (server.get(`${c.name}|${variant}`) ?? 0) + treeCpuMs(postmaster) - s0);
      }
    }
  }
  await client.query(variants[1][1]); // leave the database as the migration has it
  console.log(`${rounds} rounds alternating before/after on one database, load after ${loadavg()}; answers differing between before and after: ${differing}`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(table(
    ["case", "calls", "p50 before", "p99 before", "CPU/call before", "p50 after", "p99 after", "CPU/call after", "CPU after / before", "server CPU/call before", "server CPU/call after"],
    list.map((c) => {
      const [b, a] = ["before", "after"].map((v) => summarize(wall.get(`${c.name}|${v}`)!));
      const [cb, ca] = ["before", "after"].map((v) => mean(cpu.get(`${c.name}|${v}`)!));
      const [sb, sa] = ["before", "after"].map((v) => server.get(`${c.name}|${v}`)! / b.n);
      return [c.name, b.n, fmt(b.p50), fmt(b.p99), fmt(cb), fmt(a.p50), fmt(a.p99), fmt(ca), fmt(ca / cb), fmt(sb), fmt(sa)];
    }),
  ));
  await client.end();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

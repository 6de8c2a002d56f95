// npx tsx scripts/bench/search-ab.ts — a before/after of the trace search's SQL on one loaded database:
// the search functions (public.search_traces and private.search_*) of supabase/schemas/04_traces_and_observations.sql
// as they are at AB_BEFORE (a git revision, default HEAD) and as they are in the working tree, applied in turn
// (create or replace) and timed alternately (AB AB …, AB_ROUNDS rounds, BENCH_REPEAT calls per case and
// leg), so a shared machine's drift hits both alike. Prints wall p50/p99 and the backend's CPU per call of
// each leg, and checks that both legs answer every call identically (the same JSON, whatever the order of an object's keys).
//
// BENCH_DB_URL: a database loaded by scripts/bench/search-keep.ts (bench:search's load, kept running; the url in its keep file);
// BENCH_CASES: the cases of scripts/bench/search-cases.ts whose name contains it (a|b: either).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import pg from "pg";
import { namedCall } from "../../lib/db/types";
import { fmt, loadavg, progress, summarize, table } from "./common";
import { cases, sample, type Case } from "./search-cases";

const url = process.env.BENCH_DB_URL;
const repeat = Number(process.env.BENCH_REPEAT ?? 100);
const rounds = Number(process.env.AB_ROUNDS ?? 3);
const only = process.env.BENCH_CASES ?? "exact|first page|substring 'hex_";
const file = "supabase/schemas/04_traces_and_observations.sql";

/** Every search function of the schema file, as `create or replace`. */
function searchFunctions(sql: string): string {
  const blocks = sql.match(/^create function (?:public\.search_traces|private\.search_\w+)\([\s\S]*?^\$\$;$/gim) ?? [];
  // dropped first: a leg may answer another type (jsonb before, json after) or lack a step
  const drops = ["public.search_traces(text, text, text, text, text, text, timestamptz, timestamptz, text, text, text, uuid, integer, text, boolean, numeric, text, text, text, numeric)",
    "private.search_rows(public.llm_traces[], text[], boolean)",
    "private.search_page(text, text, integer, text, text, text, text, text, text, timestamptz, timestamptz, text, uuid, text, boolean, numeric, text, text, text, numeric)"].map((f) => `drop function if exists ${f};`);
  return [...drops, ...blocks.map((b) => b.replace(/^create function/i, "create or replace function"))].join("\n\n");
}

/** JSON with every object's keys sorted: jsonb orders an object's keys, json keeps them as built. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

function backendCpuMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
}

async function main() {
  if (!url) throw new Error("BENCH_DB_URL: a database loaded by scripts/bench/search-keep.ts (the url in its keep file)");
  const before = searchFunctions(execFileSync("git", ["show", `${process.env.AB_BEFORE ?? "HEAD"}:${file}`], { encoding: "utf8" }));
  const after = searchFunctions(readFileSync(file, "utf8"));
  const client = new pg.Client({ connectionString: url, application_name: "bench-search-ab" });
  await client.connect();
  const { rows: [{ pid }] } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
  const samples = await sample(client, Math.max(repeat, 50));
  const chosen = cases(samples, repeat, false).filter((c) => only.split("|").some((o) => c.name.includes(o)));
  const legs = [["before", before], ["after", after]] as const;
  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const answers = new Map<string, string>();
  let differing = 0;
  const loadBefore = loadavg();
  for (let round = 0; round < rounds; round++) {
    for (const [leg, sql] of legs) {
      await client.query(sql);
      for (const c of chosen) {
        progress(`round ${round + 1}, ${leg}: ${c.name}`);
        const call = async (i: number) => {
          const { sql: q, params } = namedCall(c.fn, c.args(i));
          const t0 = performance.now();
          const { rows } = await client.query(q, params);
          const ms = performance.now() - t0;
          const text = canonical(rows[0].result);
          const key = `${c.name}#${i}`;
          const seen = answers.get(key);
          if (seen === undefined) answers.set(key, text);
          else if (seen !== text) differing++;
          return ms;
        };
        for (let w = 0; w < 3; w++) await call(w); // warm: the plan caches after the definitions changed
        const cpu0 = backendCpuMs(pid);
        const times: number[] = [];
        for (let i = 0; i < c.repeat; i++) times.push(await call(i));
        const k = `${c.name}\t${leg}`;
        wall.set(k, [...(wall.get(k) ?? []), ...times]);
        cpu.set(k, [...(cpu.get(k) ?? []), (backendCpuMs(pid) - cpu0) / c.repeat]);
      }
    }
  }
  await client.query(after);
  await client.end();
  const rowsOut = chosen.map((c) => {
    const s = (leg: string) => summarize(wall.get(`${c.name}\t${leg}`)!);
    const m = (leg: string) => cpu.get(`${c.name}\t${leg}`)!;
    const mean = (l: number[]) => l.reduce((a, b) => a + b, 0) / l.length;
    const [b, a] = [s("before"), s("after")];
    return [c.name, fmt(b.p50), fmt(b.p99), fmt(mean(m("before"))), fmt(a.p50), fmt(a.p99), fmt(mean(m("after"))),
      fmt(mean(m("after")) / mean(m("before")), 2), m("before").map((v) => fmt(v)).join(" "), m("after").map((v) => fmt(v)).join(" ")];
  });
  console.log(`\n${rounds} rounds × ${repeat} calls per case and leg, alternated; load ${loadBefore} before, ${loadavg()} after`);
  console.log(table(["case", "p50 before", "p99 before", "CPU/call before", "p50 after", "p99 after", "CPU/call after", "CPU after/before",
    "CPU per round before", "CPU per round after"], rowsOut));
  console.log(`answers compared: ${answers.size} distinct calls, ${differing} differing between the legs`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

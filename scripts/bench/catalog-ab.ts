// npx tsx scripts/bench/catalog-ab.ts — the catalog search before and after, alternated on one server
// (docs/performance.md, "Chat turns", "The catalog search and begin_turn"): one PostgreSQL, this tree's schema
// and seed, the plain search (tests/db/catalog-search-reference.sql: word_similarity on every product for every
// word the full text misses) created beside public.search_catalog. Each round runs both, alternating which goes
// first (AB BA AB), each for BENCH_SECONDS (default 3) on one client with the bench's wordings (scripts/bench/http.ts,
// as the offline model passes them: its content words, limit 3), a new wording each call. Reported per round and
// as medians: the backend's own CPU ms per call (/proc; no server background work) and calls/s. BENCH_ROUNDS (6).
import { readFileSync } from "node:fs";
import pg from "pg";
import { searchKeywords } from "../../lib/agents/keywords";
import { migratePostgres } from "../../lib/db/postgres-migrate";
import { createDatabase, startPostgres } from "../../tests/support/postgres";
import { fmt, loadavg, progress } from "./common";
import { workloadMessage } from "./http";

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 6);

function backendCpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

async function leg(c: pg.Client, pid: number, fn: string, start: number): Promise<{ cpu: number; rate: number }> {
  let n = 0;
  let i = start;
  const query = () => {
    let message = workloadMessage(i++);
    while (i % 4 === 0) message = workloadMessage(i++); // small talk makes no search
    return searchKeywords(message).join(" ");
  };
  for (let w = 0; w < 50; w++) await c.query(`select public.${fn}($1, 3)`, [query()]);
  const cpu0 = backendCpuMs(pid);
  const t0 = performance.now();
  while (performance.now() < t0 + seconds * 1000) {
    await c.query(`select public.${fn}($1, 3)`, [query()]);
    n++;
  }
  return { cpu: (backendCpuMs(pid) - cpu0) / n, rate: n / ((performance.now() - t0) / 1000) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  progress("starting PostgreSQL");
  const server = await startPostgres();
  try {
    const url = await createDatabase(server, "catalog_ab");
    await migratePostgres(url, { seed: true });
    const c = new pg.Client({ connectionString: url, application_name: "bench-catalog-ab" });
    await c.connect();
    await c.query(readFileSync("tests/db/catalog-search-reference.sql", "utf8"));
    const { rows: [{ pid }] } = await c.query("select pg_backend_pid() as pid");
    const legs = { before: "search_catalog_reference", after: "search_catalog" } as const;
    const results: Record<keyof typeof legs, { cpu: number; rate: number }[]> = { before: [], after: [] };
    const load0 = loadavg();
    for (let r = 0; r < rounds; r++) {
      const order = (r % 2 === 0 ? ["before", "after"] : ["after", "before"]) as (keyof typeof legs)[];
      for (const name of order) results[name].push(await leg(c, pid, legs[name], r * 100_000));
      progress(`round ${r + 1}: before ${fmt(results.before[r].cpu, 3)} ms, after ${fmt(results.after[r].cpu, 3)} ms per call`);
    }
    await c.end();
    const ratios = results.after.map((a, i) => a.cpu / results.before[i].cpu);
    console.log(`\nsearch_catalog, one client, ${rounds} alternated rounds of ${seconds} s, load ${load0} → ${loadavg()}\n`);
    console.log("| leg | backend CPU ms per call (rounds) | median | calls/s median |");
    console.log("|---|---|---:|---:|");
    for (const name of ["before", "after"] as const) {
      console.log(`| ${name} (${legs[name]}) | ${results[name].map((x) => fmt(x.cpu, 3)).join(", ")} | ${fmt(median(results[name].map((x) => x.cpu)), 3)} | ${fmt(median(results[name].map((x) => x.rate)), 0)} |`);
    }
    console.log(`\nafter ÷ before, median of the per-round ratios: ${fmt(median(ratios), 2)} (${ratios.filter((x) => x < 1).length} of ${rounds} rounds lower)`);
  } finally {
    server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

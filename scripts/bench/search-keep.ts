// npx tsx scripts/bench/search-keep.ts — bench:search's load (scripts/bench/seed-traces.ts) on a throwaway
// PostgreSQL with its production settings, then kept running until SIGINT/SIGTERM (then stopped and its
// data folder deleted), so cases and A/B comparisons (scripts/bench/visitor-phrase-ab.ts) can run on one
// database many times. Writes the database's URL and the postmaster's pid to BENCH_KEEP_FILE (default
// /tmp/threadline-search-keep.json). BENCH_TRACES, BENCH_VISITORS, BENCH_MESSAGES, BENCH_MESSAGE_TRACES
// as in scripts/bench/search.ts; BENCH_SHARED_BUFFERS (default 1GB: the machine is shared) replaces the
// production setting's 6 GB. PostgreSQL runs as its own daemon: when this script dies without its signal handler
// (SIGKILL, or the job of the shell that started it ending), the server stays up; stop it then by the pid in
// the keep file (`kill -INT <pid>`) and delete its folder (`dir`).
import { writeFileSync } from "node:fs";
import { fmt, loadavg } from "./common";
import { postmasterPid, treeCpuMs } from "./cpu";
import { seedTraces } from "./seed-traces";
import { runBenchmark, startDatabaseClient, type Stops } from "./stack";

const traces = Number(process.env.BENCH_TRACES ?? 1_000_000);
const visitors = Number(process.env.BENCH_VISITORS ?? 8000);
const perTrace = Number(process.env.BENCH_MESSAGES ?? 10);
const messageTraces = Number(process.env.BENCH_MESSAGE_TRACES ?? 1_000_000);
const keepFile = process.env.BENCH_KEEP_FILE ?? "/tmp/threadline-search-keep.json";

async function main(stops: Stops) {
  const { postgres, dbUrl, client } = await startDatabaseClient(stops, "bench-keep", { production: true });
  await client.query(`alter system set shared_buffers = '${process.env.BENCH_SHARED_BUFFERS ?? "1GB"}'`);
  await client.end();
  postgres.pause();
  postgres.resume();
  const pg = (await import("pg")).default;
  const loader = new pg.Client({ connectionString: dbUrl, application_name: "bench-keep" });
  await loader.connect();
  const pid = postmasterPid(postgres.dir);
  const t0 = performance.now();
  const cpu0 = treeCpuMs(pid);
  await seedTraces(loader, traces, visitors, { perTrace, maxTraces: messageTraces }, { maxTraces: messageTraces });
  const { rows: [f] } = await loader.query(
    `select (select count(*) from public.llm_traces)::int as traces, (select count(*) from public.conversation_messages)::int as messages,
            (select max(c) from (select count(*) c from public.llm_traces group by user_id) x)::int as heaviest`,
  );
  await loader.end();
  writeFileSync(keepFile, JSON.stringify({ url: dbUrl, pid, dir: postgres.dir }));
  console.log(`loaded ${f.traces} traces, ${f.messages} messages (heaviest visitor ${f.heaviest} traces) in ${fmt((performance.now() - t0) / 1000, 0)} s` +
    ` (PostgreSQL CPU ${fmt((treeCpuMs(pid) - cpu0) / 1000, 0)} s), load ${loadavg()}; kept at ${dbUrl} (postmaster ${pid}, ${postgres.dir}) until SIGTERM`);
  await new Promise(() => {}); // the signal handler of runBenchmark's cleanup stops the server
}

runBenchmark(main);

// npx tsx scripts/bench/load-only.ts — only bench:search's bulk load (scripts/bench/seed-traces.ts), timed:
// wall time, PostgreSQL CPU and the rate, at BENCH_TRACES (default 200,000) and BENCH_VISITORS (default
// traces / 125), on a throwaway PostgreSQL. For trying the loader at a size the machine allows.
import { progress } from "./common";
import { postmasterPid, treeCpuMs } from "./cpu";
import { seedTraces } from "./seed-traces";
import { runBenchmark, startDatabaseClient, type Stops } from "./stack";

const traces = Number(process.env.BENCH_TRACES ?? 200_000);
const visitors = Number(process.env.BENCH_VISITORS ?? Math.max(1, Math.round(traces / 125)));

async function main(stops: Stops) {
  const { postgres, client } = await startDatabaseClient(stops, "bench-load");
  const pgPid = postmasterPid(postgres.dir);
  const cpu0 = treeCpuMs(pgPid);
  const started = performance.now();
  await seedTraces(client, traces, visitors);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = (treeCpuMs(pgPid) - cpu0) / 1000;
  progress("done");
  console.log(`load of ${traces.toLocaleString("en")} traces (${visitors.toLocaleString("en")} visitors): ${seconds.toFixed(1)} s wall, ` +
    `${cpuSeconds.toFixed(1)} s PostgreSQL CPU, ${Math.round(traces / seconds).toLocaleString("en")} traces/s; ` +
    `at that rate 10,000,000 would take ${((10_000_000 / (traces / seconds)) / 60).toFixed(1)} min`);
}

runBenchmark(main);

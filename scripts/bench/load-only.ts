// npx tsx scripts/bench/load-only.ts — only bench:search's bulk load, timed per part: the traces
// (scripts/bench/seed-traces.ts), the messages (seed-messages.ts) and the scores (seed-scores.ts), each
// with its wall time and PostgreSQL CPU, at BENCH_TRACES (default 200,000), BENCH_VISITORS (default
// traces / 125), BENCH_MESSAGES (per trace, default 10) and BENCH_MESSAGE_TRACES (default 1,000,000:
// the newest traces that get messages), on a throwaway PostgreSQL with bench:search's settings
// (scripts/bench/stack.ts). For trying the loader at a size the machine allows.
//
// BENCH_CHECK=1 (the default up to 20,000 traces) also checks, before the scores, that every table
// equals what the app's triggers produce (scripts/bench/load-check.ts).
import { fmt, loadavg, progress } from "./common";
import { postmasterPid, treeCpuMs } from "./cpu";
import { checkAgainstTriggers, reloadedTables } from "./load-check";
import { seedScores } from "./seed-scores";
import { seedTraces } from "./seed-traces";
import { describeSettings, runBenchmark, startDatabaseClient, type Stops } from "./stack";

const traces = Number(process.env.BENCH_TRACES ?? 200_000);
const visitors = Number(process.env.BENCH_VISITORS ?? Math.max(1, Math.round(traces / 125)));
const perTrace = Number(process.env.BENCH_MESSAGES ?? 10);
const messageTraces = Number(process.env.BENCH_MESSAGE_TRACES ?? 1_000_000);
const check = (process.env.BENCH_CHECK ?? (traces <= 20_000 ? "1" : "0")) === "1";

async function main(stops: Stops) {
  const { postgres, client } = await startDatabaseClient(stops, "bench-load", { production: true });
  const pgPid = postmasterPid(postgres.dir);
  const loadBefore = loadavg();
  const parts: [string, number, number][] = [];
  const part = async (name: string, fn: () => Promise<unknown>) => {
    const cpu0 = treeCpuMs(pgPid);
    const t0 = performance.now();
    await fn();
    parts.push([name, (performance.now() - t0) / 1000, (treeCpuMs(pgPid) - cpu0) / 1000]);
  };
  // the check compares the loaded tables with a reload by the triggers, so the scores (inserted with every
  // trigger on either way) come after it; otherwise inside the load, as bench:search does
  const scores = check ? undefined : { maxTraces: messageTraces };
  await part(`sessions, traces, messages${scores ? " and scores" : ""}`, () => seedTraces(client, traces, visitors, { perTrace, maxTraces: messageTraces }, scores));
  let checked = "not run (BENCH_CHECK=1 runs it)";
  if (check) {
    checked = await checkAgainstTriggers(client, reloadedTables);
    await part("scores", () => seedScores(client, messageTraces));
  }
  progress("done");
  const { rows: [n] } = await client.query<{ messages: string }>("select count(*)::text as messages from public.conversation_messages");
  const wall = parts.reduce((a, p) => a + p[1], 0);
  const cpu = parts.reduce((a, p) => a + p[2], 0);
  console.log(`load of ${traces.toLocaleString("en")} traces (${visitors.toLocaleString("en")} visitors), ${Number(n.messages).toLocaleString("en")} messages:`);
  for (const [name, w, c] of parts) console.log(`- ${name}: ${fmt(w, 1)} s wall, ${fmt(c, 1)} s PostgreSQL CPU`);
  console.log(`- all: ${fmt(wall, 1)} s wall, ${fmt(cpu, 1)} s PostgreSQL CPU; load ${loadBefore} before, ${loadavg()} after`);
  console.log(`- check: ${checked}`);
  console.log(`- settings: ${await describeSettings(client)}`);
}

runBenchmark(main);

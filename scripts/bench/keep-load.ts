// npx tsx scripts/bench/keep-load.ts — bench:search's load (BENCH_TRACES, default 1,000,000) on a PostgreSQL
// that is left running afterwards: prints its URL, data folder and pid, for A/B runs on one database.
// Stop it with `pg_ctl -D <dir>/data stop` and delete the folder when done.
import { writeFileSync } from "node:fs";
import { progress } from "./common";
import { postmasterPid } from "./cpu";
import { seedTraces } from "./seed-traces";
import { startDatabaseClient } from "./stack";

const traces = Number(process.env.BENCH_TRACES ?? 1_000_000);
const visitors = Number(process.env.BENCH_VISITORS ?? 8000);
const messages = Number(process.env.BENCH_MESSAGES ?? 10);
const messageTraces = Number(process.env.BENCH_MESSAGE_TRACES ?? 1_000_000);

async function main() {
  const kept = { add: () => undefined, run: async () => undefined };
  const { postgres, dbUrl, client } = await startDatabaseClient(kept, "bench-keep", { production: true });
  const info = JSON.stringify({ dbUrl, dir: postgres.dir, pid: postmasterPid(postgres.dir) });
  writeFileSync(process.env.KEEP_INFO ?? "/tmp/keep-load.json", info);
  console.log(info);
  const t0 = performance.now();
  await seedTraces(client, traces, visitors, { perTrace: messages, maxTraces: messageTraces }, { maxTraces: messageTraces });
  progress(`loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  await client.end();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// npx tsx scripts/bench/prepared-ab.ts — the chat route's two calls through lib/db/postgres.ts with its calls
// as named prepared statements and unnamed (DATABASE_PREPARED_STATEMENTS=off), alternated on one database
// (docs/performance.md, "What the chat route adds over the floor"). One client, 256 continued sessions round
// robin; per leg: PostgreSQL CPU per turn (the backend's own, /proc) and this process's CPU per turn (the
// driver's work, as the server pays it). BENCH_SECONDS per leg (default 3), BENCH_ROUNDS (default 6).
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { createPostgresDatabase } from "../../lib/db/postgres";
import { migratePostgres } from "../../lib/db/postgres-migrate";
import { generationObservation } from "../../lib/chat/observations";
import { createDatabase, startPostgres } from "../../tests/support/postgres";
import { fmt, loadavg, progress } from "./common";
import { runBenchmark, type Stops } from "./stack";

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
const backendCpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, clock ticks of 10 ms
};
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(stops: Stops) {
  (process.env as Record<string, string>).NODE_ENV = "production"; // results unchecked, as in the server (lib/db/registry.ts)
  const server = await startPostgres();
  stops.add(() => server.stop());
  const url = await createDatabase(server, "prepared_ab");
  await migratePostgres(url, { seed: true });
  const legs = { prepared: createPostgresDatabase(url, { max: 1, prepared: true }), unnamed: createPostgresDatabase(url, { max: 1, prepared: false }) };
  for (const db of Object.values(legs)) stops.add(() => db.close());
  const setup = legs.unnamed;
  progress("256 continued sessions");
  const sessions: { userId: string; sessionId: string }[] = [];
  for (let i = 0; i < 256; i++) {
    const begun = await setup.rpc("begin_turn", { p_user_id: `prepared-ab-${i}`, p_message: "hello" });
    if (begun.status === "rate_limited" || begun.status === "retired") throw new Error(begun.status);
    sessions.push({ userId: `prepared-ab-${i}`, sessionId: begun.session.id });
  }
  let n = 0;
  const turn = async (db: typeof setup) => {
    const s = sessions[n++ % sessions.length];
    const begun = await db.rpc("begin_turn", {
      p_user_id: s.userId, p_message: `a warm jacket for the hike ${n}`, p_session_id: s.sessionId, p_default_agent: "product_recommendation",
      p_model_key: "offline", p_idle_minutes: 1440, p_rate_limit: 0, p_client_ip: "127.0.0.1", p_ip_rate_limit: 0, p_request_id: randomUUID(),
    });
    if (begun.status === "rate_limited" || begun.status === "retired" || !begun.user_message) throw new Error("no question stored");
    const now = Date.now();
    await db.rpc("finish_turn", {
      p_user_message_id: begun.user_message.id, p_content: "Here are three jackets that fit the hike.", p_metadata: { agent: "product_recommendation", buttons: [] },
      p_flows: null, p_input_tokens: 900, p_output_tokens: 40, p_latency_ms: 5, p_partial: false, p_handoff: null,
      p_observations: [generationObservation({ start: now - 5, end: now, agent: "product_recommendation", model: "offline", inputTokens: 900, outputTokens: 40, cachedInputTokens: 0, timeToFirstTokenMs: 1, finishReason: "stop" })],
    });
  };
  const leg = async (db: typeof setup) => {
    const pid = Number((await db.pool.query("select pg_backend_pid() as pid")).rows[0].pid);
    for (let i = 0; i < 50; i++) await turn(db); // warm: statements prepared, caches filled
    const [pg0, me0, t0] = [backendCpuMs(pid), selfCpuMs(), performance.now()];
    let turns = 0;
    while (performance.now() - t0 < seconds * 1000) {
      await turn(db);
      turns++;
    }
    return { pg: (backendCpuMs(pid) - pg0) / turns, node: (selfCpuMs() - me0) / turns, tps: turns / ((performance.now() - t0) / 1000) };
  };
  const results: Record<keyof typeof legs, { pg: number; node: number; tps: number }[]> = { prepared: [], unnamed: [] };
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? (["unnamed", "prepared"] as const) : (["prepared", "unnamed"] as const)) {
      progress(`round ${r + 1}: ${name}`);
      results[name].push(await leg(legs[name]));
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`\nload ${loadavg()}; ${rounds} alternated rounds of ${seconds} s, 1 client, begin_turn + finish_turn (one generation step)\n`);
  console.log("| calls | PostgreSQL CPU ms/turn (median; rounds) | client CPU ms/turn (median) | turns/s (median) |\n|---|---|---:|---:|");
  for (const [name, rs] of Object.entries(results)) {
    console.log(`| ${name} | ${fmt(med(rs.map((x) => x.pg)), 3)} (${rs.map((x) => fmt(x.pg, 2)).join(", ")}) | ${fmt(med(rs.map((x) => x.node)), 3)} | ${fmt(med(rs.map((x) => x.tps)), 0)} |`);
  }
}

runBenchmark(main);

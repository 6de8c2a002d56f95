// npm run bench — what persistence and tracing cost per chat turn.
//
// Builds when needed, starts a throwaway PostgreSQL, migrates it, starts the
// production server (offline model, THREADLINE_BENCH=1) and drives it over
// loopback with autocannon from this process: the no-database baseline route, the floor (the chat
// route without Threadline: the AI SDK tool loop on an in-memory catalog, lib/chat/floor.ts),
// chat turns continuing sessions, turns starting new sessions (new visitors),
// and agent switches, each at 1, 8 and 32 connections, bounded in time; then the
// peer scenario (vercel/ai-chatbot's statements per turn, scripts/bench/peer.ts)
// next to Threadline's two SQL calls, through the same driver, each storing the turn's three steps
// (BENCH_STEPS=0: without them, as before 2026-12-07 evening), and the HTTP turn's own calls without
// HTTP (route-turn.ts: its catalog searches, its steps, the widget's clientMessageId).
// Round trips per turn are counted by pg_stat_statements; pgbench on the same
// server gives the reference. Prints Markdown tables; stops everything itself.
//
// BENCH_SECONDS (default 10) per scenario, BENCH_CONNECTIONS (default 1,8,32), BENCH_EVALUATORS=1 to
// attach every evaluator but expected_tool_calls to every agent at sample rate 1 (online evaluation on:
// each new trace queues its jobs in finish_turn and the app's poller grades them during the runs),
// BENCH_SKIP_BUILD=1 to use the existing .next build as is, BENCH_CPU_PROFILE=<dir>
// to write the server's V8 CPU profile there (summarize: tsx scripts/bench/profile.ts <file>; the
// scenarios' time windows go to <dir>/windows.json, so profile.ts can split the profile per scenario),
// BENCH_SCENARIOS=continue,… to run only those chat scenarios (the baseline and the floor always run),
// BENCH_PEER=0 to skip the statements-only comparison, the SQL profile and pgbench.
import { mkdirSync, writeFileSync } from "node:fs";
import type { Request } from "autocannon";
import pg from "pg";
import { createDatabase } from "../../tests/support/postgres";
import { report, scenarios, type PeerRow, type Row, type Scenario } from "./chat-report";
import { loadavg, machine, progress } from "./common";
import { measureCpu, postmasterPid } from "./cpu";
import { continueRequests, createSessions, floorRequests, load, newSessionRequests, newVisitor, pingRequests, switchRequests } from "./http";
import { peerTurn, preparePeer, runTurns, sampleSizes, threadlineTurn } from "./peer";
import { pgbench, pgbenchInit, type PgbenchResult } from "./pgbench";
import { Monitor } from "./roundtrips";
import { httpShapes, routeTurn } from "./route-turn";
import { profileTurn } from "./sql-profile";
import { runBenchmark, startStack, type Stops } from "./stack";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connectionsList = (process.env.BENCH_CONNECTIONS ?? "1,8,32").split(",").map(Number);
const only = process.env.BENCH_SCENARIOS?.split(",").map((s) => s.trim());
const chosen = scenarios.filter((s) => !only || s === "baseline" || s === "floor" || only.includes(s));
const withPeer = process.env.BENCH_PEER !== "0";

async function main(stops: Stops) {
  const host = machine();
  const { postgres: server, dbUrl, app, secret } = await startStack(stops, { THREADLINE_BENCH: "1" }, {
    nodeOptions: process.env.BENCH_CPU_PROFILE ? `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}` : "",
  });
  const monitor = await Monitor.connect(dbUrl);
  stops.add(() => monitor.close());
  if (process.env.BENCH_EVALUATORS === "1") {
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    await client.query(`insert into public.agent_evaluators (agent_key, evaluator_id, sample_rate, created_by)
                        select a.key, e.id, 1, 'bench' from public.agents a, public.evaluators e
                         where not e.archived and e.name <> 'expected_tool_calls'`);
    await client.end();
    progress("online evaluation on: every evaluator but expected_tool_calls attached to every agent at sample rate 1");
  }
  const ping = await fetch(`${app.url}/api/bench/ping`);
  if (!ping.ok) throw new Error(`GET /api/bench/ping answered ${ping.status}: rebuild (the build predates the route)`);
  const floor = await fetch(`${app.url}/api/bench/floor`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "a light tent" }) });
  if (!floor.ok) throw new Error(`POST /api/bench/floor answered ${floor.status}: rebuild (the build predates the route)`);

  const maxConnections = Math.max(...connectionsList);
  const continuePool = Array.from({ length: Math.max(256, maxConnections * 8) }, () => newVisitor(secret));
  const switchPool = Array.from({ length: continuePool.length }, () => newVisitor(secret));
  progress(`creating ${continuePool.length * 2} visitors' sessions`);
  await createSessions(app.url, continuePool);
  await createSessions(app.url, switchPool);

  const requestsFor = (s: Scenario): Request[] =>
    s === "baseline" ? pingRequests()
    : s === "floor" ? floorRequests()
    : s === "continue" ? continueRequests(continuePool)
    : s === "new session" ? newSessionRequests(secret)
    : switchRequests(switchPool);

  progress("warming up (3 s per scenario, not reported)");
  for (const s of chosen) await load(app.url, 8, 3, requestsFor(s));

  const pgPid = postmasterPid(server.dir);
  const rows: Row[] = [];
  // each scenario's window on the monotonic clock V8's profiler stamps its samples with (µs)
  const micros = () => Number(process.hrtime.bigint() / 1000n);
  const windows: { scenario: Scenario; connections: number; startUs: number; endUs: number; requests: number }[] = [];
  for (const connections of connectionsList) {
    for (const scenario of chosen) {
      progress(`${scenario} × ${connections} connections, ${seconds} s`);
      const before = await monitor.reset();
      const startUs = micros();
      const { result: http, ...cpu } = await measureCpu(app.pid, pgPid, () => load(app.url, connections, seconds, requestsFor(scenario)));
      windows.push({ scenario, connections, startUs, endUs: micros(), requests: http.ok + http.failed });
      rows.push({ scenario, connections, http, cpu, db: await monitor.read(before) });
    }
  }
  if (process.env.BENCH_CPU_PROFILE) mkdirSync(process.env.BENCH_CPU_PROFILE, { recursive: true });
  if (process.env.BENCH_CPU_PROFILE) writeFileSync(`${process.env.BENCH_CPU_PROFILE}/windows.json`, JSON.stringify(windows, null, 1));
  const pgVersion = await monitor.serverVersion();
  const loadAfterHttp = loadavg();
  await app.stop();
  if (!withPeer) {
    report({ ...host, "load after the HTTP runs": loadAfterHttp, postgres: pgVersion }, rows, []);
    return;
  }

  // The peer's statements and Threadline's two calls, SQL only, same driver, same message sizes.
  progress("peer scenario: vercel/ai-chatbot's statements per turn, on its own schema");
  const sizes = await sampleSizes(dbUrl);
  const peerUrl = await createDatabase(server, "chatbot");
  const chats = await preparePeer(peerUrl, continuePool.length, sizes);
  const sessions = continuePool.map((v) => ({ userId: v.id, sessionId: v.sessionId! }));
  const shapes = await httpShapes(dbUrl);
  const peerRows: PeerRow[] = [];
  for (const clients of connectionsList) {
    for (const [name, url, turn] of [
      ["vercel/ai-chatbot (indexed)", peerUrl, peerTurn(chats, sizes, false)],
      ["vercel/ai-chatbot + trace upsert", peerUrl, peerTurn(chats, sizes, true)],
      ["Threadline, begin_turn + finish_turn", dbUrl, threadlineTurn(sessions, sizes)],
      // not the peer comparison's turn: the HTTP turn's own calls without HTTP (route-turn.ts), so the gap
      // between the HTTP turn's PostgreSQL CPU and the replay's splits into its work and its being over HTTP
      ["the route's calls, no HTTP (Threadline)", dbUrl, routeTurn(sessions, shapes)],
    ] as const) {
      progress(`${name} × ${clients} clients, ${seconds} s`);
      peerRows.push({ name, clients, ...(await runTurns(url, clients, seconds, pgPid, turn)) });
    }
  }

  progress(`where a turn's database time goes: Threadline's two calls at 1 client, ${seconds} s, every statement tracked`);
  const profile = await profileTurn(dbUrl, seconds, pgPid, threadlineTurn(sessions, sizes));

  progress("pgbench (scale 10)");
  const pgbenchUrl = await createDatabase(server, "pgbench");
  pgbenchInit(pgbenchUrl, 10);
  const reference: PgbenchResult[] = [
    pgbench(pgbenchUrl, "select-only (-S)", 1, seconds, ["-S"]),
    pgbench(pgbenchUrl, "select-only (-S)", 8, seconds, ["-S"]),
    pgbench(pgbenchUrl, "tpcb-like", 8, seconds),
  ];

  report(
    {
      ...host,
      "load after the HTTP runs": loadAfterHttp,
      postgres: `${pgVersion} (throwaway server: fsync=off, default shared_buffers)`,
      method: `${seconds} s per scenario after a 3 s warm-up; server, PostgreSQL and load generator share the machine`,
    },
    rows,
    reference,
    peerRows,
    profile,
  );
}

runBenchmark(main);

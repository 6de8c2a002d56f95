// npx tsx scripts/bench/turn-waits.ts — where 8 concurrent turns' backends spend their time (docs/performance.md,
// "Chat turns", "Do concurrent turns wait on shared rows?"): the statements-only replay of scripts/bench/peer.ts
// (a continued turn with its three steps, and a new visitor's first turn) on 8 connections, while one more
// connection samples pg_stat_activity every TURN_WAITS_EVERY_MS (default 2) ms: each bench backend is running
// (active, no wait event: on a CPU or waiting for one), waiting on a Lock (tuple / transactionid: a row another
// turn holds until its commit; the table from the tuple lock it holds or waits for), on an LWLock or IO, or idle
// (its client's side of the turn). Printed per leg: turns/s without sampling, then the shares of the samples and
// which tables and statements the lock waits were on. BENCH_SECONDS per leg (default 6), BENCH_ROUNDS (default 2).
import { readFileSync } from "node:fs";
import pg from "pg";
import { migratePostgres } from "../../lib/db/postgres-migrate";
import { createDatabase, startPostgres } from "../../tests/support/postgres";
import { fmt, loadavg, progress } from "./common";
import { postmasterPid } from "./cpu";
import { catalogTool, replaySteps, runTurns, threadlineTurn, turnSteps, type Turn, type TurnSizes } from "./peer";
import { runBenchmark, type Stops } from "./stack";

const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const every = Number(process.env.TURN_WAITS_EVERY_MS ?? 2);
const sizes: TurnSizes = {
  userMessages: ["I need a light tent for the trip", "thanks!", "a warm waterproof jacket for the hike", "what about boots?"],
  reply: "Here are three tents that fit a light trip: the Ridge 2 (1.4 kg), the Alpine Pass (1.1 kg) and the Trail Lite (0.9 kg). "
    + "Each packs small and sets up in minutes; the Trail Lite is the lightest, the Ridge 2 the roomiest.",
  replyMetadata: { agent: "product_recommendation", agent_version: 1, buttons: [{ label: "Compare", action: { id: "compare", payload: { ids: [1, 2, 3] } } }] },
};

async function sessionsOf(url: string, count = 256): Promise<{ userId: string; sessionId: string }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const sessions = [];
    for (let i = 0; i < count; i++) {
      const userId = `bench-waits-${i}`;
      const { rows } = await client.query("select public.begin_turn(p_user_id => $1, p_message => 'hello') as r", [userId]);
      await client.query("select public.finish_turn(p_user_message_id => $1, p_content => 'Hi!')", [rows[0].r.user_message.id]);
      sessions.push({ userId, sessionId: rows[0].r.session.id as string });
    }
    await client.query("analyze");
    return sessions;
  } finally {
    await client.end();
  }
}

function newVisitorTurn(tag: string): Turn {
  return async (c, i) => {
    const { rows } = await c.query("select public.begin_turn(p_user_id => $1, p_message => $2) as result", [`new-${tag}-${i}`, sizes.userMessages[0]]);
    await c.query(
      "select public.finish_turn(p_user_message_id => $1, p_content => $2, p_metadata => $3, p_input_tokens => $4, p_output_tokens => $5, p_latency_ms => $6, p_observations => $7) as result",
      [rows[0].result.user_message.id, sizes.reply, JSON.stringify(sizes.replyMetadata), 412, 96, 250, JSON.stringify(replaySteps ? turnSteps(sizes, i) : [])],
    );
    return 2;
  };
}

type Tally = Map<string, number>;
const bump = (t: Tally, k: string, n = 1) => t.set(k, (t.get(k) ?? 0) + n);

/** Samples the bench backends until `done` resolves. */
async function sample(url: string, done: Promise<unknown>) {
  const c = new pg.Client({ connectionString: url, application_name: "bench-sampler" });
  await c.connect();
  const states: Tally = new Map();
  const lockTables: Tally = new Map();
  const lockQueries: Tally = new Map();
  let samples = 0;
  let finished = false;
  void done.then(() => (finished = true));
  try {
    while (!finished) {
      const { rows } = await c.query(
        `select a.pid, a.state, a.wait_event_type as type, a.wait_event as event, left(a.query, 30) as query,
                case when a.wait_event_type = 'Lock' then
                  (select string_agg(distinct l.relation::regclass::text, ',') from pg_locks l where l.pid = a.pid and l.locktype = 'tuple')
                end as tuple_table,
                case when a.wait_event_type = 'Lock' then
                  (select string_agg(distinct coalesce(b.wait_event, 'running') || ':' || left(b.query, 30), ',')
                     from pg_stat_activity b where b.pid = any (pg_blocking_pids(a.pid)))
                end as blockers
           from pg_stat_activity a where a.application_name = 'bench-peer'`,
      );
      samples++;
      for (const r of rows) {
        const key = r.state !== "active" ? `idle (${r.state})` : r.type ? `${r.type}:${r.event}` : "running (CPU or run queue)";
        bump(states, key);
        if (r.type === "Lock") {
          bump(lockTables, `${r.event} on ${r.tuple_table ?? "(no tuple lock: a unique-index insert or the xid itself)"}`);
          bump(lockQueries, `${r.query.trim()} ← ${r.blockers ?? "?"}`);
        }
      }
      await new Promise((res) => setTimeout(res, every));
    }
  } finally {
    await c.end();
  }
  return { samples, states, lockTables, lockQueries };
}

function print(title: string, t: Tally) {
  const total = [...t.values()].reduce((a, b) => a + b, 0);
  console.log(`  ${title} (${total} backend samples)`);
  for (const [k, n] of [...t.entries()].sort((a, b) => b[1] - a[1])) console.log(`    ${fmt((100 * n) / total, 1)} %\t${k}`);
}

async function main(stops: Stops) {
  progress("starting PostgreSQL");
  const server = await startPostgres();
  stops.add(() => server.stop());
  const pgPid = postmasterPid(server.dir);
  const url = await createDatabase(server, "waits");
  await migratePostgres(url, { seed: true });
  sizes.tool = await catalogTool(url);
  const sessions = await sessionsOf(url);
  if (process.env.TURN_WAITS_LOG === "1") {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query("alter database waits set log_lock_waits = on");
    await c.query("alter database waits set deadlock_timeout = '2ms'");
    await c.end();
  }
  // TURN_WAITS_VARIANTS="name=file.sql,name=file.sql": each leg runs on each variant in turn (its SQL applied
  // first, e.g. triggers disabled or enabled: a diagnostic of what the waits cost), alternating which goes first
  const variants = (process.env.TURN_WAITS_VARIANTS ?? "as migrated=").split(",").map((v) => {
    const [name, file] = v.split("=");
    return { name, setup: file ? readFileSync(file, "utf8") : "" };
  });
  console.log(`load before: ${loadavg()}`);
  const legs: { name: string; turn: (round: number) => Turn }[] = [
    { name: "continued ×8", turn: () => threadlineTurn(sessions, sizes) },
    { name: "new visitor ×8", turn: (tag) => newVisitorTurn(`r${tag}`) },
  ];
  for (let round = 0; round < rounds; round++) {
    for (const leg of legs) {
      for (const [k, v] of (round % 2 === 0 ? variants : [...variants].reverse()).entries()) {
        if (v.setup) {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query(v.setup);
          await c.end();
        }
        const tag = (round * variants.length + k) * 2;
        progress(`round ${round + 1}: ${leg.name} on ${v.name}, ${seconds} s without sampling`);
        const plain = await runTurns(url, 8, seconds, pgPid, leg.turn(tag));
        progress(`round ${round + 1}: ${leg.name} on ${v.name}, ${seconds} s sampled`);
        const run = runTurns(url, 8, seconds, pgPid, leg.turn(tag + 1));
        const s = await sample(url, run);
        const sampled = await run;
        console.log(`\n${leg.name} on ${v.name}, round ${round + 1} (load ${loadavg()}): ${fmt(plain.turnsPerSecond, 0)} turns/s, server CPU ${fmt(plain.pgCpuMsPerTurn, 3)} ms/turn, p50 ${fmt(plain.p50, 2)} ms`
          + `; sampled: ${fmt(sampled.turnsPerSecond, 0)} turns/s, ${s.samples} samples`);
        print("backend states", s.states);
        if (s.lockTables.size) print("lock waits by table", s.lockTables);
        if (s.lockQueries.size && process.env.TURN_WAITS_BLOCKERS === "1") print("lock waits by waiter ← blocker", s.lockQueries);
      }
    }
  }
  console.log(`\nload after: ${loadavg()}`);
  if (process.env.TURN_WAITS_LOG === "1") printLoggedWaits(`${server.dir}/log`);
}

/** TURN_WAITS_LOG=1 (log_lock_waits with deadlock_timeout 2 ms: a diagnostic, it slows the turns): the lock
 * waits the server logged, by the statement that waited (its PL/pgSQL function and line). */
function printLoggedWaits(file: string) {
  const lines = readFileSync(file, "utf8").split("\n");
  const t: Tally = new Map();
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].includes("still waiting for")) continue;
    const m = lines[i].match(/still waiting for (\S+) on (tuple|transaction|relation|advisory lock|\S+)/);
    const lock = m ? `${m[1]} on ${m[2]}` : "?";
    let where = "";
    for (let j = i + 1; j < Math.min(i + 12, lines.length); j++) {
      const m = lines[j].match(/(PL\/pgSQL function [^ (]+\([^)]*\) line \d+|SQL function "[^"]+")/);
      if (m) { where = `${where}${where ? " < " : ""}${m[1].replace(/\(.*\)/, "")}`; if (where.split(" < ").length >= 2) break; }
    }
    bump(t, `${lock.slice(0, 40)} at ${where}`);
  }
  print("lock waits logged (over 2 ms)", t);
}

runBenchmark(main);

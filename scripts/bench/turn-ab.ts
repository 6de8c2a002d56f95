// BENCH_BASE_ROOT=<folder holding a base commit's supabase/> npx tsx scripts/bench/turn-ab.ts — the turn's SQL
// before and after a change, statements only (docs/performance.md, "Chat turns", "What a turn costs PostgreSQL"):
// one PostgreSQL server, one database migrated from the base's migrations and one from this tree's, and the
// peer's (vercel/ai-chatbot, scripts/bench/peer.ts) beside them. Or TURN_AB_SQL_A / TURN_AB_SQL_B: two SQL files
// (a function's old and new definitions) applied in turn to this tree's database before each of their legs.
// Each round runs every leg on both, alternating which goes first (AB BA AB), so a shared machine's drift hits
// both alike; reported per leg: PostgreSQL CPU ms per turn (1 client: the backend's own CPU; 8: the server's
// process tree) and turns/s, each round's figure and the median, and at 1 client the function clocks
// (track_functions = all) of begin_turn, finish_turn and TURN_AB_FUNCS (comma-separated names), ms per turn.
// Legs: a continued turn (Threadline's two calls as scripts/bench/peer.ts replays them, with the turn's three
// steps: two generations and a search_catalog call whose result comes from this tree's catalog; the peer stores
// the same in its message parts) at 1 and 8 clients, the same without steps at 1 client, a new visitor's first
// turn (a new session and trace, with its steps) at 1 client; BENCH_LEGS picks some, BENCH_PEER=0 leaves the
// peer out, BENCH_STEPS=0 replays every leg without steps (the older figures). BENCH_SECONDS per leg (default 4),
// BENCH_ROUNDS (default 3). TURN_AB_PROFILE=1 prints this tree's profile at 1 client instead
// (scripts/bench/sql-profile.ts; TURN_AB_PROFILE_TURN=new: a new visitor's first turn, =known: a known visitor's new
// session after an idle one, =nosteps: without steps).
// Make the base folder with: git archive <commit> supabase | tar -x -C <folder>.
import { readFileSync } from "node:fs";
import pg from "pg";
import { migratePostgres } from "../../lib/db/postgres-migrate";
import { createDatabase, startPostgres } from "../../tests/support/postgres";
import { fmt, loadavg, progress } from "./common";
import { postmasterPid } from "./cpu";
import { catalogTool, peerTurn, preparePeer, replaySteps, runTurns, threadlineTurn, turnSteps, type Turn, type TurnSizes } from "./peer";
import { profileTurn } from "./sql-profile";
import { runBenchmark, type Stops } from "./stack";

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const sessionsCount = 256;
const sizes: TurnSizes = {
  userMessages: ["I need a light tent for the trip", "thanks!", "a warm waterproof jacket for the hike", "what about boots?"],
  reply: "Here are three tents that fit a light trip: the Ridge 2 (1.4 kg), the Alpine Pass (1.1 kg) and the Trail Lite (0.9 kg). "
    + "Each packs small and sets up in minutes; the Trail Lite is the lightest, the Ridge 2 the roomiest.",
  replyMetadata: { agent: "product_recommendation", agent_version: 1, buttons: [{ label: "Compare", action: { id: "compare", payload: { ids: [1, 2, 3] } } }] },
};

async function migrated(server: Awaited<ReturnType<typeof startPostgres>>, name: string, root?: string): Promise<string> {
  const url = await createDatabase(server, name);
  const before = process.env.THREADLINE_ROOT;
  if (root) process.env.THREADLINE_ROOT = root;
  try {
    await migratePostgres(url, { seed: true });
    await exec(url, `alter database ${pg.escapeIdentifier(name)} set track_functions = 'all'`);
  } finally {
    if (root) {
      if (before === undefined) delete process.env.THREADLINE_ROOT;
      else process.env.THREADLINE_ROOT = before;
    }
  }
  return url;
}

/** One continued session per visitor, each with one earlier exchange (as the bench's continued sessions), its steps
 * stored as a chat turn stores them: analyzed with none, llm_observations looked empty to the planner, and each
 * backend kept a sequential scan for the steps' parent-key check (0.7 ms per turn once thousands of steps were in). */
async function sessionsOf(url: string): Promise<{ userId: string; sessionId: string }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const sessions = [];
    for (let i = 0; i < sessionsCount; i++) {
      const userId = `bench-ab-${i}`;
      const { rows } = await client.query("select public.begin_turn(p_user_id => $1, p_message => 'hello') as r", [userId]);
      await client.query("select public.finish_turn(p_user_message_id => $1, p_content => 'Hi!', p_observations => $2)",
        [rows[0].r.user_message.id, JSON.stringify(replaySteps && sizes.tool ? turnSteps(sizes, i) : [])]);
      sessions.push({ userId, sessionId: rows[0].r.session.id as string });
    }
    await client.query("analyze");
    return sessions;
  } finally {
    await client.end();
  }
}

/** A new visitor's first turn: begin_turn opens their session and trace, finish_turn stores the reply (and its steps).
 * With `known`, a known visitor's new session instead: one of the 256 visitors comes back after their session went
 * idle (p_idle_minutes 0: begin_turn closes it and starts the next, the same day, so no new visitor day). */
function newVisitorTurn(tag: string, known?: { userId: string }[]): Turn {
  return async (c, i) => {
    const { rows } = known
      ? await c.query("select public.begin_turn(p_user_id => $1, p_message => $2, p_idle_minutes => 0) as result", [known[i % known.length].userId, sizes.userMessages[0]])
      : await c.query("select public.begin_turn(p_user_id => $1, p_message => $2) as result", [`new-${tag}-${i}`, sizes.userMessages[0]]);
    await c.query(
      "select public.finish_turn(p_user_message_id => $1, p_content => $2, p_metadata => $3, p_input_tokens => $4, p_output_tokens => $5, p_latency_ms => $6, p_observations => $7) as result",
      [rows[0].result.user_message.id, sizes.reply, JSON.stringify(sizes.replyMetadata), 412, 96, 250, JSON.stringify(replaySteps ? turnSteps(sizes, i) : [])],
    );
    return 2;
  };
}

async function exec(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Ticks (user + system) a backend has used, from /proc: one client's own CPU, without the server's background work. */
function backendCpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/** One client for `seconds`: turns/s and the CPU its backend used per turn (autovacuum, the checkpointer and the
 * WAL writer left out: they run when they run, and at 1 client the backend's own CPU is what a turn costs). */
async function runOneBackend(url: string, seconds: number, turn: Turn): Promise<{ cpu: number; tps: number }> {
  const pool = new pg.Pool({ connectionString: url, max: 1, application_name: "bench-ab" });
  const c = await pool.connect();
  try {
    const { rows: [{ pid }] } = await c.query("select pg_backend_pid() as pid");
    let i = 0;
    const warm = performance.now() + 500;
    while (performance.now() < warm) await turn(c, i++);
    const cpu0 = backendCpuMs(pid);
    const t0 = performance.now();
    let n = 0;
    while (performance.now() < t0 + seconds * 1000) {
      await turn(c, i++);
      n++;
    }
    const elapsed = (performance.now() - t0) / 1000;
    return { cpu: (backendCpuMs(pid) - cpu0) / n, tps: n / elapsed };
  } finally {
    c.release();
    await pool.end();
  }
}

const watch = (process.env.TURN_AB_FUNCS ?? "").split(",").filter(Boolean);

async function functionTimes(url: string): Promise<{ name: string; total: number; self: number }[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      `with f as (select funcname as name, sum(calls) as calls, sum(total_time) as total, sum(self_time) as self from pg_stat_user_functions group by 1)
       select name, total / n as total, self / n as self from f, (select greatest(calls, 1) as n from f where name = 'begin_turn') b`,
    );
    return rows.map((r) => ({ name: r.name as string, total: Number(r.total), self: Number(r.self) }));
  } finally {
    await c.end();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(stops: Stops) {
  const baseRoot = process.env.BENCH_BASE_ROOT;
  if (!baseRoot && process.env.TURN_AB_PROFILE !== "1" && !process.env.TURN_AB_SQL_A) throw new Error("BENCH_BASE_ROOT=<folder with the base's supabase/> is required");
  progress("starting PostgreSQL");
  const server = await startPostgres();
  stops.add(() => server.stop());
  const pgPid = postmasterPid(server.dir);
  const head = await migrated(server, "head");
  sizes.tool = await catalogTool(head);
  const headSessions = await sessionsOf(head);
  if (process.env.TURN_AB_PROFILE === "1") {
    const kind = process.env.TURN_AB_PROFILE_TURN;
    const p = await profileTurn(head, seconds, pgPid, kind === "new" ? newVisitorTurn("profile") : kind === "known" ? newVisitorTurn("profile", headSessions)
      : threadlineTurn(headSessions, sizes, process.env.TURN_AB_PROFILE_TURN !== "nosteps" && replaySteps));
    console.log(`load ${loadavg()}; ${p.turns} turns`);
    for (const f of p.functions) console.log(`${fmt(f.calls, 2)}\t${fmt(f.selfMs, 3)}\t${fmt(f.totalMs, 3)}\t${f.name}`);
    for (const s of p.statements) console.log(`${fmt(s.calls, 2)}\t${fmt(s.ms, 3)}\t${s.query.slice(0, 160)}`);
    const c = new pg.Client({ connectionString: head });
    await c.connect();
    const { rows } = await c.query(
      `select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd from pg_stat_user_tables where n_tup_upd + n_tup_ins > 0 order by n_tup_upd desc limit 12`,
    );
    for (const r of rows) console.log(`${r.relname}: ${r.n_tup_ins} inserted, ${r.n_tup_upd} updated, ${r.n_tup_hot_upd} HOT`);
    await c.end();
    return;
  }
  // TURN_AB_SQL_A / TURN_AB_SQL_B: two SQL files applied in turn to the head's database before each of their
  // legs (e.g. an index dropped and made again), instead of the base's database
  const sqlA = process.env.TURN_AB_SQL_A;
  const sqlB = process.env.TURN_AB_SQL_B;
  type Variant = { name: string; url: string; sessions: { userId: string; sessionId: string }[]; setup?: string };
  let variants: Variant[];
  if (sqlA && sqlB) {
    variants = [
      { name: `A (${sqlA})`, url: head, sessions: headSessions, setup: readFileSync(sqlA, "utf8") },
      { name: `B (${sqlB})`, url: head, sessions: headSessions, setup: readFileSync(sqlB, "utf8") },
    ];
  } else {
    const base = await migrated(server, "base", baseRoot);
    variants = [{ name: "base", url: base, sessions: await sessionsOf(base) }, { name: "head", url: head, sessions: headSessions }];
  }
  const peerUrl = await createDatabase(server, "chatbot");
  const chats = process.env.BENCH_PEER === "0" ? [] : await preparePeer(peerUrl, sessionsCount, sizes);
  console.log(`load before: ${loadavg()}`);

  const legs: { name: string; clients: number; turn: (v: Variant, round: number) => Turn }[] = [
    { name: "continued", clients: 1, turn: (v) => threadlineTurn(v.sessions, sizes) },
    { name: "continued", clients: 8, turn: (v) => threadlineTurn(v.sessions, sizes) },
    { name: "continued without steps", clients: 1, turn: (v) => threadlineTurn(v.sessions, sizes, false) },
    { name: "new visitor", clients: 1, turn: (v, round) => newVisitorTurn(`${v.name.slice(0, 4)}-${round}`) },
    { name: "new visitor", clients: 8, turn: (v, round) => newVisitorTurn(`${v.name.slice(0, 4)}-${round}`) },
    { name: "known visitor's new session", clients: 1, turn: (v) => newVisitorTurn("", v.sessions) },
  ];
  // BENCH_LEGS: a comma-separated subset of "continued×1,continued×8,continued without steps×1,new visitor×1,new visitor×8,
  // known visitor's new session×1" (default: all); BENCH_PEER=0 skips the peer
  const only = process.env.BENCH_LEGS?.split(",");
  const chosen = legs.filter((l) => !only || only.includes(`${l.name}×${l.clients}`));
  const results = new Map<string, { cpu: number[]; tps: number[] }>();
  const record = (key: string, cpu: number, tps: number) => {
    const r = results.get(key) ?? { cpu: [], tps: [] };
    r.cpu.push(cpu);
    r.tps.push(tps);
    results.set(key, r);
  };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const leg of chosen) {
      for (const v of order) {
        if (v.setup) await exec(v.url, v.setup);
        progress(`round ${round + 1}: ${leg.name} × ${leg.clients} on ${v.name}, ${seconds} s`);
        if (leg.clients === 1) {
          await exec(v.url, "select pg_stat_reset()");
          const r = await runOneBackend(v.url, seconds, leg.turn(v, round));
          record(`${leg.name} × 1, ${v.name} (backend CPU)`, r.cpu, r.tps);
          // the functions' own clocks (track_functions = all): ms per turn inside each, total and self
          await new Promise((res) => setTimeout(res, 300));
          for (const f of await functionTimes(v.url)) {
            if (["begin_turn", "finish_turn", ...watch].includes(f.name)) record(`${leg.name} × 1, ${v.name}: ${f.name} ms/turn (total, self)`, f.total, f.self);
          }
        } else {
          const r = await runTurns(v.url, leg.clients, seconds, pgPid, leg.turn(v, round));
          record(`${leg.name} × ${leg.clients}, ${v.name} (server CPU)`, r.pgCpuMsPerTurn, r.turnsPerSecond);
        }
      }
    }
    for (const clients of process.env.BENCH_PEER === "0" ? [] : [1, 8]) {
      progress(`round ${round + 1}: vercel/ai-chatbot (indexed) × ${clients}, ${seconds} s`);
      const turn = peerTurn(chats, sizes, false);
      const r = clients === 1 ? await runOneBackend(peerUrl, seconds, turn).then((x) => ({ pgCpuMsPerTurn: x.cpu, turnsPerSecond: x.tps }))
        : await runTurns(peerUrl, clients, seconds, pgPid, turn);
      record(`vercel/ai-chatbot (indexed) × ${clients} (${clients === 1 ? "backend" : "server"} CPU)`, r.pgCpuMsPerTurn, r.turnsPerSecond);
    }
  }
  console.log(`load after: ${loadavg()}\n`);
  console.log("| leg | PG CPU ms/turn (rounds) | median | turns/s (rounds) | median |\n|---|---|---:|---|---:|");
  console.log("(rows ending in \"ms/turn (total, self)\": the function's total ms per turn, then its self ms per turn in the turns/s columns)");
  for (const [key, r] of results) {
    const d = key.endsWith("(total, self)") ? 3 : 0;
    console.log(`| ${key} | ${r.cpu.map((v) => fmt(v, 3)).join(", ")} | ${fmt(median(r.cpu), 3)} | ${r.tps.map((v) => fmt(v, d)).join(", ")} | ${fmt(median(r.tps), d)} |`);
  }
}

runBenchmark(main);

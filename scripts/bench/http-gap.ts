// Why a continued turn over HTTP costs PostgreSQL more than its statements-only replay
// (docs/performance.md, "Why an HTTP turn costs PostgreSQL more than its replay").
//
//   BENCH_SKIP_BUILD=1 npx tsx scripts/bench/http-gap.ts
//
// One PostgreSQL, one production server, the bench's 256 continued sessions. Each round runs its legs in turn,
// BENCH_SECONDS (default 5) each, BENCH_ROUNDS (default 3) rounds: the HTTP continued turn (`npm run bench`'s
// `continue`, BENCH_HTTP_CONNECTIONS, default 1), the same without the widget's clientMessageId, the replay
// (peer.ts threadlineTurn, 1 client, the app idle), the replay with named statements and with a pause per turn,
// the route's own calls without HTTP (route-turn.ts) with and without BENCH_THINK_MS (default 4) pauses after
// each call, and (BENCH_POOLS=10,2) 8 concurrent route turns sharing a pool of that many connections.
// BENCH_LEGS=HTTP,replay,…: only the legs whose names start so. For each leg: PostgreSQL's CPU per turn by
// process (the app's backends, the replay's, autovacuum and the other background processes, exited ones),
// the top-level statements and steps per turn; BENCH_TRACK=1 adds a pass with track_functions and nested
// statements (HTTP against the replay).
import pg from "pg";
import { readFileSync, readdirSync } from "node:fs";
import { fmt, progress, table } from "./common";
import { postmasterPid } from "./cpu";
import { continueRequests, createSessions, load, newVisitor } from "./http";
import { runTurns, sampleSizes, threadlineTurn, type Turn } from "./peer";
import { httpShapes, pause, routeTurn, sleepy } from "./route-turn";
import { runBenchmark, startStack } from "./stack";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const track = process.env.BENCH_TRACK === "1";

type Ticks = Map<number, { own: number; children: number }>;

function snapshot(root: number): Ticks {
  const out: Ticks = new Map();
  const parents = new Map<number, number[]>();
  const stats = new Map<number, { ppid: number; own: number; children: number }>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
      stats.set(pid, { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) });
      parents.set(Number(f[1]), [...(parents.get(Number(f[1])) ?? []), pid]);
    } catch {
      // gone
    }
  }
  const visit = (pid: number) => {
    const s = stats.get(pid);
    if (!s) return;
    out.set(pid, { own: s.own, children: s.children });
    for (const c of parents.get(pid) ?? []) visit(c);
  };
  visit(root);
  return out;
}

/** Labels PostgreSQL's processes (application name, else backend type) while `run` runs. */
async function labelled<T>(url: string, run: () => Promise<T>): Promise<{ result: T; labels: Map<number, string> }> {
  const client = new pg.Client({ connectionString: url, application_name: "gap-monitor" });
  await client.connect();
  const labels = new Map<number, string>();
  let done = false;
  const poll = async () => {
    while (!done) {
      const { rows } = await client.query("select pid, coalesce(nullif(application_name, ''), backend_type) as label from pg_stat_activity");
      for (const r of rows) labels.set(r.pid as number, r.label as string);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const poller = poll();
  try {
    const result = await run();
    return { result, labels };
  } finally {
    done = true;
    await poller;
    await client.end();
  }
}

interface Leg {
  name: string;
  turns: number;
  cpu: Record<string, number>;
  statements: Record<string, number>;
}

async function measure(name: string, url: string, root: number, run: () => Promise<void>): Promise<Leg> {
  const admin = new pg.Client({ connectionString: url, application_name: "gap-admin" });
  await admin.connect();
  const count = async (sql: string) => Number((await admin.query(sql)).rows[0].n);
  const turnsNow = () => count("select count(*) as n from public.conversation_messages where role = 'user'");
  const stepsNow = () => count("select count(*) as n from public.llm_observations");
  const toolsNow = () => count("select count(*) as n from public.llm_observations where kind = 'tool'");
  await admin.query("select pg_stat_statements_reset()");
  const [t0, s0, k0] = [await turnsNow(), await stepsNow(), await toolsNow()];
  const before = snapshot(root);
  const { labels } = await labelled(url, run);
  await pause(300); // a closed connection's backend is reaped
  const after = snapshot(root);
  const turns = (await turnsNow()) - t0;
  const shape = { "steps/turn": ((await stepsNow()) - s0) / turns, "tool steps/turn": ((await toolsNow()) - k0) / turns };
  const cpu: Record<string, number> = {};
  const busy = new Set<number>(); // the app's backends that used CPU in the window
  const add = (k: string, ticks: number) => (cpu[k] = (cpu[k] ?? 0) + (ticks * 10) / turns);
  for (const [pid, a] of after) {
    const b = before.get(pid) ?? { own: 0, children: 0 };
    const label = pid === root ? "postmaster" : labels.get(pid) ?? "unlabelled";
    add(label, a.own - b.own);
    if (label === "threadline" && a.own > b.own) busy.add(pid);
    add(pid === root ? "exited processes (postmaster reaped)" : `${label} (its children)`, a.children - b.children);
  }
  // a process that exited in the window brought its whole life's CPU into the postmaster's children:
  // take out what it had used before the window (the bench's pool closes connections idle for 30 s)
  for (const [pid, b] of before) {
    if (!after.has(pid)) add("exited processes: their CPU before the window (subtracted)", -(b.own + b.children));
  }
  const { rows } = await admin.query(
    `select regexp_replace(query, '^select public\\.([a-z_]+)\\(.*', '\\1') as name, sum(calls)::float8 as calls, sum(total_exec_time)::float8 as ms
       from pg_stat_statements where toplevel and query like 'select public.%' group by 1`,
  );
  const statements: Record<string, number> = { ...shape };
  for (const r of rows) {
    statements[`${r.name} calls`] = r.calls / turns;
    statements[`${r.name} ms`] = r.ms / turns;
  }
  await admin.end();
  for (const k of Object.keys(cpu)) if (cpu[k] === 0) delete cpu[k];
  if (busy.size) statements["app backends used"] = busy.size;
  return { name, turns, cpu, statements };
}

async function functionProfile(url: string, run: () => Promise<void>): Promise<{ turns: number; rows: Record<string, number> }> {
  const admin = new pg.Client({ connectionString: url, application_name: "gap-admin" });
  await admin.connect();
  await admin.query("select pg_stat_statements_reset(), pg_stat_reset()");
  await run();
  // an idle backend flushes its function statistics within 10 s (the app's stay connected)
  await new Promise((r) => setTimeout(r, 11_000));
  const { rows: [{ turns }] } = await admin.query("select coalesce(sum(calls), 0)::int as turns from pg_stat_user_functions where funcname = 'begin_turn'");
  const { rows } = await admin.query(
    `select schemaname || '.' || funcname as name, sum(self_time)::float8 as self_ms, sum(total_time)::float8 as total_ms, sum(calls)::float8 as calls
       from pg_stat_user_functions group by 1`,
  );
  const out: Record<string, number> = {};
  for (const r of rows) {
    out[`${r.name} self`] = r.self_ms / turns;
    out[`${r.name} total`] = r.total_ms / turns;
    out[`${r.name} calls`] = r.calls / turns;
  }
  const { rows: st } = await admin.query(
    `select regexp_replace(query, '\\s+', ' ', 'g') as q, calls::float8 as calls, total_exec_time as ms from pg_stat_statements
      where not toplevel order by total_exec_time desc limit 30`,
  );
  for (const r of st) out[`stmt ${String(r.q).slice(0, 100)}`] = r.ms / turns;
  await admin.end();
  return { turns, rows: out };
}

async function setTracking(url: string, on: boolean) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  if (on) {
    await admin.query("alter system set track_functions = 'all'");
    await admin.query("alter system set pg_stat_statements.track = 'all'");
  } else {
    await admin.query("alter system reset track_functions");
    await admin.query("alter system reset pg_stat_statements.track");
  }
  await admin.query("select pg_reload_conf()");
  await admin.end();
  await new Promise((r) => setTimeout(r, 500));
}

/** The same turn with its statements named (prepared once per connection), as lib/db/postgres.ts sends the app's calls. */
const named = (turn: Turn): Turn => (c, i) => {
  const query = c.query.bind(c) as (text: string, values: unknown[]) => Promise<pg.QueryResult>;
  const proxy = new Proxy(c, {
    get: (target, key) => (key === "query" ? (text: string, values: unknown[]) => query({ name: `replay_${text.length}`, text, values } as never, undefined as never) : Reflect.get(target, key)),
  });
  return turn(proxy, i);
};

function print(title: string, legs: { name: string; values: Record<string, number> }[]) {
  const keys = [...new Set(legs.flatMap((l) => Object.keys(l.values)))].sort();
  console.log(`\n### ${title}\n`);
  console.log(table(["ms per turn", ...legs.map((l) => l.name)], keys.map((k) => [k, ...legs.map((l) => fmt(l.values[k] ?? 0, 3))])));
}

runBenchmark(async (stops) => {
  const { postgres, dbUrl, app, secret } = await startStack(stops, { THREADLINE_BENCH: "1" });
  const root = postmasterPid(postgres.dir);
  const setup = new pg.Client({ connectionString: dbUrl });
  await setup.connect();
  await setup.query("create extension if not exists pg_stat_statements");
  await setup.end();
  const pool = Array.from({ length: 256 }, () => newVisitor(secret));
  progress("creating 256 sessions");
  await createSessions(app.url, pool);
  const requests = continueRequests(pool);
  progress("warming up 3 s");
  await load(app.url, 1, 3, requests);
  const sizes = await sampleSizes(dbUrl);
  const sessions = pool.map((v) => ({ userId: v.id, sessionId: v.sessionId! }));
  const replay = threadlineTurn(sessions, sizes);
  const connections = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 1);
  const http = async () => void (await load(app.url, connections, seconds, requests));
  const statements = async () => void (await runTurns(dbUrl, 1, seconds, root, replay));
  const shapes = await httpShapes(dbUrl);
  const think = Number(process.env.BENCH_THINK_MS ?? 4);
  const withoutIds = async () => {
    process.env.BENCH_CLIENT_MESSAGE_ID = "0";
    try {
      await http();
    } finally {
      delete process.env.BENCH_CLIENT_MESSAGE_ID;
    }
  };
  const replayed = (turn: Turn) => async () => void (await runTurns(dbUrl, 1, seconds, root, turn));
  // BENCH_POOLS=10,3: the route's calls from 8 concurrent turns sharing one pool of that many connections, each
  // call on whichever connection is free (as lib/db/postgres.ts's pool hands them out), 4 ms pauses between calls
  const pooled = (max: number) => async () => {
    const pool = new pg.Pool({ connectionString: dbUrl, max, application_name: "gap-pool" });
    const turn = routeTurn(sessions, shapes, think);
    let i = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (performance.now() < until) await turn(pool as unknown as pg.PoolClient, i++);
    }));
    await pool.end();
  };
  const pools = (process.env.BENCH_POOLS ?? "").split(",").filter(Boolean).map(Number);
  const variants: [string, () => Promise<void>][] = [
    ["HTTP", http],
    ["HTTP without clientMessageId", withoutIds],
    ["replay", statements],
    ["replay, named statements", replayed(named(replay))],
    [`replay, ${think} ms sleeps`, replayed(sleepy(replay, think))],
    ["route-shaped", replayed(routeTurn(sessions, shapes))],
    [`route-shaped, ${think} ms sleeps`, replayed(routeTurn(sessions, shapes, think))],
    ...pools.map((max): [string, () => Promise<void>] => [`pool of ${max}, 8 turns at once`, pooled(max)]),
  ];
  const only = process.env.BENCH_LEGS?.split(",");
  const legs: Leg[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of variants.filter(([n]) => !only || only.some((o) => n.startsWith(o)))) {
      progress(`round ${r + 1}: ${name}`);
      legs.push(await measure(`${name} ${r + 1}`, dbUrl, root, run));
    }
  }
  print("PostgreSQL CPU per turn by process (ms)", legs.map((l) => ({ name: `${l.name} (${l.turns})`, values: l.cpu })));
  print("Top-level statements per turn (calls, mean execution ms)", legs.map((l) => ({ name: l.name, values: l.statements })));
  const total = (l: Leg) => Object.values(l.cpu).reduce((a, b) => a + b, 0);
  console.log(`\ntotal PostgreSQL CPU per turn: ${legs.map((l) => `${l.name} ${fmt(total(l), 3)}`).join(", ")}`);

  if (track) {
    await setTracking(dbUrl, true);
    stops.add(() => setTracking(dbUrl, false));
    const profiles: { name: string; values: Record<string, number> }[] = [];
    for (let r = 0; r < Math.min(rounds, 2); r++) {
      progress(`tracked round ${r + 1}: HTTP`);
      const h = await functionProfile(dbUrl, http);
      profiles.push({ name: `HTTP (${h.turns})`, values: h.rows });
      progress(`tracked round ${r + 1}: replay`);
      const p = await functionProfile(dbUrl, statements);
      profiles.push({ name: `replay (${p.turns})`, values: p.rows });
    }
    print("Functions (self, total ms and calls per turn) and nested statements (ms per turn), track_functions = all", profiles);
  }
  await app.stop();
});

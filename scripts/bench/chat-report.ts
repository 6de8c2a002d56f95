import { fmt, section, table } from "./common";
import type { LoadResult } from "./http";
import { replaySteps, type PeerResult } from "./peer";
import type { PgbenchResult } from "./pgbench";
import type { RoundTrips } from "./roundtrips";
import type { SqlProfile } from "./sql-profile";

// The tables `npm run bench` prints (Markdown, so a run pastes into docs/performance.md).

export const scenarios = ["baseline", "floor", "continue", "new session", "agent switch"] as const;
export type Scenario = (typeof scenarios)[number];

export interface Row {
  scenario: Scenario;
  connections: number;
  http: LoadResult;
  db: RoundTrips;
  cpu: { appMs: number; pgMs: number; loadMs: number };
}

export interface PeerRow extends PeerResult {
  name: string;
  clients: number;
}

const connectionsOf = (peers: PeerRow[]) => [...new Set(peers.map((p) => p.clients))];

export function report(facts: Record<string, string>, rows: Row[], reference: PgbenchResult[], peers: PeerRow[] = [], profile?: SqlProfile): void {
  section("Machine");
  for (const [k, v] of Object.entries(facts)) console.log(`- ${k}: ${v}`);

  const baseline = (c: number) => rows.find((r) => r.scenario === "baseline" && r.connections === c)!.http;
  const floorRow = (c: number) => rows.find((r) => r.scenario === "floor" && r.connections === c)!;
  const chat = rows.filter((r) => r.scenario !== "baseline" && r.scenario !== "floor");
  const appCpu = (r: Row) => r.cpu.appMs / (r.http.ok + r.http.failed || 1);
  const pgCpu = (r: Row) => r.cpu.pgMs / (r.http.ok + r.http.failed || 1);

  section("HTTP: requests/s and latency (ms), against the floor (the chat route without Threadline) and the no-database baseline");
  console.log(
    table(
      ["scenario", "conns", "req/s", "p50", "p99", "p50 ÷ floor p50", "server CPU over the floor (ms)", "p50 ÷ baseline p50", "non-2xx/errors"],
      rows.map((r) => {
        const { scenario, connections, http } = r;
        const f = floorRow(connections);
        return [scenario, connections, fmt(http.rps, 0), fmt(http.p50), fmt(http.p99), fmt(http.p50 / f.http.p50), fmt(appCpu(r) - appCpu(f), 3), fmt(http.p50 / baseline(connections).p50), http.failed];
      }),
    ),
  );

  for (const r of rows.filter((r) => r.http.failed > 0)) {
    console.log(`\nWARNING: ${r.scenario} × ${r.connections}: ${r.http.failed} failed requests, statuses ${JSON.stringify(r.http.statuses)}`);
  }

  section("Database round trips per chat turn (pg_stat_statements, top-level statements)");
  const names = [...new Set(rows.flatMap((r) => r.db.statements.map((s) => s.name)))];
  const other = names.filter((n) => n !== "begin_turn" && n !== "finish_turn");
  const searches = (db: RoundTrips) => db.statements.find((st) => st.name === "search_catalog")?.calls ?? 0;
  const per = (db: RoundTrips, name: string) => (db.statements.find((s) => s.name === name)?.calls ?? 0) / db.turns;
  const ms = (db: RoundTrips, name: string) => (db.statements.find((s) => s.name === name)?.totalMs ?? 0) / db.turns;
  console.log(
    table(
      ["scenario", "conns", "turns", "new sessions/turn", "begin_turn/turn", "finish_turn/turn", "search_catalog/turn", "other/turn", "round trips/turn", "begin_turn ms", "finish_turn ms"],
      chat.map(({ scenario, connections, db }) => [
        scenario, connections, db.turns, fmt(db.sessions / db.turns), fmt(per(db, "begin_turn"), 3), fmt(per(db, "finish_turn"), 3), fmt(searches(db) / db.turns, 3),
        fmt(other.reduce((a, n) => a + per(db, n), 0), 3), fmt(db.calls / db.turns, 3), fmt(ms(db, "begin_turn"), 3), fmt(ms(db, "finish_turn"), 3),
      ]),
    ),
  );
  console.log("\nbegin_turn/finish_turn ms: mean execution time inside PostgreSQL per turn (pg_stat_statements total_exec_time ÷ turns).");
  console.log("Round trips per turn by kind: a turn without a tool call is begin_turn + finish_turn; a catalog search adds search_catalog (unless the one-minute cache holds it). other/turn counts search_catalog too.");
  const baseStatements = rows.filter((r) => r.scenario === "baseline").flatMap((r) => r.db.statements.map((s) => `${s.name} ×${s.calls}`));
  console.log(`Baseline route runs: ${baseStatements.length ? `${baseStatements.join(", ")} (not the route's: the app's own work)` : "no database statements"}.`);
  const otherTotals = other.map((n) => `${n} ×${rows.reduce((a, r) => a + (r.db.statements.find((s) => s.name === n)?.calls ?? 0), 0)}`);
  if (otherTotals.length) console.log(`Other statements seen: ${otherTotals.join(", ")} (counted in other/turn).`);
  const atCommit = [...new Set(rows.flatMap((r) => r.db.atCommit.map((s) => s.name)))].map(
    (n) => `${n} ×${rows.reduce((a, r) => a + (r.db.atCommit.find((s) => s.name === n)?.calls ?? 0), 0)}`,
  );
  if (atCommit.length) console.log(`Run at COMMIT by deferred triggers, inside the server (not round trips): ${atCommit.join(", ")}.`);

  section("CPU per request (ms, user + system, from /proc)");
  console.log(
    table(
      ["scenario", "conns", "Next.js server", "PostgreSQL", "load generator", "server + PostgreSQL", "PostgreSQL share"],
      rows.map(({ scenario, connections, http, cpu }) => {
        const n = http.ok + http.failed || 1;
        return [scenario, connections, fmt(cpu.appMs / n, 3), fmt(cpu.pgMs / n, 3), fmt(cpu.loadMs / n, 3), fmt((cpu.appMs + cpu.pgMs) / n, 3), `${fmt((100 * cpu.pgMs) / (cpu.appMs + cpu.pgMs), 0)}%`];
      }),
    ),
  );

  if (peers.length) {
    section("Against the usual pattern: one turn's statements through node-postgres, no HTTP (turns/s, ms)");
    console.log(replaySteps
      ? "Each turn stores its three steps (two generations and a search_catalog call with its arguments and result): Threadline as finish_turn's p_observations rows, the peer inside the reply's parts. BENCH_STEPS=0: the older replay without steps.\n"
      : "BENCH_STEPS=0: turns replayed without steps (a chat turn over HTTP stores two or three).\n");
    const http = (c: number) => rows.find((r) => r.scenario === "continue" && r.connections === c);
    console.log(
      table(
        ["statements of", "clients", "turns/s", "p50", "p99", "statements/turn", "PostgreSQL CPU ms/turn", "turns/s ÷ Threadline's"],
        peers.map((p) => {
          const ours = peers.find((q) => q.clients === p.clients && q.name.startsWith("Threadline"));
          return [p.name, p.clients, fmt(p.turnsPerSecond, 0), fmt(p.p50), fmt(p.p99), fmt(p.statementsPerTurn, 1), fmt(p.pgCpuMsPerTurn, 3), ours ? fmt(p.turnsPerSecond / ours.turnsPerSecond) : ""];
        }),
      ),
    );
    const continued = connectionsOf(peers).map((c) => {
      const r = http(c);
      return r ? `${c}: ${fmt(r.http.rps, 0)} turns/s, ${fmt(r.cpu.pgMs / (r.http.ok + r.http.failed || 1), 3)} ms` : "";
    }).filter(Boolean);
    console.log(`\nThe same sessions over HTTP (continue, above), turns/s and PostgreSQL CPU per turn at ${continued.join("; ")}.`);
  }

  if (profile) profileTables(profile);

  if (reference.length) section("pgbench on the same PostgreSQL server (scale 10), for reference");
  if (reference.length) console.log(
    table(
      ["pgbench", "clients", "tps", "p50 ms", "p99 ms"],
      reference.map((r) => [r.name, r.clients, fmt(r.tps, 0), fmt(r.p50, 3), fmt(r.p99, 3)]),
    ),
  );

  goals(rows, chat, floorRow, peers, appCpu, pgCpu);
}

/** The issue's goals at 8 connections, each marked met or missed (docs/performance.md, "Goals"). */
function goals(rows: Row[], chat: Row[], floorRow: (c: number) => Row, peers: PeerRow[], appCpu: (r: Row) => number, pgCpu: (r: Row) => number): void {
  section("Goals (8 connections)");
  const mark = (ok: boolean) => (ok ? "met" : "MISSED");
  const at8 = (s: Scenario) => rows.find((r) => r.scenario === s && r.connections === 8);
  const f = floorRow(8);
  const cont = at8("continue");
  const fresh = at8("new session");
  if (cont) {
    const ratio = cont.http.p50 / f.http.p50;
    const over = appCpu(cont) - appCpu(f);
    console.log(`- continued turn p50 ${fmt(ratio)}× the floor's (goal ≤ 1.3×): ${mark(ratio <= 1.3)}`);
    console.log(`- continued turn server CPU ${fmt(appCpu(cont), 3)} ms, the floor's ${fmt(appCpu(f), 3)} + ${fmt(over, 3)} ms (goal ≤ + 1.0 ms): ${mark(over <= 1)}`);
    console.log(`- PostgreSQL CPU per continued turn ${fmt(pgCpu(cont), 3)} ms (goal ≤ 1.0 ms): ${mark(pgCpu(cont) <= 1)}`);
  }
  if (fresh) console.log(`- PostgreSQL CPU per new-session turn ${fmt(pgCpu(fresh), 3)} ms (goal ≤ 1.5 ms): ${mark(pgCpu(fresh) <= 1.5)}`);
  for (const clients of [1, 8]) {
    const ours = peers.find((p) => p.clients === clients && p.name.startsWith("Threadline"));
    const peer = peers.find((p) => p.clients === clients && p.name === "vercel/ai-chatbot (indexed)");
    if (ours && peer) {
      console.log(`- statements only, ${clients} client(s): Threadline ${fmt(ours.turnsPerSecond, 0)} turns/s (${fmt(ours.pgCpuMsPerTurn, 3)} ms PostgreSQL CPU) vs the indexed ai-chatbot ${fmt(peer.turnsPerSecond, 0)} (${fmt(peer.pgCpuMsPerTurn, 3)} ms) (goal ≥): ${mark(ours.turnsPerSecond >= peer.turnsPerSecond)}`);
    }
  }
  // each turn is begin_turn + finish_turn, plus search_catalog when the model searched the catalog; the
  // server's own timers (maintenance, retention, the queue pollers) are no turn's round trips
  const background = new Set(["run_maintenance", "apply_retention", "queue_claim", "queue_status"]);
  for (const r of chat) {
    const calls = (n: string) => r.db.statements.find((s) => s.name === n)?.calls ?? 0;
    const searches = calls("search_catalog");
    const timers = r.db.statements.filter((s) => background.has(s.name)).reduce((a, s) => a + s.calls, 0);
    const extra = r.db.calls - timers - calls("begin_turn") - calls("finish_turn") - searches;
    const base = (r.db.calls - timers - searches) / r.db.turns;
    console.log(
      `- round trips, ${r.scenario} × ${r.connections}: ${fmt(r.db.calls / r.db.turns, 3)} per turn; ${fmt(base, 3)} without the catalog searches ` +
        `(${fmt(searches / r.db.turns, 3)} per turn), ${extra} other calls${timers ? ` (and ${timers} of the server's timers)` : ""} ` +
        `(goal: 2 without a tool call, ≤ 3 with a catalog search): ` +
        `${mark(base <= 2.01 && extra === 0)}`,
    );
  }
}

/** Where a continued turn's database time goes: functions (self and total) and the statements inside them. */
function profileTables(profile: SqlProfile): void {
  section(`Where a continued turn's database time goes (1 client, ${profile.turns} turns, execution ms per turn)`);
  console.log(
    table(
      ["function", "calls/turn", "self ms/turn", "total ms/turn"],
      profile.functions.map((f) => [f.name, fmt(f.calls), fmt(f.selfMs, 3), fmt(f.totalMs, 3)]),
    ),
  );
  console.log("");
  console.log(
    table(
      ["statement inside the functions", "calls/turn", "ms/turn (incl. what it calls)"],
      profile.statements.slice(0, 15).map((s) => [s.query.slice(0, 90).replaceAll("|", "\\|"), fmt(s.calls), fmt(s.ms, 3)]),
    ),
  );
}

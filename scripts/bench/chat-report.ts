import { fmt, section, table } from "./common";
import type { LoadResult } from "./http";
import type { PeerResult } from "./peer";
import type { PgbenchResult } from "./pgbench";
import type { RoundTrips } from "./roundtrips";
import type { SqlProfile } from "./sql-profile";

// The tables `npm run bench` prints (Markdown, so a run pastes into docs/performance.md).

export const scenarios = ["baseline", "continue", "new session", "agent switch"] as const;
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
  const chat = rows.filter((r) => r.scenario !== "baseline");

  section("HTTP: requests/s and latency (ms), ratios against the baseline at the same concurrency");
  console.log(
    table(
      ["scenario", "conns", "req/s", "p50", "p99", "p50 ÷ baseline p50", "req/s ÷ baseline req/s", "non-2xx/errors"],
      rows.map(({ scenario, connections, http }) => {
        const b = baseline(connections);
        return [scenario, connections, fmt(http.rps, 0), fmt(http.p50), fmt(http.p99), fmt(http.p50 / b.p50), fmt(http.rps / b.rps, 3), http.failed];
      }),
    ),
  );

  for (const r of rows.filter((r) => r.http.failed > 0)) {
    console.log(`\nWARNING: ${r.scenario} × ${r.connections}: ${r.http.failed} failed requests, statuses ${JSON.stringify(r.http.statuses)}`);
  }

  section("Database round trips per chat turn (pg_stat_statements, top-level statements)");
  const names = [...new Set(rows.flatMap((r) => r.db.statements.map((s) => s.name)))];
  const other = names.filter((n) => n !== "begin_turn" && n !== "finish_turn");
  const per = (db: RoundTrips, name: string) => (db.statements.find((s) => s.name === name)?.calls ?? 0) / db.turns;
  const ms = (db: RoundTrips, name: string) => (db.statements.find((s) => s.name === name)?.totalMs ?? 0) / db.turns;
  console.log(
    table(
      ["scenario", "conns", "turns", "new sessions/turn", "begin_turn/turn", "finish_turn/turn", "other/turn", "round trips/turn", "begin_turn ms", "finish_turn ms"],
      chat.map(({ scenario, connections, db }) => [
        scenario, connections, db.turns, fmt(db.sessions / db.turns), fmt(per(db, "begin_turn"), 3), fmt(per(db, "finish_turn"), 3),
        fmt(other.reduce((a, n) => a + per(db, n), 0), 3), fmt(db.calls / db.turns, 3), fmt(ms(db, "begin_turn"), 3), fmt(ms(db, "finish_turn"), 3),
      ]),
    ),
  );
  console.log("\nbegin_turn/finish_turn ms: mean execution time inside PostgreSQL per turn (pg_stat_statements total_exec_time ÷ turns).");
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

  section("pgbench on the same PostgreSQL server (scale 10), for reference");
  console.log(
    table(
      ["pgbench", "clients", "tps", "p50 ms", "p99 ms"],
      reference.map((r) => [r.name, r.clients, fmt(r.tps, 0), fmt(r.p50, 3), fmt(r.p99, 3)]),
    ),
  );

  section("Goals");
  for (const r of chat.filter((r) => r.connections === 8)) {
    const ratio = r.http.p50 / baseline(8).p50;
    console.log(`- ${r.scenario}: p50 at 8 connections is ${fmt(ratio)}× the baseline's (goal ≤ 2×): ${ratio <= 2 ? "met" : "MISSED"}`);
  }
  const worst = chat.reduce((w, r) => (r.db.calls / r.db.turns > w.db.calls / w.db.turns ? r : w), chat[0]);
  const turnCalls = per(worst.db, "begin_turn") + per(worst.db, "finish_turn");
  console.log(
    `- round trips per turn, worst run (${worst.scenario} × ${worst.connections}): ${fmt(worst.db.calls / worst.db.turns, 3)} ` +
      `(begin_turn + finish_turn ${fmt(turnCalls, 3)}; a run's edges can split a turn's two calls, and the one-minute catalog cache reloads once in a while) ` +
      `(goal ≤ 2): ${worst.db.calls / worst.db.turns <= 2.01 ? "met" : "MISSED"}`,
  );
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

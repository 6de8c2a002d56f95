import pg from "pg";
import { runTurns, type Turn } from "./peer";

// Where a turn's database time goes (docs/performance.md, "The turn-cost change"):
// Threadline's two calls replayed at one client with pg_stat_statements tracking the
// statements inside the SQL functions (track = 'all') and PostgreSQL timing every
// function call (track_functions = 'all'), then both read per turn. SQL functions
// the planner inlines are not counted as calls (their work shows in the caller).

export interface SqlProfile {
  turns: number;
  /** plpgsql and SQL functions: calls, self and total execution ms per turn */
  functions: { name: string; calls: number; selfMs: number; totalMs: number }[];
  /** statements inside the functions (nested), time including what they call */
  statements: { query: string; calls: number; ms: number }[];
}

const database = (url: string) => new URL(url).pathname.slice(1);

export async function profileTurn(url: string, seconds: number, pgPid: number, turn: Turn): Promise<SqlProfile> {
  const admin = new pg.Client({ connectionString: url, application_name: "bench-profile" });
  await admin.connect();
  const db = pg.escapeIdentifier(database(url));
  try {
    await admin.query("create extension if not exists pg_stat_statements");
    await admin.query(`alter database ${db} set pg_stat_statements.track = 'all'`);
    await admin.query(`alter database ${db} set track_functions = 'all'`);
    await admin.query("select pg_stat_statements_reset(), pg_stat_reset()");
    await runTurns(url, 1, seconds, pgPid, turn); // its pool ends: the backends flush their statistics
    await new Promise((r) => setTimeout(r, 1500));
    // runTurns also ran warm-up turns; count every begin_turn call instead of the timed ones
    const { rows: [{ turns }] } = await admin.query(
      "select coalesce(sum(calls), 0)::int as turns from pg_stat_user_functions where schemaname = 'public' and funcname = 'begin_turn'",
    );
    const n = Math.max(1, turns as number);
    const { rows: functions } = await admin.query(
      `select schemaname || '.' || funcname as name, sum(calls)::float8 / $1 as calls,
              sum(self_time)::float8 / $1 as self_ms, sum(total_time)::float8 / $1 as total_ms
         from pg_stat_user_functions group by 1 order by 3 desc limit 25`,
      [n],
    );
    const { rows: statements } = await admin.query(
      `select regexp_replace(query, '\\s+', ' ', 'g') as query, calls::float8 / $1 as calls, total_exec_time / $1 as ms
         from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database()) and not toplevel
        order by total_exec_time desc limit 25`,
      [n],
    );
    return {
      turns: n,
      functions: functions.map((f) => ({ name: f.name, calls: f.calls, selfMs: f.self_ms, totalMs: f.total_ms })),
      statements: statements.map((s) => ({ query: s.query, calls: s.calls, ms: s.ms })),
    };
  } finally {
    await admin.query(`alter database ${db} reset pg_stat_statements.track`);
    await admin.query(`alter database ${db} reset track_functions`);
    await admin.end();
  }
}

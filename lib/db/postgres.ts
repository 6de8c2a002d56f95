import { createHash } from "node:crypto";
import pg from "pg";
import { toDatabaseError } from "./errors";
import { retryingLostLocks } from "./retry";
import { checkedRpc, namedCall, type Database, type RpcArgs } from "./types";

// DATABASE_URL: any Postgres, through node-postgres' pool.
//
// Each call is a named prepared statement, so a connection parses and plans `select public.<fn>(…)` once,
// then only binds and executes it (docs/performance.md, "What the chat route adds over the floor").
// - The name is a digest of the SQL text, so a name means the same text in every app instance (a
//   pooler that hands one server connection to several instances never runs another's statement).
// - At most MAX_NAMED texts are named (the chat's calls are a handful; the explorer's filter
//   combinations are many): later texts go unnamed, so neither side keeps an unbounded set.
// - A statement a migration broke (a function's result type changed: "cached plan must not change
//   result type"), or one a pooler lost, is prepared again under a new name and the call retried once.
// `prepared: false` sends every call unnamed: DATABASE_PREPARED_STATEMENTS=off, or `auto` (the default)
// for an address that reads as a pooler in transaction mode (preparedStatementsFor).
const MAX_NAMED = 256;
const REPREPARE = new Set(["0A000", "26000", "42P05"]); // changed result type, no such statement, name taken

export function preparedStatementsFor(setting: "on" | "off" | "auto", connectionString: string): boolean {
  if (setting !== "auto") return setting === "on";
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return true; // a libpq keyword string names no pooler port
  }
  // Supavisor's and Supabase's transaction mode listen on 6543; PgBouncer users mark it with pgbouncer=true
  return url.port !== "6543" && url.searchParams.get("pgbouncer") !== "true";
}

export function createPostgresDatabase(connectionString: string, options: { max?: number; prepared?: boolean } = {}): Database & { pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    application_name: "threadline",
  });
  // An idle client losing its connection (database restart) must not crash the app.
  pool.on("error", () => {});

  const prepared = options.prepared ?? true;
  const names = new Map<string, { digest: string; revision: number }>();
  const named = (sql: string): { digest: string; revision: number } | undefined => {
    let entry = names.get(sql);
    if (!entry && names.size < MAX_NAMED) names.set(sql, (entry = { digest: createHash("sha256").update(sql).digest("hex").slice(0, 24), revision: 0 }));
    return entry;
  };
  const run = async (sql: string, params: unknown[]) => {
    const entry = prepared ? named(sql) : undefined;
    if (!entry) return pool.query({ text: sql, values: params });
    const revision = entry.revision;
    try {
      return await pool.query({ name: `threadline_${entry.digest}_${revision}`, text: sql, values: params });
    } catch (error) {
      if (!REPREPARE.has((error as { code?: string }).code ?? "")) throw error;
      if (entry.revision === revision) entry.revision++;
      return pool.query({ name: `threadline_${entry.digest}_${entry.revision}`, text: sql, values: params });
    }
  };

  return {
    backend: "postgres",
    pool,
    rpc: checkedRpc(async (fn: string, args?: RpcArgs): Promise<unknown> => {
      const { sql, params } = namedCall(fn, args);
      try {
        const result = await retryingLostLocks(() => run(sql, params), fn);
        return result.rows[0]?.result;
      } catch (error) {
        throw toDatabaseError(error);
      }
    }),
    async close() {
      await pool.end();
    },
  };
}

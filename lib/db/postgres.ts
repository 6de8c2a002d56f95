import pg from "pg";
import { toDatabaseError } from "./errors";
import { retryingLostLocks } from "./retry";
import { checkedRpc, namedCall, type Database, type RpcArgs } from "./types";

// DATABASE_URL: any Postgres, through node-postgres' pool.
//
// Each call is a named prepared statement (one name per SQL text: a function and the arguments it is
// given), so a connection parses and plans `select public.<fn>(…)` once, then only binds and executes it
// (docs/performance.md, "What the chat route adds over the floor"). `prepared: false` (DATABASE_PREPARED_STATEMENTS=off)
// sends every call unnamed, for a pooler in transaction mode that cannot keep prepared statements.
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

  // bounded: the texts are the registry's functions times the argument sets the app passes
  const names = new Map<string, string>();
  const statementName = (sql: string) => {
    let name = names.get(sql);
    if (!name) names.set(sql, (name = `threadline_${names.size + 1}`));
    return name;
  };
  const prepared = options.prepared ?? true;

  return {
    backend: "postgres",
    pool,
    rpc: checkedRpc(async (fn: string, args?: RpcArgs): Promise<unknown> => {
      const { sql, params } = namedCall(fn, args);
      const query: pg.QueryConfig = prepared ? { name: statementName(sql), text: sql, values: params } : { text: sql, values: params };
      try {
        const result = await retryingLostLocks(() => pool.query(query), fn);
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

import pg from "pg";
import { toDatabaseError } from "./errors";
import { retryingLostLocks } from "./retry";
import { checkedRpc, namedCall, type Database, type RpcArgs } from "./types";

// DATABASE_URL: any Postgres, through node-postgres' pool.
export function createPostgresDatabase(connectionString: string, options: { max?: number } = {}): Database & { pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    application_name: "threadline",
  });
  // An idle client losing its connection (database restart) must not crash the app.
  pool.on("error", () => {});

  return {
    backend: "postgres",
    pool,
    rpc: checkedRpc(async (fn: string, args?: RpcArgs): Promise<unknown> => {
      const { sql, params } = namedCall(fn, args);
      try {
        const result = await retryingLostLocks(() => pool.query(sql, params), fn);
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

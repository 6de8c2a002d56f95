import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { issueConsoleKey } from "./console-key";
import { toDatabaseError } from "./errors";
import { lockFolder } from "./folder-lock";
import { migrate, type MigrationResult } from "./migrate";
import { sqlSession } from "./sql-session";
import { checkedRpc, namedCall, type Database, type RpcArgs } from "./types";

// The zero-config default: embedded Postgres (WASM) in a folder that only
// one process may open — a second opener would silently lose writes.

export class DatabaseLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is already open in another process (pid ${pid}: another "npm start" or test run?). ` +
        `Stop that process, or set DATABASE_URL to share a real PostgreSQL server between processes.`,
    );
    this.name = "DatabaseLockedError";
  }
}

export async function createPgliteDatabase(
  dir: string,
): Promise<Database & { migration: MigrationResult; pg: PGlite; consoleKeyValid: (key: string | null) => boolean }> {
  const dataDir = path.resolve(dir);
  await mkdir(dataDir, { recursive: true });
  const lock = lockFolder(dataDir);
  if ("heldBy" in lock) throw new DatabaseLockedError(dir, lock.heldBy);

  const pg = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  const migration = await migrate(sqlSession(pg));

  return {
    backend: "pglite",
    pg,
    migration,
    consoleKeyValid: issueConsoleKey(dataDir),
    rpc: checkedRpc(async (fn: string, args?: RpcArgs): Promise<unknown> => {
      const { sql, params } = namedCall(fn, args);
      try {
        const result = await pg.query<{ result: unknown }>(sql, params);
        return result.rows[0]?.result;
      } catch (error) {
        throw toDatabaseError(error);
      }
    }),
    async close() {
      await pg.close();
      lock.release();
    },
  };
}

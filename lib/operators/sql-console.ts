import "server-only";
import type { PGlite } from "@electric-sql/pglite";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { requireOperator } from "./auth";

// POST /api/operator/sql: `npm run db:sql` on the embedded database while the app holds its folder
// (docs/operations.md, "The SQL console"). An operator (admin token, login) or the console key the
// app wrote into the folder it holds (lib/db/console-key.ts). Other backends: connect directly.

export const consoleKeyHeader = "x-threadline-console-key";

interface EmbeddedDatabase extends Database {
  pg: PGlite;
  consoleKeyValid: (key: string | null) => boolean;
}

function embedded(db: Database): db is EmbeddedDatabase {
  return db.backend === "pglite" && "pg" in db && "consoleKeyValid" in db;
}

export interface ConsoleResult {
  fields: string[];
  rows: unknown[][];
  affectedRows: number | null;
}

/** Runs the statements as they are (one transaction per statement, as psql does) and answers every result. */
export async function runConsoleSql(db: Database, request: Request, sql: string): Promise<{ results: ConsoleResult[] }> {
  if (!(embedded(db) && db.consoleKeyValid(request.headers.get(consoleKeyHeader)))) await requireOperator(request, db);
  if (!embedded(db)) {
    throw new AppError("not_found:console", "The SQL console runs through the app only on the embedded database; connect to DATABASE_URL directly.");
  }
  try {
    const results = await db.pg.exec(sql, { rowMode: "array" });
    return {
      results: results.map((r) => ({
        fields: r.fields.map((f) => f.name),
        rows: JSON.parse(JSON.stringify(r.rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as unknown[][],
        affectedRows: r.affectedRows ?? null,
      })),
    };
  } catch (error) {
    throw new AppError("bad_request:console", error instanceof Error ? error.message : String(error));
  }
}

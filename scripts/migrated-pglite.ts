import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sqlSession } from "../lib/db/sql-session";

// A throw-away PGlite migrated with supabase/migrations, for the generators that read the catalog
// (scripts/schema-contract.ts, scripts/db-types.ts).

export type CatalogQuery = <R>(sql: string) => Promise<R[]>;

export async function withMigratedPglite<T>(read: (query: CatalogQuery) => Promise<T>): Promise<T> {
  const { createPgliteDatabase } = await import("../lib/db/pglite");
  const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-catalog-"));
  const db = await createPgliteDatabase(dir);
  try {
    return await read(sqlSession(db.pg).query);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

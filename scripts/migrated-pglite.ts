import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// A throw-away PGlite migrated with supabase/migrations, for the generators that read the catalog
// (scripts/schema-contract.ts, scripts/db-types.ts).

export type CatalogQuery = <R>(sql: string) => Promise<R[]>;

export async function withMigratedPglite<T>(read: (query: CatalogQuery) => Promise<T>): Promise<T> {
  const { createPgliteDatabase } = await import("../lib/db/pglite");
  const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-catalog-"));
  const db = await createPgliteDatabase(dir);
  try {
    return await read(async (sql) => (await db.pg.query(sql)).rows as never);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

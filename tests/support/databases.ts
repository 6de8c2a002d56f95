import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { createPgliteDatabase } from "@/lib/db/pglite";
import { createPostgresDatabase } from "@/lib/db/postgres";
import { migratePostgres } from "@/lib/db/postgres-migrate";
import { sqlSession } from "@/lib/db/sql-session";
import type { Database } from "@/lib/db/types";
import { startApp, type App } from "./app";

// Real databases for tests: a fresh migrated PGlite folder, or a fresh
// migrated database on the shared PostgreSQL server. Never a mock.

export interface TestDatabase {
  db: Database;
  /** Plain SQL for assertions. */
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

let counter = 0;

/** A new, empty database on the shared PostgreSQL server (nothing migrated). */
export async function emptyPostgresUrl(prefix = "t"): Promise<string> {
  const base = inject("pgUrl");
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return base.replace(/\/[^/]*$/, `/${name}`);
}

export async function freshPostgresUrl(): Promise<string> {
  const url = await emptyPostgresUrl();
  await migratePostgres(url);
  return url;
}

export async function openPostgres(): Promise<TestDatabase> {
  const db = createPostgresDatabase(await freshPostgresUrl(), { max: 60 });
  return {
    db,
    sql: sqlSession(db.pool).query,
    close: () => db.close(),
  };
}

export async function openPglite(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-pglite-"));
  const db = await createPgliteDatabase(dir);
  return {
    db,
    sql: sqlSession(db.pg).query,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The suite's database, opened before its tests and closed after them (inside a describe block). */
export function databaseFor(open: () => Promise<TestDatabase>): TestDatabase {
  const t = {} as TestDatabase;
  beforeAll(async () => {
    Object.assign(t, await open());
  });
  afterAll(() => t.close?.());
  return t;
}

export const backends = [
  { name: "pglite", open: openPglite },
  { name: "postgres", open: openPostgres },
] as const;

/**
 * A production app on its own freshly migrated PostgreSQL database, and a pool on it for assertions
 * (docs/architecture.md, "Test helpers"): `beforeAll(async () => { ({ app, db } = await startAppOnFreshDatabase(env)); })`.
 */
export async function startAppOnFreshDatabase(env: Record<string, string | undefined> = {}, poolMax = 2): Promise<{ app: App; db: pg.Pool }> {
  const url = await freshPostgresUrl();
  return { db: new pg.Pool({ connectionString: url, max: poolMax }), app: await startApp({ DATABASE_URL: url, ...env }) };
}

/** Stops what startAppOnFreshDatabase() started (either may be missing when the start failed). */
export async function stopAppAndPool(app: App | undefined, db: pg.Pool | undefined): Promise<void> {
  await app?.stop();
  await db?.end();
}

import { randomUUID } from "node:crypto";
import { test as base, expect } from "@playwright/test";
import pg from "pg";
import { migratePostgres } from "../../lib/db/postgres-migrate";

// Specs import `test` from here: baseURL is the shared server, `sql` queries its database.
export const test = base.extend<{ sql: <R = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]> }, { pool: pg.Pool }>({
  baseURL: async ({}, use) => use(process.env.THREADLINE_E2E_URL),
  pool: [
    async ({}, use) => {
      const pool = new pg.Pool({ connectionString: process.env.THREADLINE_E2E_DATABASE_URL, max: 2 });
      await use(pool);
      await pool.end();
    },
    { scope: "worker" },
  ],
  sql: async ({ pool }, use) => use(async (text, params) => (await pool.query(text, params)).rows),
});

export { expect };

/** The desktop and phone sizes a spec runs at (`for (const view of viewports) test.describe(…, () => test.use({ viewport: view.viewport }))`). */
export const viewports = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 375, height: 740 } },
] as const;

/** A new, migrated database on the test PostgreSQL server, for a spec's own app instance. */
export async function migratedDatabaseUrl(prefix: string): Promise<string> {
  const pgUrl = process.env.THREADLINE_TEST_PG_URL!;
  const name = `${prefix}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = pgUrl.replace(/\/postgres$/, `/${name}`);
  await migratePostgres(url);
  return url;
}

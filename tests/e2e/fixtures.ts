import { test as base, expect } from "@playwright/test";
import pg from "pg";

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

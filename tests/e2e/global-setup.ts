import pg from "pg";
import { migratePostgres } from "../../lib/db/postgres-migrate";
import { startApp } from "../support/app";
import { startPostgres } from "../support/postgres";

// One PostgreSQL server and one production server (on a fresh database) for the browser specs.
// Specs read THREADLINE_E2E_URL, THREADLINE_E2E_DATABASE_URL, THREADLINE_ADMIN_TOKEN and THREADLINE_TEST_PG_URL.
export default async function globalSetup() {
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query("create database e2e");
  await admin.end();
  const url = server.url.replace(/\/postgres$/, "/e2e");
  await migratePostgres(url);
  const token = "e2e-admin-token-0123456789-0123456789";
  const app = await startApp({ DATABASE_URL: url, ADMIN_TOKEN: token, SESSION_SECRET: "e2e-secret" });
  Object.assign(process.env, {
    THREADLINE_E2E_URL: app.url,
    THREADLINE_E2E_DATABASE_URL: url,
    THREADLINE_ADMIN_TOKEN: token,
    THREADLINE_TEST_PG_URL: server.url,
  });
  return async () => {
    await app.stop();
    server.stop();
  };
}

// npm run bench:explorer — how long /traces takes to show its first page in
// Chromium, with BENCH_TRACES (default 100,000) traces in a real PostgreSQL.
import pg from "pg";
import { chromium } from "@playwright/test";
import { migratePostgres } from "../../lib/db/postgres-migrate";
import { createDatabase, startPostgres } from "../../tests/support/postgres";
import { seedTraces } from "./seed-traces";
import { startServer } from "./server";

const traces = Number(process.env.BENCH_TRACES ?? 100_000);
const runs = Number(process.env.BENCH_REPEAT ?? 15);
const token = "bench-admin-token-of-at-least-32-characters";
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const pgServer = await startPostgres();
try {
  const url = await createDatabase(pgServer, "explorer_bench");
  await migratePostgres(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await seedTraces(client, traces, Math.max(100, Math.round(traces / 125)));
  await client.query("analyze");
  await client.end();
  const app = await startServer({ DATABASE_URL: url, ADMIN_TOKEN: token, CHAT_RATE_LIMIT_PER_MINUTE: "0" });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.request.post(`${app.url}/api/operator/login`, { data: { token } });
    const timings: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const started = performance.now();
      await page.goto(`${app.url}/traces`, { waitUntil: "commit" });
      await page.getByTestId("trace-row").nth(0).waitFor();
      if (i >= 2) timings.push(performance.now() - started); // two warm-up loads
    }
    const rows = await page.getByTestId("trace-row").count();
    console.log(`/traces first page (${rows} rows) with ${traces.toLocaleString("en")} traces, ${runs} loads in Chromium:`);
    console.log(`  p50 ${pct(timings, 50).toFixed(0)} ms, p90 ${pct(timings, 90).toFixed(0)} ms, max ${Math.max(...timings).toFixed(0)} ms`);
  } finally {
    await browser.close();
    await app.stop();
  }
} finally {
  pgServer.stop();
}

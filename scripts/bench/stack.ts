import { randomBytes } from "node:crypto";
import pg from "pg";
import { migratePostgres } from "../../lib/db/postgres-migrate";
import { createDatabase, startPostgres, type PostgresServer } from "../../tests/support/postgres";
import { cleanup, ensureBuild, progress } from "./common";
import { startServer, type Server } from "./server";

// What every benchmark starts the same way: a throwaway PostgreSQL migrated and seeded, the
// production server on it (offline model, rate limits off, no Supabase), stopped when done.

export type Stops = ReturnType<typeof cleanup>;

export interface Stack {
  postgres: PostgresServer;
  dbUrl: string;
  app: Server;
  /** SESSION_SECRET of the server: visitor cookies are signed with it. */
  secret: string;
}

/** A throwaway PostgreSQL, migrated and seeded, stopped when the benchmark ends. */
export async function startDatabase(stops: Stops): Promise<{ postgres: PostgresServer; dbUrl: string }> {
  progress("starting PostgreSQL");
  const postgres = await startPostgres();
  stops.add(() => postgres.stop());
  const dbUrl = await createDatabase(postgres, "threadline");
  await migratePostgres(dbUrl, { seed: true });
  return { postgres, dbUrl };
}

/**
 * The settings a production PostgreSQL for 10,000,000 traces would have on this machine's size (24 GiB,
 * 2 vCPUs, SSD), which bench:search's server runs with (docs/performance.md, "10 million traces").
 */
export const productionSettings: Record<string, string> = {
  shared_buffers: "6GB", // a quarter of RAM (Supabase's and the usual default)
  effective_cache_size: "18GB", // shared_buffers + the OS cache the rest of RAM gives
  work_mem: "32MB", // per sort or hash; the dashboard's aggregations stay in memory, 100 connections fit
  maintenance_work_mem: "1GB", // index builds, VACUUM; a bulk load's own session raises it to 2 GB
  random_page_cost: "1.1", // SSD: a random page costs about what a sequential one does
  effective_io_concurrency: "200",
  max_wal_size: "16GB", // no checkpoint forced by WAL volume during a busy hour or a bulk load
  min_wal_size: "1GB",
  checkpoint_timeout: "15min",
  checkpoint_completion_target: "0.9",
  jit: "off", // the app's statements are short; JIT compilation costs more than it saves on them
  max_parallel_workers_per_gather: "1", // 2 vCPUs: one worker beside the leader
  max_parallel_maintenance_workers: "1",
  max_parallel_workers: "2",
};

/**
 * What only a throwaway server may run with (never in production: a crash loses or corrupts data).
 * fsync is already off on every test and bench server (tests/support/postgres.ts).
 */
export const throwawaySettings: Record<string, string> = {
  full_page_writes: "off",
  synchronous_commit: "off",
  wal_level: "minimal", // index builds and new tables skip the WAL
  max_wal_senders: "0",
};

/** One line for a bench's output: the server's settings as they are (a new session's, not a load's). */
export async function describeSettings(client: pg.Client): Promise<string> {
  const names = [...Object.keys(productionSettings), ...Object.keys(throwawaySettings), "fsync"];
  const fresh = new pg.Client({ host: client.host, port: client.port, database: client.database, user: client.user, password: client.password });
  await fresh.connect();
  try {
    const { rows } = await fresh.query<{ name: string; setting: string }>(
      `select name, current_setting(name) as setting from pg_settings where name = any($1::text[]) order by array_position($1::text[], name)`,
      [names],
    );
    return rows.map((r) => `${r.name}=${r.setting}`).join(", ");
  } finally {
    await fresh.end();
  }
}

/** ALTER SYSTEM for each setting, then a restart (shared_buffers and wal_level need one). */
async function applySettings(postgres: PostgresServer, dbUrl: string, settings: Record<string, string>): Promise<void> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    for (const [name, value] of Object.entries(settings)) await client.query(`alter system set ${name} = '${value}'`);
  } finally {
    await client.end();
  }
  postgres.pause();
  postgres.resume();
}

/**
 * The same, with one connected client (closed when the benchmark ends). `production`: the server runs
 * with productionSettings and throwawaySettings (restarted after the migration).
 */
export async function startDatabaseClient(
  stops: Stops,
  applicationName: string,
  options: { production?: boolean } = {},
): Promise<{ postgres: PostgresServer; dbUrl: string; client: pg.Client }> {
  const { postgres, dbUrl } = await startDatabase(stops);
  if (options.production) {
    progress("restarting PostgreSQL with the production settings");
    await applySettings(postgres, dbUrl, { ...productionSettings, ...throwawaySettings });
  }
  const client = new pg.Client({ connectionString: dbUrl, application_name: applicationName });
  await client.connect();
  stops.add(() => client.end());
  return { postgres, dbUrl, client };
}

/**
 * Production's limits are on by default (lib/env.ts): each turn checks its visitor's and its address's
 * counts, and a new visitor its address's new visitors. The bench runs those checks with limits it never
 * reaches, each visitor from its own address (X-Forwarded-For through one trusted hop, scripts/bench/http.ts).
 * BENCH_RATE_LIMITS=0 switches them off, as the bench did before 2026-12-08 (docs/performance.md, "How they measure").
 */
export function benchLimits(): Record<string, string> {
  if (process.env.BENCH_RATE_LIMITS === "0") return { CHAT_RATE_LIMIT_PER_MINUTE: "0", CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: "0" };
  const never = "1000000000";
  return { CHAT_RATE_LIMIT_PER_MINUTE: never, CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: never, NEW_VISITORS_PER_IP_PER_MINUTE: never, TRUSTED_PROXY_HOPS: "1" };
}

export async function startStack(stops: Stops, env: Record<string, string> = {}, options: { nodeOptions?: string } = {}): Promise<Stack> {
  ensureBuild();
  const { postgres, dbUrl } = await startDatabase(stops);

  progress("starting the production server");
  const secret = randomBytes(32).toString("base64url");
  const app = await startServer({
    DATABASE_URL: dbUrl,
    SESSION_SECRET: secret,
    ADMIN_TOKEN: randomBytes(24).toString("base64url"),
    ...benchLimits(),
    LLM_BASE_URL: "",
    LLM_API_KEY: "",
    LLM_MODEL: "",
    NEXT_PUBLIC_SUPABASE_URL: "",
    SUPABASE_SERVICE_ROLE_KEY: "",
    ...env,
  }, options);
  stops.add(() => app.stop());
  return { postgres, dbUrl, app, secret };
}

/** Runs a benchmark's main and stops everything it started, also on error (exit code 1). */
export function runBenchmark(main: (stops: Stops) => Promise<void>): void {
  const stops = cleanup();
  main(stops)
    .then(() => stops.run())
    .catch(async (error) => {
      console.error(error);
      await stops.run();
      process.exit(1);
    });
}

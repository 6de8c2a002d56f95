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

/** The same, with one connected client (closed when the benchmark ends). */
export async function startDatabaseClient(stops: Stops, applicationName: string): Promise<{ postgres: PostgresServer; dbUrl: string; client: pg.Client }> {
  const { postgres, dbUrl } = await startDatabase(stops);
  const client = new pg.Client({ connectionString: dbUrl, application_name: applicationName });
  await client.connect();
  stops.add(() => client.end());
  return { postgres, dbUrl, client };
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
    CHAT_RATE_LIMIT_PER_MINUTE: "0",
    CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: "0",
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

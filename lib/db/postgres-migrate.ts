import pg from "pg";
import { migrate, type MigrationResult } from "./migrate";

// `npm run db:migrate` and the tests: migrate a DATABASE_URL database,
// one migrator at a time (an advisory lock, so two instances can both try).
export async function migratePostgres(connectionString: string, options: { seed?: boolean } = {}): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString, application_name: "threadline-migrate" });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext('threadline:migrate'))");
    return await migrate(
      {
        exec: async (sql) => {
          await client.query(sql);
        },
        query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
      },
      options,
    );
  } finally {
    await client.query("select pg_advisory_unlock(hashtext('threadline:migrate'))").catch(() => {});
    await client.end();
  }
}

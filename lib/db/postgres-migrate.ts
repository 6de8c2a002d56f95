import pg from "pg";
import { migrate, type MigrationResult } from "./migrate";
import { sqlSession } from "./sql-session";

// `npm run db:migrate` and the tests: migrate a DATABASE_URL database,
// one migrator at a time (an advisory lock, so two instances can both try).
export async function migratePostgres(connectionString: string, options: { seed?: boolean } = {}): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString, application_name: "threadline-migrate" });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext('threadline:migrate'))");
    return await migrate(sqlSession(client), options);
  } finally {
    await client.query("select pg_advisory_unlock(hashtext('threadline:migrate'))").catch(() => {});
    await client.end();
  }
}

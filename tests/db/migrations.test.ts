import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrate, type SqlSession } from "@/lib/db/migrate";
import { sqlSession } from "@/lib/db/sql-session";
import { emptyPostgresUrl } from "../support/databases";

// The released migrations are squashed into 20261130005000_baseline.sql (docs/architecture.md,
// "Migrations"). A database migrated through them has that version and skips the file; one migrated
// only part of the way must be stopped with a message that says what to do, before the file
// changes anything.

const baseline = "20261130005000";

async function partwayThenAgain(session: SqlSession): Promise<void> {
  const first = await migrate(session);
  expect(first.applied).toContain(`${baseline}_baseline`);
  expect((await migrate(session)).applied).toEqual([]);

  // as if the database had applied the released chain only up to an earlier version
  await session.exec(`delete from supabase_migrations.schema_migrations where version = '${baseline}'`);
  await session.exec("insert into public.app_settings (key, value) values ('partway', 'kept')");
  await expect(migrate(session)).rejects.toThrow(/apply the released migrations first/);

  // nothing of the file was applied: the rows are there and the version is still missing
  expect(await session.query("select value from public.app_settings where key = 'partway'")).toHaveLength(1);
  expect(await session.query("select 1 from supabase_migrations.schema_migrations where version = $1", [baseline])).toEqual([]);
}

describe("the squashed baseline", () => {
  it("stops a database migrated part of the way on PGlite", async () => {
    const db = await PGlite.create({ extensions: { pg_trgm } });
    const session = sqlSession(db);
    try {
      await partwayThenAgain(session);
    } finally {
      await db.close();
    }
  });

  it("stops a database migrated part of the way on PostgreSQL", async () => {
    const client = new pg.Client({ connectionString: await emptyPostgresUrl("t_partway") });
    await client.connect();
    const session = sqlSession(client);
    try {
      await partwayThenAgain(session);
    } finally {
      await client.end();
    }
  });
});

import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

// Applies supabase/migrations/*.sql in order, recording each in the table the
// Supabase CLI uses (supabase_migrations.schema_migrations), then the seed.

export interface SqlSession {
  /** Runs SQL text (several statements) without parameters. */
  exec(sql: string): Promise<void>;
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface MigrationResult {
  applied: string[];
  version: string | null;
}

const root = () => process.env.THREADLINE_ROOT ?? process.cwd();
export const migrationsDir = () => path.join(root(), "supabase", "migrations");
export const seedFile = () => path.join(root(), "supabase", "seed.sql");

export async function listMigrations(): Promise<{ version: string; name: string; file: string }[]> {
  const files = (await readdir(migrationsDir())).filter((f) => /^\d{14}_[\w-]+\.sql$/.test(f)).sort();
  return files.map((file) => ({ version: file.slice(0, 14), name: file.slice(15, -4), file: path.join(migrationsDir(), file) }));
}

export async function migrate(db: SqlSession, options: { seed?: boolean } = {}): Promise<MigrationResult> {
  await db.exec(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text primary key, statements text[], name text
    );`);
  const done = new Set(
    (await db.query<{ version: string }>("select version from supabase_migrations.schema_migrations")).map((r) => r.version),
  );
  const applied: string[] = [];
  for (const m of await listMigrations()) {
    if (done.has(m.version)) continue;
    const sql = await readFile(m.file, "utf8");
    // one transaction per migration: it lands whole or not at all
    await db.exec("begin");
    try {
      await db.exec(sql);
      await db.query("insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)", [
        m.version,
        m.name,
        [sql],
      ]);
      await db.exec("commit");
    } catch (error) {
      await db.exec("rollback");
      throw new Error(`Migration ${m.version}_${m.name} failed: ${(error as Error).message}`, { cause: error });
    }
    applied.push(`${m.version}_${m.name}`);
  }
  if (applied.length > 0 && options.seed !== false) await db.exec(await readFile(seedFile(), "utf8"));
  const [row] = await db.query<{ version: string | null }>("select max(version) as version from supabase_migrations.schema_migrations");
  return { applied, version: row?.version ?? null };
}

// npm run db:migrate — applies supabase/migrations/*.sql (and the seed, on first apply) to DATABASE_URL.
import { migratePostgres } from "../lib/db/postgres-migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("Set DATABASE_URL to the database to migrate (the embedded default migrates itself on start).");
  process.exit(1);
}
const result = await migratePostgres(url, { seed: !process.argv.includes("--no-seed") });
console.log(JSON.stringify({ applied: result.applied, version: result.version }));

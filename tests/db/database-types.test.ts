import { readFileSync } from "node:fs";
import pg from "pg";
import { expect, it } from "vitest";
import { databaseTypes, databaseTypesFile } from "../../scripts/db-types";
import { freshPostgresUrl } from "../support/databases";

// lib/db/database.types.ts is what `supabase gen types typescript` would print for the migrated
// schema: scripts/db-types.ts runs that generator (postgres-meta's) on a freshly migrated
// PostgreSQL. A migration that changes a table or a function fails here until `npm run db:types`
// is run again.

it("lib/db/database.types.ts is what `npm run db:types` generates from the migrated schema (PostgreSQL)", async () => {
  const url = await freshPostgresUrl();
  const generated = await databaseTypes(url);
  expect(generated).toContain("conversation_sessions: {");
  expect(generated).toContain("begin_turn: {");
  expect(readFileSync(databaseTypesFile, "utf8"), "run `npm run db:types`").toBe(generated);

  // what the hand-written generator got wrong, read from the catalog rather than from a list
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const functionsSection = generated.slice(generated.indexOf("    Functions: {"), generated.indexOf("    Enums: {"));
    // trigger functions are not callable through the API, so they are not RPCs
    const triggers = (await client.query<{ name: string }>(
      `select p.proname as name from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prorettype = 'trigger'::regtype`,
    )).rows.map((r) => r.name);
    expect(triggers.length).toBeGreaterThanOrEqual(9);
    for (const name of triggers) expect(functionsSection).not.toMatch(new RegExp(`^      ${name}: \\{`, "m"));
    // a computed field (a function of the row) is a column of the row it takes
    expect(generated).toMatch(/conversation_messages: \{\n\s+Row: \{[^}]*\bmessage_json: Json \| null\n/);
    // a NOT NULL jsonb column is never null
    const notNullJson = (await client.query<{ tbl: string; col: string }>(
      `select c.relname as tbl, a.attname as col from pg_attribute a join pg_class c on c.oid = a.attrelid
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
          and a.attnotnull and a.atttypid = 'jsonb'::regtype`,
    )).rows;
    expect(notNullJson.length).toBeGreaterThan(3);
    for (const { tbl, col } of notNullJson) {
      expect(generated, `${tbl}.${col}`).toMatch(new RegExp(`      ${tbl}: \\{\\n\\s+Row: \\{[^}]*\\n\\s+${col}: NonNullable<Json>\\n`));
    }
  } finally {
    await client.end();
  }
});

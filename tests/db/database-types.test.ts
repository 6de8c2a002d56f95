import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { databaseTypes, databaseTypesFile } from "../../scripts/db-types";
import type { CatalogQuery } from "../../scripts/migrated-pglite";
import { openPglite } from "../support/databases";

// lib/db/database.types.ts (the `supabase gen types typescript` shape) is what scripts/db-types.ts
// generates from the migrations: a migration that changes a table or a function fails here until
// `npm run db:types` is run again.

it("lib/db/database.types.ts is what `npm run db:types` generates from the migrated schema", async () => {
  const t = await openPglite();
  try {
    const generated = await databaseTypes(t.sql as CatalogQuery);
    expect(generated).toContain("conversation_sessions: {");
    expect(generated).toContain("begin_turn: {");
    expect(readFileSync(databaseTypesFile, "utf8"), "run `npm run db:types`").toBe(generated);
  } finally {
    await t.close();
  }
});

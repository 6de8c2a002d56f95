import "server-only";
import { env } from "../env";
import { toDatabaseError } from "./errors";
import type { Database } from "./types";

// The app's database, chosen by environment: Supabase, DATABASE_URL, or embedded PGlite.
// One per process (kept on globalThis so every route bundle shares it).

const key = Symbol.for("threadline.database");
type Holder = { [key]?: Promise<Database> };

export function database(): Promise<Database> {
  const holder = globalThis as Holder;
  if (!holder[key]) {
    holder[key] = open().catch((error) => {
      delete holder[key]; // a failed open is retried on the next request
      // a folder another process holds is a refusal to start (lib/startup.ts), not an outage
      if ((error as Error | undefined)?.name === "DatabaseLockedError") throw error;
      throw toDatabaseError(error);
    });
  }
  return holder[key]!;
}

async function open(): Promise<Database> {
  const e = env();
  if (e.NEXT_PUBLIC_SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY) {
    const { createSupabaseDatabase } = await import("./supabase");
    return createSupabaseDatabase(e.NEXT_PUBLIC_SUPABASE_URL, e.SUPABASE_SERVICE_ROLE_KEY);
  }
  if (e.DATABASE_URL) {
    const { createPostgresDatabase, preparedStatementsFor } = await import("./postgres");
    return createPostgresDatabase(e.DATABASE_URL, { prepared: preparedStatementsFor(e.DATABASE_PREPARED_STATEMENTS, e.DATABASE_URL) });
  }
  const { createPgliteDatabase } = await import("./pglite");
  return createPgliteDatabase(e.PGLITE_DIR);
}

export type { Database } from "./types";

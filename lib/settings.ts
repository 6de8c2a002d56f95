import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Database } from "./db/types";
import { env } from "./env";
import { log } from "./log";

// Secrets generated once and stored in the database, so every instance and
// every restart shares them. The env var wins when set. The admin token is
// stored only as a hash (README "Operators").

// Settled once per process and database: kept on globalThis, since Next.js may bundle this module once per
// route, and a per-bundle cache cost a chat route's first turn an ensure_setting round trip (docs/performance.md).
const cacheKey = Symbol.for("threadline.settings");
type Holder = { [cacheKey]?: WeakMap<Database, Map<string, Promise<string>>> };

function settled(db: Database): Map<string, Promise<string>> {
  const holder = globalThis as Holder;
  const byDb = (holder[cacheKey] ??= new WeakMap());
  let cache = byDb.get(db);
  if (!cache) byDb.set(db, (cache = new Map()));
  return cache;
}

async function ensureSetting(db: Database, key: string, onCreate?: (value: string) => void): Promise<string> {
  const result = await db.rpc("ensure_setting", {
    p_key: key,
    p_value: randomBytes(32).toString("base64url"),
  });
  if (result.created) onCreate?.(result.value);
  return result.value;
}

function once(db: Database, key: string, make: () => Promise<string>): Promise<string> {
  const cache = settled(db);
  let value = cache.get(key);
  if (!value) {
    value = make();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}

export function sessionSecret(db: Database): Promise<string> {
  const configured = env().SESSION_SECRET;
  return configured ? Promise.resolve(configured) : once(db, "session_secret", () => ensureSetting(db, "session_secret"));
}

/** sha256 in hex: how the admin token and operator login ids are stored. */
export function secretHash(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/**
 * Makes sure the database holds the admin token's hash (never the token). A configured
 * ADMIN_TOKEN replaces it (a changed token revokes every operator login); otherwise a
 * token is generated once, its hash stored, and the token printed once in a login URL.
 */
export function adminTokenReady(db: Database): Promise<void> {
  const configured = env().ADMIN_TOKEN;
  return once(db, "admin_token", async () => {
    if (configured) {
      await db.rpc("set_admin_token_hash", { p_hash: secretHash(configured) });
      return "";
    }
    const token = randomBytes(32).toString("base64url");
    const { created } = await db.rpc("ensure_admin_token_hash", { p_hash: secretHash(token) });
    if (created) {
      const port = process.env.PORT ?? "3000";
      const loginUrl = `http://localhost:${port}/login?token=${token}`;
      log("operator.token_created", { loginUrl });
      // the same URL as one plain line, easy to spot among the JSON log lines
      process.stdout.write(`\nOperator login (shown once, keep it): ${loginUrl}\n\n`);
    }
    return "";
  }).then(() => undefined);
}

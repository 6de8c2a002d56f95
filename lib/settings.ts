import "server-only";
import { randomBytes } from "node:crypto";
import type { Database } from "./db/types";
import { env } from "./env";
import { log } from "./log";

// Secrets generated once and stored in the database, so every instance and
// every restart shares them. The env var wins when set.

const cache = new Map<string, Promise<string>>();

async function ensureSetting(db: Database, key: string, onCreate?: (value: string) => void): Promise<string> {
  const result = await db.rpc<{ value: string; created: boolean }>("ensure_setting", {
    p_key: key,
    p_value: randomBytes(32).toString("base64url"),
  });
  if (result.created) onCreate?.(result.value);
  return result.value;
}

function once(key: string, make: () => Promise<string>): Promise<string> {
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
  return configured ? Promise.resolve(configured) : once("session_secret", () => ensureSetting(db, "session_secret"));
}

export function adminToken(db: Database): Promise<string> {
  const configured = env().ADMIN_TOKEN;
  if (configured) return Promise.resolve(configured);
  return once("admin_token", () =>
    ensureSetting(db, "admin_token", (token) => {
      // printed once, when first generated
      const port = process.env.PORT ?? "3000";
      log("operator.token_created", { loginUrl: `http://localhost:${port}/login?token=${token}` });
    }),
  );
}

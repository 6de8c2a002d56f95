import { randomBytes, timingSafeEqual } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";

// The SQL console's key for the embedded database (docs/operations.md, "The SQL console").
// PGlite is one process per folder, so while the app holds the folder `npm run db:sql` sends its SQL
// to the app (POST /api/operator/sql). The app writes a random key into the folder it holds
// (owner-only file): whoever can read that folder can read the whole database anyway, so the key
// gives the console no more than it already has, and it is good only while this process runs.

export const consoleKeyFile = (dataDir: string) => path.join(dataDir, "threadline.console");

export interface ConsoleKeyFile {
  pid: number;
  port: string | null;
  key: string;
}

/** Writes a fresh key for this process into the folder; returns a check for presented keys. */
export function issueConsoleKey(dataDir: string): (presented: string | null) => boolean {
  const key = randomBytes(32).toString("base64url");
  const file = consoleKeyFile(dataDir);
  const content: ConsoleKeyFile = { pid: process.pid, port: process.env.PORT ?? null, key };
  try {
    writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
    process.once("exit", () => rmSync(file, { force: true }));
  } catch {
    // a read-only folder: the console then needs the admin token
  }
  const expected = Buffer.from(key);
  return (presented) => {
    if (!presented) return false;
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
}

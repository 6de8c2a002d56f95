// npm run db:sql — a SQL console on whichever database the app is configured for
// (docs/operations.md, "The SQL console"):
//   npm run db:sql                      interactive (end a statement with ;  \q quits)
//   npm run db:sql -- -c "select 1"     one command
//   npm run db:sql -- -f file.sql       a file
// DATABASE_URL (or SUPABASE_DB_URL, Supabase's connection string) is used directly. The embedded
// PGlite folder belongs to one process: while the app runs on it, the SQL goes through the app
// (POST /api/operator/sql, with the console key the app wrote into the folder, or ADMIN_TOKEN);
// when the app is stopped, the console opens the folder itself.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { consoleKeyFile, type ConsoleKeyFile } from "../lib/db/console-key";
import { lockFolder } from "../lib/db/folder-lock";

interface Result {
  fields: string[];
  rows: unknown[][];
  affectedRows: number | null;
}
type Run = (sql: string) => Promise<Result[]>;

for (const file of [".env.local", ".env"]) {
  if (existsSync(file)) process.loadEnvFile(file);
}

function usage(): never {
  console.error('usage: npm run db:sql [-- -c "<sql>" | -f file.sql]');
  process.exit(2);
}

function parseArgs(argv: string[]): { command?: string; file?: string } {
  const out: { command?: string; file?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if ((flag === "-c" || flag === "--command") && value !== undefined) out.command = value;
    else if ((flag === "-f" || flag === "--file") && value !== undefined) out.file = value;
    else usage();
    i++;
  }
  return out;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** psql's aligned output: a header, a rule, the rows, "(n rows)". */
export function formatResult(r: Result): string {
  if (r.fields.length === 0) return r.affectedRows !== null ? `OK, ${r.affectedRows} row${r.affectedRows === 1 ? "" : "s"}` : "OK";
  const text = r.rows.map((row) => row.map(cell));
  const widths = r.fields.map((f, i) => Math.max(f.length, ...text.map((row) => (row[i] ?? "").length)));
  const line = (values: string[]) => " " + values.map((v, i) => v.padEnd(widths[i])).join(" | ");
  return [line(r.fields), widths.map((w) => "-".repeat(w + 2)).join("+"), ...text.map(line), `(${r.rows.length} row${r.rows.length === 1 ? "" : "s"})`].join("\n");
}

function viaPostgres(url: string): { run: Run; close: () => Promise<void>; label: string } {
  let client: import("pg").Client | null = null;
  return {
    label: `PostgreSQL (${new URL(url).host})`,
    run: async (sql) => {
      if (!client) {
        const pg = (await import("pg")).default;
        client = new pg.Client({ connectionString: url, application_name: "threadline-db-sql" });
        await client.connect();
      }
      const answer = (await client.query({ text: sql, rowMode: "array" })) as unknown;
      const results = (Array.isArray(answer) ? answer : [answer]) as import("pg").QueryArrayResult[];
      return results.map((r) => ({ fields: (r.fields ?? []).map((f) => f.name), rows: r.rows ?? [], affectedRows: r.fields?.length ? null : r.rowCount }));
    },
    close: async () => {
      await client?.end();
    },
  };
}

function viaApp(dir: string, held: number): { run: Run; close: () => Promise<void>; label: string } {
  let file: ConsoleKeyFile | null = null;
  try {
    file = JSON.parse(readFileSync(consoleKeyFile(dir), "utf8")) as ConsoleKeyFile;
  } catch {
    // no key file (an older app, a read-only folder): the admin token must do
  }
  const port = process.env.PORT ?? file?.port ?? "3000";
  const base = process.env.THREADLINE_URL ?? `http://localhost:${port}`;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (file && file.pid === held) headers["x-threadline-console-key"] = file.key;
  if (process.env.ADMIN_TOKEN) headers.Authorization = `Bearer ${process.env.ADMIN_TOKEN}`;
  return {
    label: `the running app's embedded database (${dir}, through ${base})`,
    run: async (sql) => {
      let res: Response;
      try {
        res = await fetch(`${base}/api/operator/sql`, { method: "POST", headers, body: JSON.stringify({ sql }) });
      } catch {
        throw new Error(`The app holding ${dir} (pid ${held}) does not answer at ${base}. Set PORT or THREADLINE_URL to where it listens.`);
      }
      const body = (await res.json().catch(() => null)) as { results?: Result[]; error?: { message: string } } | null;
      if (!res.ok || !body?.results) throw new Error(body?.error?.message ?? `The app answered ${res.status}.`);
      return body.results;
    },
    close: async () => {},
  };
}

async function viaFolder(dir: string): Promise<{ run: Run; close: () => Promise<void>; label: string }> {
  const lock = lockFolder(dir);
  if ("heldBy" in lock) throw new Error(`${dir} is held by pid ${lock.heldBy}.`);
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const pg = await PGlite.create(dir, { extensions: { pg_trgm } });
  return {
    label: `the embedded database in ${dir} (the app is not running)`,
    run: async (sql) =>
      (await pg.exec(sql, { rowMode: "array" })).map((r) => ({ fields: r.fields.map((f) => f.name), rows: r.rows as unknown[][], affectedRows: r.affectedRows ?? null })),
    close: async () => {
      await pg.close();
      lock.release();
    },
  };
}

async function connect() {
  const url = process.env.DATABASE_URL || process.env.SUPABASE_DB_URL;
  if (url) return viaPostgres(url);
  if (process.env.NEXT_PUBLIC_SUPABASE_URL && process.env.SUPABASE_SERVICE_ROLE_KEY) {
    throw new Error("On Supabase, set SUPABASE_DB_URL to the project's connection string (Project Settings → Database), or use its SQL editor.");
  }
  const dir = path.resolve(process.env.PGLITE_DIR || ".data/pglite");
  if (!existsSync(dir)) throw new Error(`No embedded database in ${dir} yet: run npm start once (it creates and migrates it).`);
  const lock = lockFolder(dir);
  if ("heldBy" in lock) return viaApp(dir, lock.heldBy);
  lock.release();
  return viaFolder(dir);
}

async function runAndPrint(run: Run, sql: string): Promise<boolean> {
  try {
    for (const r of await run(sql)) console.log(formatResult(r) + "\n");
    return true;
  } catch (error) {
    console.error(`ERROR: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

async function interactive(run: Run, label: string): Promise<void> {
  console.log(`Connected to ${label}. End a statement with ;  \\q quits.`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "threadline=> " });
  let buffer = "";
  let closed = false;
  rl.on("close", () => (closed = true));
  rl.prompt();
  for await (const line of rl) {
    if (buffer === "" && line.trim() === "\\q") break;
    buffer += line + "\n";
    if (line.trim().endsWith(";")) {
      await runAndPrint(run, buffer);
      buffer = "";
    }
    if (closed) break;
    rl.setPrompt(buffer === "" ? "threadline=> " : "threadline-> ");
    rl.prompt();
  }
  if (buffer.trim() !== "") await runAndPrint(run, buffer);
  rl.close();
}

const args = parseArgs(process.argv.slice(2));
let conn: Awaited<ReturnType<typeof connect>>;
try {
  conn = await connect();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
let ok = true;
if (args.command !== undefined) ok = await runAndPrint(conn.run, args.command);
else if (args.file !== undefined) ok = await runAndPrint(conn.run, readFileSync(args.file, "utf8"));
else await interactive(conn.run, conn.label);
await conn.close();
process.exit(ok ? 0 : 1);

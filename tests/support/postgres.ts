import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

// A throwaway PostgreSQL server: initdb into a temporary folder, a free port,
// stopped by its pid. Runs as the `postgres` user when we are root.

export interface PostgresServer {
  url: string;
  port: number;
  dir: string;
  stop(): void;
  /** pg_ctl stop/start on the same folder (for outage tests). */
  pause(): void;
  resume(): void;
}

function binDir(): string {
  for (const v of ["17", "16", "15", "14"]) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(path.join(dir, "initdb"))) return dir;
  }
  throw new Error("PostgreSQL server binaries not found: apt-get install -y postgresql");
}

/** The database pg_cron lives in on test servers (where the maintenance migration schedules its job). */
export const CRON_DATABASE = "postgres";

/** Preloads pg_cron when the server has it (Debian: postgresql-15-cron), as Supabase does. */
function preloadOptions(bin: string, socketDir: string): string {
  const version = path.basename(path.dirname(bin));
  const hasCron = existsSync(`/usr/share/postgresql/${version}/extension/pg_cron.control`);
  if (!hasCron) return "-c shared_preload_libraries=pg_stat_statements";
  return `-c shared_preload_libraries=pg_stat_statements,pg_cron -c cron.database_name=${CRON_DATABASE} -c cron.host=${socketDir}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const full = asRoot ? ["-u", "postgres", "--", path.join(bin, cmd), ...args] : args;
    const res = spawnSync(asRoot ? "runuser" : path.join(bin, cmd), full, { encoding: "utf8" });
    if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr || res.stdout}`);
    return res.stdout;
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-pg-"));
  chmodSync(dir, 0o777);
  if (asRoot) execFileSync("chown", ["postgres", dir]);
  const data = path.join(dir, "data");
  const port = await freePort();
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 ${preloadOptions(bin, dir)}`;
  const start = () => run("pg_ctl", ["-D", data, "-o", opts, "-l", path.join(dir, "log"), "-w", "start"]);
  const stopFast = () => run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  start();
  const pid = () => Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    pause: stopFast,
    resume: start,
    stop() {
      try {
        process.kill(pid(), "SIGINT");
        for (let i = 0; i < 100 && existsSync(path.join(data, "postmaster.pid")); i++) spawnSync("sleep", ["0.1"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh database on the server and returns its URL. */
export async function createDatabase(server: PostgresServer, name: string): Promise<string> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(`drop database if exists ${name}`);
  await client.query(`create database ${name}`);
  await client.end();
  return server.url.replace(/\/postgres$/, `/${name}`);
}

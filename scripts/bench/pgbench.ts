import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { summarize } from "./common";

// pgbench on the benchmark's own PostgreSQL server: what Postgres itself
// sustains on this machine, to read the chat figures against.

export interface PgbenchResult {
  name: string;
  clients: number;
  tps: number;
  p50: number;
  p99: number;
  mean: number;
}

function bin(): string {
  for (const v of ["17", "16", "15", "14"]) {
    const file = `/usr/lib/postgresql/${v}/bin/pgbench`;
    if (existsSync(file)) return file;
  }
  throw new Error("pgbench not found (apt-get install -y postgresql)");
}

function run(args: string[], cwd?: string): string {
  const res = spawnSync(bin(), args, { encoding: "utf8", cwd });
  if (res.status !== 0) throw new Error(`pgbench ${args.join(" ")} failed: ${res.stderr || res.stdout}`);
  return res.stdout + res.stderr;
}

export function pgbenchInit(url: string, scale: number): void {
  run(["-i", "-q", "-s", String(scale), url]);
}

/** One timed pgbench run; latencies (ms) from its per-transaction log. */
export function pgbench(url: string, name: string, clients: number, seconds: number, extra: string[] = []): PgbenchResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-pgbench-"));
  try {
    const jobs = Math.min(clients, os.availableParallelism());
    const out = run(["-n", "-c", String(clients), "-j", String(jobs), "-T", String(seconds), "-l", "--log-prefix", path.join(dir, "tx"), ...extra, url], dir);
    const tps = Number(/tps = ([0-9.]+)/.exec(out)?.[1] ?? NaN);
    const latencies: number[] = [];
    for (const file of readdirSync(dir)) {
      for (const line of readFileSync(path.join(dir, file), "utf8").split("\n")) {
        const us = Number(line.split(" ")[2]);
        if (Number.isFinite(us) && line) latencies.push(us / 1000);
      }
    }
    const s = summarize(latencies);
    return { name, clients, tps, p50: s.p50, p99: s.p99, mean: s.mean };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

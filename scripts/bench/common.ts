import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// Shared by the benchmarks: the machine, percentiles, tables, the build check.

export function machine(): Record<string, string> {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? "unknown"} × ${os.availableParallelism()} (nproc)`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    next: readJson("node_modules/next/package.json")?.version ?? "?",
    "load before": loadavg(),
  };
}

/** 1/5/15-minute load average: anything near nproc means something else competed for the CPU. */
export function loadavg(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(" / ") + " (1/5/15 min)";
}

function readJson(file: string): { version?: string } | null {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(samples: number[]): { n: number; p50: number; p99: number; max: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN, mean };
}

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "–");

/** A Markdown table (pastes straight into docs/performance.md), columns padded for the terminal. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => "| " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join("\n");
}

export function section(title: string): void {
  console.log(`\n## ${title}\n`);
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  if (!statSync(dir).isDirectory()) return statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Runs `next build` when there is no production build, when it lacks the
 * benchmark's baseline route, or when the app's sources (app/, lib/,
 * components/, proxy.ts, …) changed after it. BENCH_SKIP_BUILD=1 uses
 * whatever build exists.
 */
export function ensureBuild(): void {
  const buildId = ".next/BUILD_ID";
  const hasBuild = existsSync(buildId);
  if (hasBuild && process.env.BENCH_SKIP_BUILD === "1") return;
  const hasPing = existsSync(".next/server/app/api/bench/ping");
  const sources = ["app", "lib", "components", "proxy.ts", "instrumentation.ts", "next.config.js", "package-lock.json"];
  const stale = hasBuild && sources.some((d) => newestMtime(d) > statSync(buildId).mtimeMs);
  if (hasBuild && hasPing && !stale) return;
  progress(`next build (${!hasBuild ? "no build" : !hasPing ? "build lacks /api/bench/ping" : "sources changed since the build"})…`);
  const res = spawnSync(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "build"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (res.status !== 0) throw new Error("next build failed");
}

/** Stops everything registered, once, on normal exit, error or Ctrl-C. */
export function cleanup(): { add(fn: () => unknown): void; run(): Promise<void> } {
  const fns: (() => unknown)[] = [];
  let done = false;
  const run = async () => {
    if (done) return;
    done = true;
    for (const fn of fns.reverse()) {
      try {
        await fn();
      } catch (error) {
        progress(`cleanup: ${(error as Error).message}`);
      }
    }
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void run().then(() => process.exit(130)));
  }
  return { add: (fn) => fns.push(fn), run };
}

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./postgres";

// A production server (`next start` on the shared build) on a free loopback port.

export interface App {
  url: string;
  port: number;
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops and starts again on the same port and environment (a server restart). */
  restart(): Promise<void>;
}

export async function startApp(env: Record<string, string | undefined> = {}): Promise<App> {
  const port = await freePort();
  const logs: string[] = [];
  const baseEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    NEXT_TELEMETRY_DISABLED: "1",
    // every SQL result is checked against lib/db/registry.ts in the production build too
    THREADLINE_CHECK_RPC: "1",
    CHAT_RATE_LIMIT_PER_MINUTE: "0",
    CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: "0",
    // every test client shares 127.0.0.1: per-address limits are off unless a test turns them on
    NEW_VISITORS_PER_IP_PER_MINUTE: "0",
    OPERATOR_AUTH_FAILURES_PER_MINUTE: "0",
    PGLITE_DIR: env.DATABASE_URL ? undefined : path.join(mkdtempSync(path.join(os.tmpdir(), "threadline-app-")), "pglite"),
    ...env,
  };
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      env: baseEnv as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d) => logs.push(...String(d).split("\n").filter(Boolean)));
    child.stderr!.on("data", (d) => logs.push(...String(d).split("\n").filter(Boolean)));
    await waitForHealth(`http://127.0.0.1:${port}`, child, logs);
  };
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  };
  await launch();
  return { url: `http://127.0.0.1:${port}`, port, logs, stop, restart: async () => (await stop(), await launch()) };
}

async function waitForHealth(url: string, child: ChildProcess, logs: string[]): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${logs.join("\n")}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`next start did not become healthy:\n${logs.join("\n")}`);
}

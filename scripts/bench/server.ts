import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../tests/support/postgres";

// The production server for the benchmark: `next start` on loopback, its
// stdout/stderr (one JSON log line per chat turn) going to a file. Not a pipe
// to this process: writes to a pipe are synchronous on Linux, and the pipe
// would fill while this process is busy generating load, stalling the server
// on its own logging.

export interface Server {
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export async function startServer(env: Record<string, string>, options: { nodeOptions?: string } = {}): Promise<Server> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "threadline-bench-app-"));
  const logFile = path.join(dir, "server.log");
  const fd = openSync(logFile, "a");
  const child = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      NODE_OPTIONS: options.nodeOptions ?? "",
      ...env,
    },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, pid: child.pid!, logFile, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const logs = readFileSync(logFile, "utf8");
  await stop();
  throw new Error(`next start did not become healthy:\n${logs}`);
}

import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// CPU time (user + system) of a process tree, from /proc: the Next.js server
// and the PostgreSQL server, so a scenario's cost per request can be split
// between them. Children that already exited count through cutime/cstime.
// Linux only; elsewhere every reading is NaN.

const ticksPerSecond = 100; // USER_HZ on every Linux architecture Node supports

function stat(pid: number): { ppid: number; own: number; children: number } | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = raw.slice(raw.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/** CPU milliseconds used so far by pid and all its descendants. */
export function treeCpuMs(pid: number): number {
  if (os.platform() !== "linux" || !existsSync(`/proc/${pid}`)) return NaN;
  const parents = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const child = Number(name);
    if (!Number.isInteger(child)) continue;
    const s = stat(child);
    if (s) parents.set(s.ppid, [...(parents.get(s.ppid) ?? []), child]);
  }
  let ticks = 0;
  const visit = (p: number) => {
    const s = stat(p);
    if (!s) return;
    ticks += s.own + s.children;
    for (const c of parents.get(p) ?? []) visit(c);
  };
  visit(pid);
  return (ticks * 1000) / ticksPerSecond;
}

/** The postmaster's pid of a server started by tests/support/postgres.ts. */
export function postmasterPid(serverDir: string): number {
  return Number(readFileSync(path.join(serverDir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
}

/** CPU used by the server, Postgres and this process (the load generator) over a measured block. */
export async function measureCpu<T>(appPid: number, pgPid: number, run: () => Promise<T>): Promise<{ result: T; appMs: number; pgMs: number; loadMs: number }> {
  const self = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const [a0, p0, l0] = [treeCpuMs(appPid), treeCpuMs(pgPid), self()];
  const result = await run();
  return { result, appMs: treeCpuMs(appPid) - a0, pgMs: treeCpuMs(pgPid) - p0, loadMs: self() - l0 };
}

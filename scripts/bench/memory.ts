// npm run bench:memory — the server's resident memory over many chat turns
// (docs/performance.md, "Memory"): does it stop growing?
//
// Builds when needed, starts a throwaway PostgreSQL and the production server
// (offline model, rate limits off), then drives BENCH_TURNS chat turns (default
// 100,000) with autocannon: 9 in 10 continue the session of one of BENCH_VISITORS
// visitors (default 64), 1 in 10 is a new visitor's first message (a new session,
// tag and trace), so anything the server keeps per visitor or per session shows as
// growth. The resident set (VmRSS of the server's process tree, from /proc) is read
// before the first turn and after every tenth of the turns; the report is the table
// and the growth between the half-way point and the end.
//
// BENCH_TURNS, BENCH_VISITORS, BENCH_CONNECTIONS (default 8), BENCH_SKIP_BUILD=1.
import { readdirSync, readFileSync } from "node:fs";
import autocannon, { type Request } from "autocannon";
import { fmt, loadavg, machine, progress, section, table } from "./common";
import { continueRequests, createSessions, newSessionRequests, newVisitor } from "./http";
import { runBenchmark, startStack, type Stops } from "./stack";

const turns = Number(process.env.BENCH_TURNS ?? 100_000);
const visitors = Number(process.env.BENCH_VISITORS ?? 64);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const checkpoints = 10;


/** Resident set of a process and its descendants, in MiB (Linux /proc). */
function treeRssMiB(pid: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const p = Number(name);
    if (!Number.isInteger(p)) continue;
    try {
      const raw = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(raw.slice(raw.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), p]);
    } catch {
      // exited meanwhile
    }
  }
  let kib = 0;
  const visit = (p: number) => {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return kib / 1024;
}

/** `amount` requests, then stop; failures are counted, not thrown. */
async function drive(url: string, amount: number, requests: Request[]): Promise<{ ok: number; failed: number; seconds: number }> {
  const result = await autocannon({ url, connections, amount, timeout: 30, requests });
  return { ok: result["2xx"], failed: result.errors + result.timeouts + result.non2xx, seconds: result.duration };
}

async function main(stops: Stops) {
  const host = machine();
  const { app, secret } = await startStack(stops);

  const pool = Array.from({ length: visitors }, () => newVisitor(secret));
  progress(`creating ${visitors} visitors' sessions`);
  await createSessions(app.url, pool);
  const continued = continueRequests(pool)[0];
  const fresh = newSessionRequests(secret)[0];
  let n = 0;
  const mixed: Request[] = [{
    method: "POST",
    path: "/api/chat",
    setupRequest: (req, ctx) => (n++ % 10 === 9 ? fresh : continued).setupRequest!(req, ctx),
  }];

  const rows: { turns: number; rss: number; failed: number; seconds: number }[] = [{ turns: 0, rss: treeRssMiB(app.pid), failed: 0, seconds: 0 }];
  const step = Math.ceil(turns / checkpoints);
  let done = 0;
  let failed = 0;
  while (done < turns) {
    const amount = Math.min(step, turns - done);
    const r = await drive(app.url, amount, mixed);
    done += amount;
    failed += r.failed;
    rows.push({ turns: done, rss: treeRssMiB(app.pid), failed, seconds: r.seconds });
    progress(`${done.toLocaleString("en")} turns: RSS ${fmt(rows.at(-1)!.rss, 1)} MiB (${r.failed} failed in this step, ${fmt(amount / r.seconds, 0)} turns/s)`);
  }

  section("Machine");
  for (const [k, v] of Object.entries({ ...host, "load after": loadavg() })) console.log(`- ${k}: ${v}`);
  console.log(`- ${turns.toLocaleString("en")} turns, ${connections} connections, ${visitors} returning visitors + a new visitor every 10th turn; offline model`);

  section("Server resident memory (VmRSS of `next start` and its children, MiB)");
  console.log(table(["turns", "RSS MiB", "Δ since previous", "failed so far"], rows.map((r, i) => [
    r.turns.toLocaleString("en"), fmt(r.rss, 1), i ? fmt(r.rss - rows[i - 1].rss, 1) : "", r.failed,
  ])));
  const half = rows.reduce((best, r) => (Math.abs(r.turns - turns / 2) < Math.abs(best.turns - turns / 2) ? r : best), rows[0]);
  const end = rows.at(-1)!;
  section("Goal");
  console.log(`- RSS after ${end.turns.toLocaleString("en")} turns: ${fmt(end.rss, 1)} MiB; from ${half.turns.toLocaleString("en")} to ${end.turns.toLocaleString("en")} turns: ${fmt(end.rss - half.rss, 1)} MiB (${fmt((100 * (end.rss - half.rss)) / half.rss, 1)} %)`);
  if (failed) console.log(`- WARNING: ${failed} requests failed`);
}

runBenchmark(main);

// npm run experiment -- --dataset <name> --agent <key>@<version|draft> [--baseline <run>] [--max-regression <n>]
//                       [--evaluators a,b]
// Runs an agent version (or its draft) over a dataset through the real chat turn, on the database the
// app is configured for (DATABASE_URL, else the embedded PGlite folder, which the app must not hold),
// prints the items and, with --baseline, the comparison with that run; exits 1 when a score's mean
// falls more than --max-regression (default 0) below the baseline's, else 0 (2: bad arguments, 3: the
// run failed). The evaluators are --evaluators, else the baseline's. docs/architecture.md, "Datasets and experiments".
import { existsSync } from "node:fs";
import type { Database } from "../lib/db/types";
import { compareExperiments, experimentDetail, regressions, startExperiment, type ExperimentComparison, type ExperimentDetail } from "../lib/experiments/experiments";
import { experimentWorker } from "../lib/experiments/worker";
import { captureLogs } from "../lib/log";

for (const file of [".env.local", ".env"]) {
  if (existsSync(file)) process.loadEnvFile(file);
}

interface Args {
  dataset: string;
  agent: string;
  version: number | "draft";
  baseline?: string;
  maxRegression: number;
  evaluators?: string[];
}

function usage(message?: string): never {
  if (message) console.error(message);
  console.error("usage: npm run experiment -- --dataset <name> --agent <key>@<version|draft> [--baseline <run>] [--max-regression <n>] [--evaluators a,b]");
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i]?.startsWith("--") || argv[i + 1] === undefined) usage(`Unexpected argument ${argv[i]}.`);
    flags.set(argv[i].slice(2), argv[i + 1]);
  }
  const dataset = flags.get("dataset");
  const agent = flags.get("agent")?.match(/^([a-z][a-z0-9_]*)@(draft|[1-9][0-9]*)$/);
  if (!dataset) usage("--dataset is required.");
  if (!agent) usage("--agent is <key>@<version|draft>, e.g. order_assistant@3.");
  const maxRegression = Number(flags.get("max-regression") ?? "0");
  if (!Number.isFinite(maxRegression) || maxRegression < 0) usage("--max-regression is a number ≥ 0.");
  return {
    dataset, agent: agent[1], version: agent[2] === "draft" ? "draft" : Number(agent[2]), baseline: flags.get("baseline"), maxRegression,
    evaluators: flags.get("evaluators")?.split(",").map((e) => e.trim()).filter(Boolean),
  };
}

async function open(): Promise<Database> {
  if (process.env.DATABASE_URL) {
    const { createPostgresDatabase, preparedStatementsFor } = await import("../lib/db/postgres");
    // the app's one reading of the setting (lib/env.ts validates it)
    const setting = (await import("../lib/env")).env().DATABASE_PREPARED_STATEMENTS;
    return createPostgresDatabase(process.env.DATABASE_URL, { prepared: preparedStatementsFor(setting, process.env.DATABASE_URL) });
  }
  return (await import("../lib/db/pglite")).createPgliteDatabase(process.env.PGLITE_DIR || ".data/pglite");
}

const cut = (text: string | null | undefined, n: number) => {
  const one = (text ?? "").replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};
const fmt = (v: number | string | boolean | null | undefined) => (v === null || v === undefined ? "–" : typeof v === "number" ? String(Math.round(v * 1000) / 1000) : String(v));
const signed = (v: number | null) => (v === null ? "–" : `${v > 0 ? "+" : ""}${fmt(v)}`);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ")).join("\n");
}

/** The item's first visitor message: what tells the items apart (they often end alike, "yes"). */
const opening = (input: readonly { role: string; content: string }[]) => input.find((m) => m.role === "user")?.content;

function printRun(x: ExperimentDetail): void {
  const names = Object.keys(x.totals.scores);
  const rows = [["#", "conversation", "reply", ...names, "cost $", "ms"]];
  for (const i of x.items) {
    rows.push([String(i.position), cut(opening(i.input), 32), i.error ? `ERROR ${cut(i.error, 40)}` : cut(i.reply, 48),
      ...names.map((n) => fmt(i.scores.find((s) => s.name === n)?.value)), fmt(i.costUsd), fmt(i.latencyMs)]);
  }
  rows.push(["", "mean", "", ...names.map((n) => fmt(x.totals.scores[n])), fmt(x.totals.costUsd), fmt(x.totals.avgLatencyMs)]);
  console.log(table(rows));
}

function printComparison(c: ExperimentComparison): void {
  const names = Object.keys(c.totals.scores);
  const rows = [["#", "conversation", ...names.flatMap((n) => [`${n} base`, "cand", "Δ"]), "cost Δ $", "ms Δ"]];
  for (const [k, i] of c.items.entries()) {
    rows.push([String(k + 1), cut(opening(i.input), 32),
      ...names.flatMap((n) => [fmt(i.base?.scores.find((s) => s.name === n)?.value), fmt(i.other?.scores.find((s) => s.name === n)?.value), signed(i.deltas.scores[n] ?? null)]),
      signed(i.deltas.costUsd), signed(i.deltas.latencyMs)]);
  }
  rows.push(["", "mean", ...names.flatMap((n) => [fmt(c.totals.scores[n].base), fmt(c.totals.scores[n].other), signed(c.totals.scores[n].delta)]),
    signed(c.totals.costUsd.delta), signed(c.totals.avgLatencyMs.delta)]);
  console.log(table(rows));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const db = await open();
  // the app's own log lines (a session started, continued) stay out of the table; warnings go to stderr
  const logs = captureLogs();
  try {
    const baseline = args.baseline ? await experimentDetail(db, args.baseline) : null;
    const evaluators = args.evaluators ?? baseline?.evaluators ?? [];
    const started = await startExperiment(db, { dataset: args.dataset, agent: args.agent, version: args.version, evaluators }, "cli");
    console.log(`experiment ${started.id}: ${args.agent}@${started.version} over ${args.dataset} (${started.items} items; evaluators: ${evaluators.join(", ") || "none"})`);
    const worker = experimentWorker(db);
    let run = await experimentDetail(db, started.id);
    for (let pass = 0; run.status === "running" && pass < 1000; pass++) {
      const r = await worker.run();
      run = await experimentDetail(db, started.id);
      if (run.status === "running" && r.claimed === 0) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    printRun(run);
    if (run.status !== "completed") {
      console.error(`experiment ${run.id} ${run.status}`);
      return 3;
    }
    if (!baseline) return 0;
    const comparison = await compareExperiments(db, baseline.id, run.id);
    console.log(`\ncompared with baseline ${baseline.id} (${baseline.agent}@${baseline.version}):`);
    printComparison(comparison);
    const fallen = regressions(comparison, args.maxRegression);
    for (const f of fallen) console.log(`REGRESSION ${f.name}: ${fmt(f.base)} → ${fmt(f.other)} (${signed(f.delta)}, allowed −${args.maxRegression})`);
    if (fallen.length === 0) console.log(`no score fell more than ${args.maxRegression} below the baseline`);
    return fallen.length ? 1 : 0;
  } finally {
    logs.release();
    for (const line of logs.lines) if (line.level !== "info") console.error(JSON.stringify(line));
    await (db as { close?: () => Promise<void> }).close?.();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(String((error as Error)?.message ?? error));
    process.exit(3);
  },
);

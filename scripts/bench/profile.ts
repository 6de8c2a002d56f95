// tsx scripts/bench/profile.ts <file.cpuprofile> — where the server's CPU went.
// Frames in the production build are mapped back to their source through the
// build's source maps, then time is summed per source: self time (where the
// CPU was) and inclusive time (a sample counts once for each source on its
// stack: "time spent in or under lib/chat/turn.ts"). Profiles come from
// BENCH_CPU_PROFILE=<dir> npm run bench. With the run's windows.json beside the profile (chat.ts
// writes it), each scenario's samples are also summed on their own, in ms per request, and every
// scenario is compared with the floor at the same connections (ms per request over the floor's, by source).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) {
  console.error("usage: tsx scripts/bench/profile.ts <file.cpuprofile>");
  process.exit(1);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

const maps = new Map<string, SourceMap | null>();
function mapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const path = fileURLToPath(url) + ".map";
      if (existsSync(path)) map = new SourceMap(JSON.parse(readFileSync(path, "utf8")));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url)!;
}

/** A frame's source: an app file (lib/…, app/…), a package, Node internals, or a V8 pseudo-frame. */
function sourceOf(frame: ProfileNode["callFrame"]): string {
  let url = frame.url;
  if (!url) return frame.functionName; // (idle), (garbage collector), (program)
  if (url.startsWith("node:")) return "node internals";
  if (url.startsWith("file://") && url.includes("/.next/")) {
    const entry = mapOf(url)?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string } | undefined;
    if (entry?.originalSource) url = entry.originalSource;
  }
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = url.slice(nm + "node_modules/".length).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const app = /(?:^|\/)((?:app|lib|components)\/.+)$/.exec(url.replace(/^.*\[project\]\//, ""));
  return app ? app[1] : url.replace(/^.*\/\.next\//, ".next/");
}

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const sources = new Map<number, string>();
const source = (id: number) => {
  if (!sources.has(id)) sources.set(id, sourceOf(nodes.get(id)!.callFrame));
  return sources.get(id)!;
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let busy = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  total += us;
  const own = source(id);
  self.set(own, (self.get(own) ?? 0) + us);
  if (own !== "(idle)") busy += us;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(source(at));
  for (const s of seen) inclusive.set(s, (inclusive.get(s) ?? 0) + us);
});

const top = (m: Map<string, number>, n: number, of: number) =>
  [...m]
    .filter(([k]) => k !== "(root)" && k !== "(idle)")
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${((100 * us) / of).toFixed(1).padStart(5)}%  ${k.length > 100 ? `${k.slice(0, 97)}…` : k}`);
console.log(`${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of busy time)\n`);
console.log(`self time by source:\n${top(self, 20, busy).join("\n")}\n`);
console.log(`inclusive time by source (in or under it):\n${top(inclusive, 30, busy).join("\n")}`);

interface Window {
  scenario: string;
  connections: number;
  startUs: number;
  endUs: number;
  requests: number;
}
const windowsFile = join(dirname(file), "windows.json");
if (existsSync(windowsFile)) {
  const windows = JSON.parse(readFileSync(windowsFile, "utf8")) as Window[];
  const perWindow = windows.map(() => ({ self: new Map<string, number>(), inclusive: new Map<string, number>(), busy: 0 }));
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const w = windows.findIndex((x) => at >= x.startUs && at < x.endUs);
    if (w < 0) return;
    const own = source(id);
    if (own === "(idle)") return;
    const into = perWindow[w];
    into.busy += profile.timeDeltas[i] ?? 0;
    into.self.set(own, (into.self.get(own) ?? 0) + (profile.timeDeltas[i] ?? 0));
    const seen = new Set<string>();
    for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) seen.add(source(up));
    for (const s of seen) into.inclusive.set(s, (into.inclusive.get(s) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const perRequest = (w: number, us: number) => us / 1000 / Math.max(windows[w].requests, 1);
  console.log("\nper scenario (profiled CPU ms per request; self time by source, top 25, and the difference to the floor's):");
  windows.forEach((win, w) => {
    const floor = windows.findIndex((x) => x.scenario === "floor" && x.connections === win.connections);
    const f = floor >= 0 ? perWindow[floor] : undefined;
    const diff = (k: string, us: number) => (f && floor !== w ? perRequest(w, us) - perRequest(floor, f.self.get(k) ?? 0) : 0);
    console.log(`\n${win.scenario} × ${win.connections}: ${win.requests} requests, ${perRequest(w, perWindow[w].busy).toFixed(3)} ms busy per request` +
      (f && floor !== w ? ` (floor ${perRequest(floor, f.busy).toFixed(3)}, + ${(perRequest(w, perWindow[w].busy) - perRequest(floor, f.busy)).toFixed(3)})` : ""));
    for (const kind of ["self", "inclusive"] as const) {
      const mine = perWindow[w][kind];
      const theirs = f && floor !== w ? f[kind] : undefined;
      const keys = new Set([...mine.keys(), ...(theirs ? theirs.keys() : [])]);
      const rowsOut = [...keys].filter((k) => k !== "(root)").map((k) => {
        const ms = perRequest(w, mine.get(k) ?? 0);
        return { k, ms, over: theirs ? ms - perRequest(floor, theirs.get(k) ?? 0) : 0 };
      });
      rowsOut.sort((a, b) => (theirs ? b.over - a.over : b.ms - a.ms));
      console.log(`  ${kind} time:`);
      for (const r of rowsOut.slice(0, 25)) {
        console.log(`${r.ms.toFixed(3).padStart(8)} ms${theirs ? `  ${(r.over >= 0 ? "+" : "") + r.over.toFixed(3)}` : ""}  ${r.k.length > 100 ? `${r.k.slice(0, 97)}…` : r.k}`);
      }
    }
  });
}

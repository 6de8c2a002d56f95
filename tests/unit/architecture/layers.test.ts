import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Imports run one way (docs/architecture.md, "Layers"): app → components → lib, and inside lib
// from a higher layer to a lower one, never up, with no loop between lib's parts. A part is a
// folder or file of lib/ (the longest prefix below names it); the layers are listed low to high.

const layers: readonly (readonly string[])[] = [
  // 0 foundations: no lib imports but each other
  ["lib/errors.ts", "lib/log.ts", "lib/env-fields.ts", "lib/env.ts", "lib/time-range.ts", "lib/clock.ts", "lib/http/json-bounds.ts"],
  // 1 the database
  ["lib/db/"],
  // 2 what the database and the environment serve directly
  ["lib/settings.ts", "lib/supabase/", "lib/request/", "lib/queue/"],
  // 3 the domain: contracts, agents, orders, catalog, models, operators
  ["lib/chat/wire.ts", "lib/agents/", "lib/orders/", "lib/catalog/", "lib/models/", "lib/operators/"],
  // 4 request rules and the route wrapper
  ["lib/http/"],
  // 5 features
  ["lib/tools/", "lib/chat/", "lib/traces/", "lib/dashboard/", "lib/telemetry/", "lib/votes/", "lib/scores/", "lib/privacy/", "lib/voice/", "lib/visitors/", "lib/reviews/", "lib/datasets/"],
  // 6 channels, and evaluators (they grade what the chat stored, with its models)
  ["lib/channels/", "lib/evaluators/"],
  // 7 experiments: replays through the chat turn, graded by the evaluators
  ["lib/experiments/"],
  // 8 the process
  ["lib/startup.ts", "lib/health.ts"],
];

const root = path.resolve(import.meta.dirname, "../../..");

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(rel);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [rel] : [];
  });
}

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']/g;

/** The repository files a file imports (packages left out). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  for (const m of text.matchAll(importPattern)) {
    const spec = m[1] ?? m[2] ?? m[3];
    let base: string;
    if (spec.startsWith("@/")) base = spec.slice(2);
    else if (spec.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    else continue;
    const found = [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base].find((c) => existsSync(path.join(root, c)) && statSync(path.join(root, c)).isFile());
    if (found) out.push(found);
  }
  return out;
}

/** The part of lib a file belongs to (the longest listed prefix) and its layer. */
function partOf(file: string): { part: string; layer: number } | null {
  let best: { part: string; layer: number } | null = null;
  layers.forEach((parts, layer) => {
    for (const part of parts) if ((file === part || (part.endsWith("/") && file.startsWith(part))) && part.length > (best?.part.length ?? 0)) best = { part, layer };
  });
  return best;
}

type Edge = { from: string; to: string; file: string; imported: string };

/** Every import from one part of lib to another. */
function partEdges(files: readonly string[], imports: (f: string) => string[]): Edge[] {
  const edges: Edge[] = [];
  for (const file of files) {
    const from = partOf(file);
    for (const imported of imports(file)) {
      const to = partOf(imported);
      if (from && to && from.part !== to.part) edges.push({ from: from.part, to: to.part, file, imported });
    }
  }
  return edges;
}

function upArrows(edges: readonly Edge[]): string[] {
  return edges.filter((e) => partOf(e.file)!.layer < partOf(e.imported)!.layer).map((e) => `${e.file} → ${e.imported}`);
}

/** The loops between parts (strongly connected components of more than one part). */
function loops(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("imports run one way", () => {
  const lib = sources("lib");

  it("every file of lib/ belongs to a listed part", () => {
    expect(lib.filter((f) => !partOf(f))).toEqual([]);
  });

  it("lib/ has no up-arrow: no part imports a part of a higher layer", () => {
    expect(upArrows(partEdges(lib, importsOf))).toEqual([]);
  });

  it("lib/ has no loop between its parts, nor between its files", () => {
    expect(loops(partEdges(lib, importsOf))).toEqual([]);
    const fileEdges = lib.flatMap((file) => importsOf(file).map((imported) => ({ from: file, to: imported, file, imported })));
    expect(loops(fileEdges)).toEqual([]);
  });

  it("lib/ imports neither components/ nor app/; components/ does not import app/", () => {
    const reaches = (files: string[], prefixes: string[]) => files.flatMap((f) => importsOf(f).filter((i) => prefixes.some((p) => i.startsWith(p))).map((i) => `${f} → ${i}`));
    expect(reaches(lib, ["components/", "app/"])).toEqual([]);
    expect(reaches(sources("components"), ["app/"])).toEqual([]);
  });

  it("the app's database is opened by the route wrapper (and pages, health, startup): chat, voice and WhatsApp use the one it hands them", () => {
    const opens = [...lib, ...sources("app"), ...sources("components")].filter((f) => importsOf(f).includes("lib/db/index.ts"));
    expect(opens.sort()).toEqual(["app/login/page.tsx", "lib/health.ts", "lib/http/route.ts", "lib/operators/pages.ts", "lib/startup.ts"]);
  });

  it("the checks fail on an up-arrow and on a loop (a made-up graph)", () => {
    const made: Record<string, string[]> = {
      "lib/db/rpc/chat.ts": ["lib/chat/endings.ts"],
      "lib/chat/endings.ts": ["lib/log.ts"],
      "lib/http/route.ts": ["lib/operators/auth.ts"],
      "lib/operators/auth.ts": ["lib/http/cookies.ts"],
    };
    const edges = partEdges(Object.keys(made), (f) => made[f] ?? []);
    expect(upArrows(edges)).toEqual(["lib/db/rpc/chat.ts → lib/chat/endings.ts", "lib/operators/auth.ts → lib/http/cookies.ts"]);
    expect(loops(edges)).toEqual([["lib/http/", "lib/operators/"]]);
  });
});

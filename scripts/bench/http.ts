import { randomUUID } from "node:crypto";
import autocannon, { type Request } from "autocannon";
import { signVisitor } from "../../lib/http/visitor-cookie";
import { summarize } from "./common";

// The HTTP side of `npm run bench`: the scenarios' requests and one bounded
// autocannon run. Latencies are taken from autocannon's per-response
// hrtime figures (sub-millisecond), not its integer-ms histogram.

export interface LoadResult {
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
}

export async function load(url: string, connections: number, seconds: number, requests: Request[]): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const instance = autocannon({ url, connections, duration: seconds, timeout: 30, requests });
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  const elapsed = Math.max(result.duration || (performance.now() - started) / 1000, 0.001);
  const s = summarize(latencies);
  return {
    ok: latencies.length,
    failed: result.errors + result.timeouts + result.non2xx,
    statuses,
    rps: latencies.length / elapsed,
    p50: s.p50,
    p99: s.p99,
    mean: s.mean,
  };
}

// The workload's messages vary their search text, as visitors do, so the catalog tool's one-minute
// cache rarely holds the search and the run reports the real distribution of round trips per turn:
// one turn in four says something with no product words (no tool call: 2 round trips), the others
// ask for a thing with two needs and a trip (a catalog search: 3 round trips unless cached).
const things = ["tent", "jacket", "backpack", "hiking boots", "trail shoes", "sleeping bag", "headlamp", "camp stove", "mug", "water bottle", "fleece", "trekking poles", "sleeping pad", "daypack"];
const needs = ["light", "waterproof", "warm", "cheap", "small", "family", "winter", "summer", "travel", "trail", "camping", "running", "gift", "rain", "night", "laptop"];
const trips = ["Alps", "Rockies", "Andes", "Highlands", "Dolomites", "Cascades", "Sierra", "Pyrenees", "Tatras", "Atlas", "Yukon", "Patagonia", "Lapland", "Olympics", "Ozarks", "Catskills", "Smokies", "Adirondacks", "Pennines", "Cairngorms"];
const smallTalk = ["thanks!", "ok, thank you", "hello again", "hi there"];
const pick = <T,>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)];

/** The n-th message of the workload: small talk every fourth, else a search worded anew. */
export function workloadMessage(n: number): string {
  if (n % 4 === 3) return smallTalk[(n >> 2) % smallTalk.length];
  return `I need a ${pick(needs)} ${pick(needs)} ${pick(things)} for the ${pick(trips)}`;
}

export interface Visitor {
  id: string;
  cookie: string;
  sessionId?: string;
  agent: string;
  address: string;
}

export function newVisitor(secret: string, agent = "product_recommendation"): Visitor {
  const id = randomUUID();
  return { id, cookie: `tl_visitor=${signVisitor(id, secret)}`, agent, address: nextAddress() };
}

/**
 * Each visitor's own address, sent as X-Forwarded-For (the bench's server trusts one proxy hop,
 * scripts/bench/stack.ts): production's per-address limits count each visitor's turns on the
 * visitor's own row, not on one shared 127.0.0.1 row.
 */
let addresses = 0;
function nextAddress(): string {
  const n = ++addresses;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * What the widget adds to every message it sends (components/chat/use-turn-actions.ts): a new
 * clientMessageId (exactly once, R8; begin_turn's replay probe and the question's voice trigger run
 * on it) and the visitor's tracking choice. BENCH_CLIENT_MESSAGE_ID=0 sends neither (the bench's
 * requests before 2026-12-08, to measure what they cost).
 */
export const widgetFields = (): Record<string, unknown> =>
  process.env.BENCH_CLIENT_MESSAGE_ID === "0" ? {} : { clientMessageId: randomUUID(), tracking: true };

const jsonHeaders = (v: { cookie?: string; address: string }) => ({
  "content-type": "application/json",
  accept: "application/json",
  "x-forwarded-for": v.address,
  ...(v.cookie ? { cookie: v.cookie } : {}),
});

/** GET /api/bench/ping: no database work. */
export function pingRequests(): Request[] {
  return [{ method: "GET", path: "/api/bench/ping" }];
}

/** POST /api/bench/floor: the chat route without Threadline (no database), with the workload's messages. */
export function floorRequests(): Request[] {
  let n = 0;
  return [
    {
      method: "POST",
      path: "/api/bench/floor",
      setupRequest(req) {
        return { ...req, headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ message: workloadMessage(n++) }) };
      },
    },
  ];
}

/** POST /api/chat for the next visitor of a pool, round robin, with one of the benchmark's messages. */
function roundRobin(pool: Visitor[], body: (v: Visitor, message: string) => Record<string, unknown>): Request[] {
  let n = 0;
  return [
    {
      method: "POST",
      path: "/api/chat",
      setupRequest(req) {
        const v = pool[n % pool.length];
        const message = workloadMessage(n++);
        return { ...req, headers: jsonHeaders(v), body: JSON.stringify({ ...widgetFields(), ...body(v, message) }) };
      },
    },
  ];
}

/** Each request continues the next pre-created visitor's session (R3), round robin. */
export function continueRequests(pool: Visitor[]): Request[] {
  return roundRobin(pool, (v, message) => ({ message, sessionId: v.sessionId }));
}

/**
 * Each request is a new visitor's first message: a new session, its tag and its trace (R1). As in the
 * widget, a first message carries no cookie: the server makes the visitor and its cookie, and counts it
 * against its address's new visitors (BENCH_RATE_LIMITS=0: a signed cookie made here, as before 2026-12-08).
 */
export function newSessionRequests(secret: string): Request[] {
  let n = 0;
  return [
    {
      method: "POST",
      path: "/api/chat",
      setupRequest(req) {
        const v = newVisitor(secret);
        const first = process.env.BENCH_RATE_LIMITS === "0" ? v : { address: v.address };
        return { ...req, headers: jsonHeaders(first), body: JSON.stringify({ ...widgetFields(), message: workloadMessage(n++) }) };
      },
    },
  ];
}

/** Each request names the other agent for the next visitor: ends a session, starts one with a new trace (R4). */
export function switchRequests(pool: Visitor[]): Request[] {
  return roundRobin(pool, (v, message) => {
    v.agent = v.agent === "sales_pitch" ? "product_recommendation" : "sales_pitch";
    return { message, agent: v.agent };
  });
}

/** Starts a session for each visitor of a pool (8 at a time) and remembers its id. */
export async function createSessions(url: string, pool: Visitor[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < pool.length) {
      const v = pool[next++];
      const res = await fetch(`${url}/api/chat`, {
        method: "POST",
        headers: jsonHeaders(v),
        body: JSON.stringify({ ...widgetFields(), message: "hello", agent: v.agent }),
      });
      const body = (await res.json()) as { sessionId?: string; error?: unknown };
      if (!res.ok || !body.sessionId) throw new Error(`creating a session failed: ${res.status} ${JSON.stringify(body)}`);
      v.sessionId = body.sessionId;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

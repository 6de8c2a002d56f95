import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { freshPostgresUrl } from "../support/databases";
import { figure, sleep, visitorCookieFor } from "./helpers";

// Abuse limits: per-visitor and per-address chat rate limits counted in the
// database (rate_limit_buckets, an atomic upsert), so two instances share them;
// body and message size limits.

const PER_VISITOR = 5;
const PER_IP = 8;
const secret = "reliability-abuse";
let apps: App[] = [];
let db: pg.Pool;

beforeAll(async () => {
  const url = await freshPostgresUrl();
  db = new pg.Pool({ connectionString: url, max: 2 });
  // these instances stand behind one proxy that appends the address it saw to X-Forwarded-For
  const env = { DATABASE_URL: url, SESSION_SECRET: secret, CHAT_RATE_LIMIT_PER_MINUTE: String(PER_VISITOR), CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: String(PER_IP), TRUSTED_PROXY_HOPS: "1" };
  apps = await Promise.all([startApp(env), startApp(env)]);
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await db?.end();
});

/** The limits use fixed one-minute windows: start a burst early enough in a minute that it cannot straddle two. */
async function freshWindow(neededSeconds = 8): Promise<void> {
  const [{ left }] = (await db.query<{ left: number }>("select extract(epoch from date_trunc('minute', now()) + interval '1 minute' - clock_timestamp())::float as left")).rows;
  if (left < neededSeconds) await sleep(left * 1000 + 200);
}

let ipCounter = 0;
const uniqueIp = () => `198.51.100.${++ipCounter}`;

async function chat(instance: number, cookie: string, ip: string, clientMessageId = randomUUID()) {
  const res = await fetch(`${apps[instance].url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "x-forwarded-for": ip },
    body: JSON.stringify({ message: "hello", clientMessageId }),
  });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code, retryAfter: res.headers.get("retry-after") };
}

it(`a visitor's ${PER_VISITOR + 1}th message in a minute is 429 rate_limit:chat with Retry-After, across both instances`, async () => {
  await freshWindow();
  const visitor = randomUUID();
  const cookie = visitorCookieFor(visitor, secret);
  const results = [];
  const ids = Array.from({ length: PER_VISITOR + 2 }, () => randomUUID());
  for (let i = 0; i < PER_VISITOR + 2; i++) results.push(await chat(i % 2, cookie, uniqueIp(), ids[i]));
  expect(results.slice(0, PER_VISITOR).map((r) => r.status)).toEqual(Array(PER_VISITOR).fill(200));
  for (const limited of results.slice(PER_VISITOR)) {
    expect(limited).toMatchObject({ status: 429, code: "rate_limit:chat", retryAfter: expect.stringMatching(/^\d+$/) });
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60);
  }
  // the refused messages were not stored
  const [{ n }] = (await db.query("select count(*)::int as n from conversation_messages where user_id = $1 and role = 'user'", [visitor])).rows;
  expect(n).toBe(PER_VISITOR);
  // the counter lives in the database, one row per visitor and minute, shared by both instances
  const bucket = (await db.query("select hits from rate_limit_buckets where bucket = $1", [`chat:${visitor}`])).rows;
  expect(bucket).toEqual([{ hits: PER_VISITOR + 2 }]);
  // a client retrying an answered message (same clientMessageId) gets its answer, not a 429 (R8 before the limit; docs/rules.md)
  const retry = await chat(1, cookie, uniqueIp(), ids[0]);
  expect(retry.status).toBe(200);
  figure(`abuse (per visitor, limit ${PER_VISITOR}/min, alternating 2 instances): ${results.map((r) => r.status).join(" ")}; Retry-After ${results.at(-1)!.retryAfter} s; ${n} messages stored`);
});

it("concurrent bursts from one visitor on both instances never exceed the limit", async () => {
  await freshWindow();
  const visitor = randomUUID();
  const cookie = visitorCookieFor(visitor, secret);
  const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => chat(i % 2, cookie, uniqueIp())));
  const ok = burst.filter((r) => r.status === 200).length;
  expect(ok).toBe(PER_VISITOR);
  expect(burst.filter((r) => r.status === 429 && r.code === "rate_limit:chat").length).toBe(20 - PER_VISITOR);
  const [{ n }] = (await db.query("select count(*)::int as n from conversation_messages where user_id = $1 and role = 'user'", [visitor])).rows;
  expect(n).toBe(PER_VISITOR);
  figure(`abuse (burst): 20 concurrent messages from one visitor over 2 instances → ${ok} answered, ${20 - ok} × 429; ${n} stored`);
});

it(`the ${PER_IP + 1}th message from one address in a minute is 429, whatever the visitor and instance`, async () => {
  await freshWindow();
  const ip = "203.0.113.7";
  const results = [];
  for (let i = 0; i < PER_IP + 2; i++) results.push(await chat(i % 2, visitorCookieFor(randomUUID(), secret), ip));
  expect(results.slice(0, PER_IP).map((r) => r.status)).toEqual(Array(PER_IP).fill(200));
  for (const r of results.slice(PER_IP)) expect(r).toMatchObject({ status: 429, code: "rate_limit:chat", retryAfter: expect.stringMatching(/^\d+$/) });
  // cookie-less visitors (a new visitor per request) are held by the same address limit
  const anonymous = await fetch(`${apps[0].url}/api/chat`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": ip }, body: JSON.stringify({ message: "hi" }) });
  expect(anonymous.status).toBe(429);
  figure(`abuse (per address ${ip}, limit ${PER_IP}/min, ${PER_IP + 2} different visitors over 2 instances): ${results.map((r) => r.status).join(" ")}; a cookie-less request after → ${anonymous.status}`);
});

it("behind a proxy, a client cannot escape the address limit by prepending fake addresses to X-Forwarded-For [needs F2]", async () => {
  await freshWindow();
  // the proxy appends the address it saw (203.0.113.9); the client controls everything before it
  const results = [];
  for (let i = 0; i < PER_IP + 2; i++) results.push(await chat(i % 2, visitorCookieFor(randomUUID(), secret), `10.${i}.0.1, 203.0.113.9`));
  expect(results.map((r) => r.status)).toEqual([...Array(PER_IP).fill(200), 429, 429]);
  figure(`abuse (spoofed X-Forwarded-For, real address last): ${results.map((r) => r.status).join(" ")}`);
});

it("size limits: a body over 32 KB is 413, a message over 4000 characters is 400 — on both instances, nothing stored", async () => {
  const visitor = randomUUID();
  const cookie = visitorCookieFor(visitor, secret);
  const out: string[] = [];
  for (const app of apps) {
    const big = await fetch(`${app.url}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-forwarded-for": uniqueIp() },
      body: JSON.stringify({ message: "hi", pad: "x".repeat(33 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe("payload_too_large:chat");
    const long = await fetch(`${app.url}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-forwarded-for": uniqueIp() },
      body: JSON.stringify({ message: "y".repeat(4001) }),
    });
    expect(long.status).toBe(400);
    expect((await long.json()).error.code).toBe("bad_request:chat");
    const exactly = await fetch(`${app.url}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-forwarded-for": uniqueIp() },
      body: JSON.stringify({ message: "z".repeat(4000), clientMessageId: randomUUID() }),
    });
    out.push(`${big.status}/${long.status}/${exactly.status}`);
    expect(exactly.status).toBe(200);
  }
  const [{ n }] = (await db.query("select count(*)::int as n from conversation_messages where user_id = $1 and role = 'user'", [visitor])).rows;
  expect(n).toBe(2);
  figure(`abuse (sizes): 33 KB body → 413 payload_too_large:chat, 4001-char message → 400 bad_request:chat, 4000 chars → 200 (instances: ${out.join(", ")})`);
});

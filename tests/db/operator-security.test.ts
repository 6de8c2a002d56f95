import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, type TestDatabase } from "../support/databases";
import type { Tables } from "@/lib/db/database.types";

// Operator security in SQL (README "Operators"): the admin token only as a hash,
// login sessions that expire and are revoked, per-address failure counting.

const hash = (s: string) => createHash("sha256").update(s).digest("hex");
const newId = () => hash(randomBytes(32).toString("base64url"));
const token = "an-operator-token-of-at-least-32-characters";

type Auth = { status: "ok" | "invalid" | "limited"; retry_after?: number; expires_at?: string };

describe.each(backends)("operator sessions and throttling on $name", ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
    await t.db.rpc("set_admin_token_hash", { p_hash: hash(token) });
  });
  afterAll(() => t?.close());

  const authenticate = (args: Record<string, unknown>) =>
    t.db.rpc("operator_authenticate", { p_token_hash: hash(token), ...args } as never);
  const valid = async (id: string) => (await t.db.rpc("operator_session_valid", { p_session_hash: id })).valid;

  it("stores only hashes: no clear admin token, login sessions keyed by the hash of their id", async () => {
    const id = newId();
    expect(await authenticate({ p_session_hash: id })).toMatchObject({ status: "ok" });
    expect(await t.sql("select key from app_settings where key like 'admin_token%'")).toEqual([{ key: "admin_token_hash" }]);
    const [setting] = await t.sql<Pick<Tables<"app_settings">, "value">>("select value from app_settings where key = 'admin_token_hash'");
    expect(setting.value).toBe(hash(token));
    const [row] = await t.sql<{ token_hash: string; hours: number }>(
      "select token_hash, (extract(epoch from expires_at - issued_at) / 3600)::int as hours from operator_sessions where id_hash = $1", [id]);
    expect(row).toEqual({ token_hash: hash(token), hours: 12 });
    expect(await valid(id)).toBe(true);
  });

  it("a wrong token opens no session; logout revokes; an expired session is refused", async () => {
    const wrong = newId();
    expect(await t.db.rpc("operator_authenticate", { p_token_hash: hash("guess"), p_session_hash: wrong })).toEqual({ status: "invalid" });
    expect(await valid(wrong)).toBe(false);

    const a = newId();
    const b = newId();
    await authenticate({ p_session_hash: a });
    await authenticate({ p_session_hash: b });
    expect(await t.db.rpc("operator_logout", { p_session_hash: a })).toEqual({ revoked: 1 });
    expect([await valid(a), await valid(b)]).toEqual([false, true]);
    expect(await t.db.rpc("operator_logout", { p_session_hash: a })).toEqual({ revoked: 0 });

    await t.sql("update operator_sessions set issued_at = now() - interval '13 hours', expires_at = now() - interval '1 hour' where id_hash = $1", [b]);
    expect(await valid(b)).toBe(false);
  });

  it("rotating the admin token revokes every session; setting the same token again revokes nothing", async () => {
    const s = newId();
    await authenticate({ p_session_hash: s });
    expect(await t.db.rpc("set_admin_token_hash", { p_hash: hash(token) })).toEqual({ changed: false, revoked: 0 });
    expect(await valid(s)).toBe(true);
    const rotated = await t.db.rpc("set_admin_token_hash", { p_hash: hash("another-token-of-at-least-32-chars!!") });
    expect(rotated.changed).toBe(true);
    expect(rotated.revoked).toBeGreaterThanOrEqual(1);
    expect(await valid(s)).toBe(false);
    // the old token no longer works, and going back does not bring old sessions back
    expect(await authenticate({})).toEqual({ status: "invalid" });
    await t.db.rpc("set_admin_token_hash", { p_hash: hash(token) });
    expect(await valid(s)).toBe(false);
  });

  it("failed attempts are counted per address: past the limit every attempt is 429-limited, the right token too", async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 200)}`;
    const results: string[] = [];
    for (let i = 0; i < 3; i++) results.push((await t.db.rpc("operator_authenticate", { p_token_hash: hash(`guess ${i}`), p_bucket: ip, p_limit: 3 })).status);
    const right = await authenticate({ p_bucket: ip, p_limit: 3, p_session_hash: newId() });
    expect(results).toEqual(["invalid", "invalid", "invalid"]);
    expect(right.status).toBe("limited");
    expect(right.retry_after).toBeGreaterThanOrEqual(1);
    expect(right.retry_after).toBeLessThanOrEqual(60);
    // another address is not affected, and successes are not counted
    const other = `${ip}0`;
    for (let i = 0; i < 5; i++) expect((await authenticate({ p_bucket: other, p_limit: 3 })).status).toBe("ok");
    const [bucket] = await t.sql<Pick<Tables<"rate_limit_buckets">, "hits">>("select hits from rate_limit_buckets where bucket = $1", [`auth:${ip}`]);
    expect(bucket.hits).toBe(3);
    expect(await t.sql("select 1 from rate_limit_buckets where bucket = $1", [`auth:${other}`])).toEqual([]);
  });

  it("a new visitor is counted per address and minute by the one private counter (new_visitor_refusal); 0 turns it off", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 200)}`;
    const refusal = async (address: string | null, limit: number) =>
      (await t.sql<{ r: { status: string; scope: string; retry_after: number } | null }>("select private.new_visitor_refusal($1, $2) as r", [address, limit]))[0].r;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await refusal(ip, 3));
    expect(answers.slice(0, 3)).toEqual([null, null, null]);
    expect(answers[3]).toMatchObject({ status: "rate_limited", scope: "new_visitor" });
    expect(answers[3]!.retry_after).toBeGreaterThan(0);
    expect(await refusal(ip, 0)).toBeNull();
    const [bucket] = await t.sql<Pick<Tables<"rate_limit_buckets">, "hits">>("select hits from rate_limit_buckets where bucket = $1", [`visitors:${ip}`]);
    expect(bucket.hits).toBe(4);
    // an unknown address is not counted: one shared bucket would limit every such visitor together
    for (let i = 0; i < 2; i++) expect(await refusal(null, 1)).toBeNull();
    expect(await t.sql("select 1 from rate_limit_buckets where bucket = 'visitors:'")).toEqual([]);
    // one counter: no public copy of it, and no public count_new_visitor beside begin_turn's and voice_allowance's count
    expect(await t.sql("select proname from pg_proc where proname in ('hit_rate_limit', 'count_new_visitor') and pronamespace = 'public'::regnamespace")).toEqual([]);
  });

  it("the API roles cannot read operator sessions or call the new functions", async () => {
    if (t.db.backend !== "postgres") return; // roles are checked on PostgreSQL (PGlite has one user)
    const rows = await t.sql<{ role: string; tbl: boolean; fn: boolean }>(
      `select r as role, has_table_privilege(r, 'public.operator_sessions', 'select') as tbl,
              has_function_privilege(r, 'public.operator_authenticate(text, text, integer, text, integer)', 'execute') as fn
         from unnest(array['anon', 'authenticated']) r`);
    expect(rows).toEqual([{ role: "anon", tbl: false, fn: false }, { role: "authenticated", tbl: false, fn: false }]);
  });
});

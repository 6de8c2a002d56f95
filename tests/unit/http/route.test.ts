import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { sessionIdParam } from "@/lib/http/params";
import { queryTime } from "@/lib/http/query";
import { routeKinds, type RouteContext } from "@/lib/http/route";
import { signVisitor } from "@/lib/http/visitor-cookie";
import { openPglite, type TestDatabase } from "../../support/databases";
import { expectLogs } from "../../support/logs";

// The route wrapper (lib/http/route.ts) with real Requests and a real migrated PGlite:
// the operator check, parsing, error mapping and no-store happen before or around any handler.

const adminToken = "route-test-admin-token-0123456789abcdef";
const sessionSecret = "route-test-session-secret-0123456789abcdef";
process.env.ADMIN_TOKEN = adminToken;
process.env.SESSION_SECRET = sessionSecret;
process.env.EMBED_ALLOWED_ORIGINS = "https://shop.example";

let test: TestDatabase;
let kinds: ReturnType<typeof routeKinds>;
const ran: string[] = [];

beforeAll(async () => {
  test = await openPglite();
  kinds = routeKinds(async () => test.db);
});
afterAll(() => test?.close());

const none: RouteContext = { params: Promise.resolve({}) };
const withParams = (params: Record<string, string>): RouteContext => ({ params: Promise.resolve(params) });
const bearer = { authorization: `Bearer ${adminToken}` };

async function read(res: Response) {
  const text = await res.text();
  return { status: res.status, cache: res.headers.get("cache-control"), body: text ? (JSON.parse(text) as unknown) : null };
}

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(10).default(5), from: queryTime, tag: z.array(z.string()).max(2).default([]) });

describe("operatorRoute", () => {
  const route = () =>
    kinds.operatorRoute({
      surface: "traces",
      query: listQuery,
      handler: async ({ query }) => {
        ran.push("operator");
        return { query };
      },
    });

  it("no credentials → 401 before the query is even read, handler not run", async () => {
    ran.length = 0;
    const res = await read(await route()(new Request("http://t.local/api/things?limit=abc"), none));
    expect(res).toEqual({
      status: 401,
      cache: "no-store",
      body: { error: { code: "unauthorized:operator", message: "Operator login required: send Authorization: Bearer <ADMIN_TOKEN> or log in at /login." } },
    });
    expect(ran).toEqual([]);
  });

  it("a wrong token → 401; a visitor cookie never counts", async () => {
    const wrong = await route()(new Request("http://t.local/api/things", { headers: { authorization: "Bearer nope" } }), none);
    expect(wrong.status).toBe(401);
    const cookie = `tl_visitor=${signVisitor("0b5a4c36-3d44-4a40-9f8e-6f0d2a1c9b77", sessionSecret)}`;
    expect((await route()(new Request("http://t.local/api/things", { headers: { cookie } }), none)).status).toBe(401);
  });

  it("a bad query → 400 bad_request:<surface> naming the field", async () => {
    const res = await read(await route()(new Request("http://t.local/api/things?limit=abc", { headers: bearer }), none));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: "bad_request:traces", message: expect.stringMatching(/^limit: /) } });
    expect((await read(await route()(new Request("http://t.local/api/things?from=275760-09-13", { headers: bearer }), none))).body).toMatchObject({
      error: { code: "bad_request:traces", message: "from: must be between the years 1 and 9999" },
    });
    expect((await route()(new Request("http://t.local/api/things?tag=a%00", { headers: bearer }), none)).status).toBe(400);
  });

  it("the token → the handler's answer as JSON, with the parsed query (first value; every value of a list)", async () => {
    const res = await read(await route()(new Request("http://t.local/api/things?limit=3&limit=9&tag=a&tag=b&other=%00", { headers: bearer }), none));
    expect(res).toEqual({ status: 200, cache: "no-store", body: { query: { limit: 3, tag: ["a", "b"] } } });
  });

  it("no-store even when the handler asked for caching", async () => {
    const cached = kinds.operatorRoute({ handler: async () => Response.json({}, { headers: { "Cache-Control": "public, max-age=60" } }) });
    expect((await cached(new Request("http://t.local/x", { headers: bearer }), none)).headers.get("cache-control")).toBe("no-store");
  });

  it("a cross-site POST → 403 before the operator check", async () => {
    const post = kinds.operatorRoute({ body: z.object({}), handler: async () => ({ ok: true }) });
    const res = await read(
      await post(new Request("http://t.local/x", { method: "POST", headers: { ...bearer, origin: "https://evil.example", "content-type": "application/json" }, body: "{}" }), none),
    );
    expect(res).toMatchObject({ status: 403, body: { error: { code: "forbidden:origin" } } });
    // the allowed embedding site is for visitor routes only
    expect((await post(new Request("http://t.local/x", { method: "POST", headers: { ...bearer, origin: "https://shop.example", "content-type": "application/json" }, body: "{}" }), none)).status).toBe(403);
    expect((await post(new Request("http://t.local/x", { method: "POST", headers: { ...bearer, host: "t.local", origin: "http://t.local", "content-type": "application/json" }, body: "{}" }), none)).status).toBe(200);
  });
});

describe("errors from the handler", () => {
  it("an AppError keeps its status and code", async () => {
    const route = kinds.publicRoute({
      handler: async () => {
        throw new AppError("conflict:feedback", "Already done.", { retryAfter: 3 });
      },
    });
    const res = await route(new Request("http://t.local/x"), none);
    expect([res.status, res.headers.get("retry-after"), res.headers.get("cache-control"), await res.json()]).toEqual([
      409,
      "3",
      "no-store",
      { error: { code: "conflict:feedback", message: "Already done." } },
    ]);
  });

  it("anything else → 500 internal, no message, no stack", async () => {
    const logs = expectLogs();
    const route = kinds.publicRoute({
      handler: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'x') at lib/secret.ts:3");
      },
    });
    const res = await read(await route(new Request("http://t.local/x"), none));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: "internal:server", message: "Something went wrong on our side." } });
    expect(logs.events()).toEqual(["error:request.failed"]);
  });
});

describe("params and bodies", () => {
  const post = () =>
    kinds.visitorRoute({
      surface: "feedback",
      params: { id: sessionIdParam },
      body: z.object({ text: z.string().max(5) }).strict(),
      maxBytes: 64,
      visitor: "known",
      handler: async ({ params, body, visitor }) => ({ id: params.id, text: body.text, visitor }),
    });
  const id = "6f1c1f43-4a57-4a4e-9d3c-2b9c0c7c5a11";
  const json = (body: string, headers: Record<string, string> = {}) =>
    new Request("http://t.local/x", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  it("a path param that cannot be one → its 404", async () => {
    expect((await read(await post()(json('{"text":"hi"}'), withParams({ id: "not-a-uuid" })))).body).toEqual({
      error: { code: "not_found:session", message: "No such session." },
    });
  });

  it("body: 415 without JSON, 413 over the limit, 400 typed when invalid", async () => {
    const ctx = withParams({ id });
    const text = new Request("http://t.local/x", { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    expect((await read(await post()(text, ctx))).body).toMatchObject({ error: { code: "unsupported_media_type:feedback" } });
    expect((await read(await post()(json(JSON.stringify({ text: "x".repeat(100) })), ctx))).body).toMatchObject({ error: { code: "payload_too_large:feedback" } });
    expect((await read(await post()(json("{"), ctx))).body).toEqual({ error: { code: "bad_request:feedback", message: "The body is not valid JSON." } });
    expect((await read(await post()(json('{"text":"toolong"}'), ctx))).body).toMatchObject({ error: { code: "bad_request:feedback", message: expect.stringMatching(/^text: /) } });
    expect((await read(await post()(json('{"text":"hi","x":1}'), ctx))).body).toMatchObject({ error: { code: "bad_request:feedback" } });
  });

  it("the visitor is the signed cookie's, or null; the allowed embedding site may post", async () => {
    const visitor = "0b5a4c36-3d44-4a40-9f8e-6f0d2a1c9b77";
    const cookie = `tl_visitor=${signVisitor(visitor, sessionSecret)}`;
    const ctx = withParams({ id });
    expect(await read(await post()(json('{"text":"hi"}', { cookie, origin: "https://shop.example" }), ctx))).toEqual({
      status: 200,
      cache: "no-store",
      body: { id, text: "hi", visitor },
    });
    expect((await read(await post()(json('{"text":"hi"}', { cookie: `tl_visitor=${signVisitor(visitor, "another secret")}` }), ctx))).body).toMatchObject({ visitor: null });
    expect((await post()(json('{"text":"hi"}', { origin: "https://evil.example" }), ctx)).status).toBe(403);
  });

  it("bodyOptional: no Content-Type parses {}", async () => {
    const route = kinds.visitorRoute({
      surface: "session",
      body: z.object({ reason: z.enum(["user", "new_chat"]).default("user") }).strict(),
      bodyOptional: true,
      handler: async ({ body }) => body,
    });
    expect(await (await route(new Request("http://t.local/x", { method: "POST" }), none)).json()).toEqual({ reason: "user" });
  });

  it("crossSite: allowed lets a cross-site POST through; a streamed Response passes as it is", async () => {
    const route = kinds.visitorRoute({
      crossSite: "allowed",
      handler: async () => new Response(new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("data: 1\n\n")), c.close()) }), { headers: { "Content-Type": "text/event-stream" } }),
    });
    const res = await route(new Request("http://t.local/x", { method: "POST", headers: { origin: "https://evil.example" } }), none);
    expect([res.status, res.headers.get("content-type"), res.headers.get("cache-control"), await res.text()]).toEqual([200, "text/event-stream", "no-store", "data: 1\n\n"]);
  });
});

describe("publicRoute", () => {
  it("keeps the handler's own Cache-Control, else no-store", async () => {
    const cached = kinds.publicRoute({ handler: async () => Response.json({}, { headers: { "Cache-Control": "public, max-age=60" } }) });
    expect((await cached(new Request("http://t.local/x"), none)).headers.get("cache-control")).toBe("public, max-age=60");
    const plain = kinds.publicRoute({ handler: async ({ openDatabase }) => (await openDatabase()).rpc("app_health", {}) });
    const res = await plain(new Request("http://t.local/x"), none);
    expect([res.status, res.headers.get("cache-control")]).toEqual([200, "no-store"]);
    expect(await res.json()).toHaveProperty("now");
  });

  it("a Response with immutable headers still gets no-store", async () => {
    const redirect = kinds.publicRoute({ handler: async () => Response.redirect("http://t.local/elsewhere", 307) });
    const res = await redirect(new Request("http://t.local/x"), none);
    expect([res.status, res.headers.get("location"), res.headers.get("cache-control")]).toEqual([307, "http://t.local/elsewhere", "no-store"]);
  });
});

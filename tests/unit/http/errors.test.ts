import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { APICallError, RetryError } from "ai";
import { describe, expect, it } from "vitest";
import { toDatabaseError } from "@/lib/db/errors";
import { AppError, errorSurfaces, isErrorCode } from "@/lib/errors";
import { errorResponse, handle } from "@/lib/http/respond";
import { modelError } from "@/lib/models/errors";
import { expectLogs } from "../../support/logs";

// Every error leaves as {error: {code, message}} with its status (lib/http/respond.ts).

async function answer(error: unknown) {
  const res = errorResponse(error);
  return { status: res.status, body: (await res.json()) as unknown, cache: res.headers.get("cache-control"), retryAfter: res.headers.get("retry-after") };
}

describe("errorResponse", () => {
  it.each([
    ["bad_request:traces", 400],
    ["unauthorized:operator", 401],
    ["forbidden:origin", 403],
    ["not_found:session", 404],
    ["method_not_allowed:route", 405],
    ["conflict:regenerate", 409],
    ["payload_too_large:chat", 413],
    ["unsupported_media_type:chat", 415],
    ["rate_limit:chat", 429],
    ["bad_gateway:model", 502],
    ["unavailable:voice", 503],
  ] as const)("AppError %s → %i with its code and message", async (code, status) => {
    const logs = expectLogs();
    expect(await answer(new AppError(code, "Told as it is."))).toEqual({
      status,
      body: { error: { code, message: "Told as it is." } },
      cache: "no-store",
      retryAfter: null,
    });
    // a server-side failure (5xx) is logged once, and taken here rather than printed; a refused request is not
    expect(logs.events()).toEqual(status >= 500 ? ["error:request.failed"] : []);
  });

  it("a rate limit says when to come back", async () => {
    expect((await answer(new AppError("rate_limit:chat", "Slow down.", { retryAfter: 17 }))).retryAfter).toBe("17");
  });

  it("an unknown error is a 500 without its message or stack", async () => {
    const logs = expectLogs();
    const secret = new Error("password=hunter2 at /srv/app/lib/x.ts:12");
    const got = await answer(secret);
    expect(got.status).toBe(500);
    expect(got.body).toEqual({ error: { code: "internal:server", message: "Something went wrong on our side." } });
    expect(JSON.stringify(got.body)).not.toMatch(/hunter2|\.ts:|at /);
    // the detail goes to the log only
    expect(logs.lines).toMatchObject([{ level: "error", event: "request.failed", error: secret.message }]);
  });

  it("an internal AppError hides its message too", async () => {
    const logs = expectLogs();
    expect((await answer(new AppError("internal:chat", "stack-ish detail"))).body).toEqual({ error: { code: "internal:chat", message: "Something went wrong on our side." } });
    expect(logs.lines).toMatchObject([{ event: "request.failed", code: "internal:chat", error: "stack-ish detail" }]);
  });

  it("a database's error, as its backend typed it: a SQL function's code kept, an unreachable database a 503", async () => {
    const logs = expectLogs();
    const db = (error: unknown) => answer(toDatabaseError(error));
    expect(await db(Object.assign(new Error("not_found:session"), { code: "PT404", detail: "No such session." }))).toMatchObject({
      status: 404,
      body: { error: { code: "not_found:session", message: "No such session." } },
    });
    expect(await db(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toMatchObject({
      status: 503,
      body: { error: { code: "unavailable:database" } },
      retryAfter: "5",
    });
    expect(await db(Object.assign(new Error("duplicate key"), { code: "23505" }))).toMatchObject({ status: 409, body: { error: { code: "conflict:database" } } });
    // a SQL function's code naming no known surface is not trusted as typed
    expect(await db(Object.assign(new Error("not_found:nonsense"), { code: "PT404" }))).toMatchObject({ status: 500, body: { error: { code: "internal:database" } } });
    expect(logs.lines.map((l) => l.code)).toEqual(["unavailable:database", "internal:database"]);
  });

  it("only a database's error is a database code: a TypeError, a timeout or a failed fetch elsewhere is internal:server", async () => {
    const logs = expectLogs();
    for (const error of [new TypeError("Cannot read properties of undefined"), new Error("request timeout"), new TypeError("fetch failed"), Object.assign(new Error("socket closed"), { code: "ECONNRESET" })]) {
      expect(await answer(error)).toMatchObject({ status: 500, body: { error: { code: "internal:server" } }, retryAfter: null });
    }
    expect(logs.events()).toEqual(Array(4).fill("error:request.failed"));
  });

  it("an AppError from another copy of the module (by shape) is still typed", async () => {
    const foreign = Object.assign(new Error("No such trace."), { name: "AppError", code: "not_found:trace", status: 404 });
    expect(await answer(foreign)).toMatchObject({ status: 404, body: { error: { code: "not_found:trace", message: "No such trace." } } });
  });

  it("handle() answers what the handler returns, or its error", async () => {
    expect((await handle(async () => new Response("ok"))).status).toBe(200);
    const failed = await handle(async () => {
      throw new AppError("conflict:regenerate", "Already answered again.");
    });
    expect([failed.status, await failed.json()]).toEqual([409, { error: { code: "conflict:regenerate", message: "Already answered again." } }]);
  });
});

describe("a model's failure (lib/models/errors.ts)", () => {
  const apiError = (statusCode: number | undefined, extra: Partial<ConstructorParameters<typeof APICallError>[0]> = {}) =>
    new APICallError({ message: "provider said no", url: "https://llm.example/v1/chat/completions", requestBodyValues: {}, statusCode, ...extra });
  const fetchFailed = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.9:443"), { code: "ECONNREFUSED" }) });
  const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");

  it.each([
    ["the provider is overloaded (500)", apiError(500)],
    ["the provider is rate-limited (429)", apiError(429)],
    ["the request timed out (408)", apiError(408)],
    ["the provider is out of reach (fetch failed)", fetchFailed],
    ["the call timed out", timeout],
    ["every retry failed on a 503", new RetryError({ message: "failed after 3 attempts", reason: "maxRetriesExceeded", errors: [apiError(503), apiError(503)] })],
  ])("%s → 503 unavailable:model with Retry-After, never a database code", async (_what, error) => {
    const logs = expectLogs();
    expect(await answer(modelError(error))).toMatchObject({ status: 503, body: { error: { code: "unavailable:model" } }, retryAfter: "5" });
    expect(logs.events()).toEqual(["error:request.failed"]);
  });

  it.each([
    ["a refused key (401)", apiError(401)],
    ["a malformed request (400)", apiError(400)],
    ["a broken stream", new Error("Unexpected end of JSON input")],
  ])("%s → 502 bad_gateway:model", async (_what, error) => {
    const logs = expectLogs();
    expect(await answer(modelError(error))).toMatchObject({ status: 502, body: { error: { code: "bad_gateway:model" } } });
    expect(logs.events()).toEqual(["error:request.failed"]);
  });
});

describe("the error surfaces are one closed list (lib/errors.ts)", () => {
  it("a code outside the list is not a code", () => {
    expect(isErrorCode("not_found:session")).toBe(true);
    expect(isErrorCode("not_found:sessions")).toBe(false);
    expect(isErrorCode("teapot:session")).toBe(false);
    expect(isErrorCode("internal:constructor")).toBe(false);
    expect(isErrorCode("toString:session")).toBe(false);
  });

  it("every answer the hostile corpus documents is a code of the list with that code's status (tests/reliability/hostile.test.ts)", () => {
    const corpus = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../reliability/corpus/hostile-requests.json"), "utf8")) as {
      name: string;
      expect: { status: number; code: string | null };
    }[];
    const wrong = corpus.filter((c) => c.expect.code !== null && (!isErrorCode(c.expect.code) || new AppError(c.expect.code, "").status !== c.expect.status));
    expect(wrong.map((c) => `${c.name}: ${c.expect.status} ${c.expect.code}`)).toEqual([]);
    // a case answered without a typed error is a success (2xx) or a redirect, never an untyped failure
    expect(corpus.filter((c) => c.expect.code === null && c.expect.status >= 400).map((c) => c.name)).toEqual([]);
  });

  it("every code the app, its pages and its SQL functions write names a surface of the list", () => {
    const root = path.resolve(import.meta.dirname, "../../..");
    const walk = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(path.join(dir, e.name)) : /\.(tsx?|sql)$/.test(e.name) ? [path.join(dir, e.name)] : [],
      );
    const types = "bad_request|unauthorized|forbidden|not_found|method_not_allowed|conflict|payload_too_large|unsupported_media_type|rate_limit|bad_gateway|unavailable|internal";
    const written = new Set<string>();
    for (const file of ["app", "components", "lib", "supabase/migrations"].flatMap(walk)) {
      for (const m of readFileSync(path.join(root, file), "utf8").matchAll(new RegExp(`\\b(?:${types}):[a-z_]+\\b`, "g"))) written.add(m[0]);
    }
    expect(written.size).toBeGreaterThan(30);
    expect([...written].filter((code) => !isErrorCode(code))).toEqual([]);
    // and the list holds no surface nothing uses (dynamic `<type>:${surface}` codes name route surfaces)
    const surfaces = new Set([...written].map((c) => c.split(":")[1]));
    expect(errorSurfaces.filter((s) => !surfaces.has(s) && !["request", "products", "feedback", "server"].includes(s))).toEqual([]);
  });
});

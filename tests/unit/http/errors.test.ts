import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { errorResponse, handle } from "@/lib/http/respond";
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
    // a server-side failure (5xx) is logged once; a refused request is not
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
    expect(got.body).toEqual({ error: { code: "internal:database", message: "Something went wrong on our side." } });
    expect(JSON.stringify(got.body)).not.toMatch(/hunter2|\.ts:|at /);
    // the detail goes to the log only
    expect(logs.lines).toMatchObject([{ level: "error", event: "request.failed", error: secret.message }]);
  });

  it("an internal AppError hides its message too", async () => {
    const logs = expectLogs();
    expect((await answer(new AppError("internal:turn", "stack-ish detail"))).body).toEqual({ error: { code: "internal:turn", message: "Something went wrong on our side." } });
    expect(logs.lines).toMatchObject([{ event: "request.failed", code: "internal:turn", error: "stack-ish detail" }]);
  });

  it("a typed code raised by a SQL function keeps its code; an unreachable database is a 503", async () => {
    const logs = expectLogs();
    expect(await answer(Object.assign(new Error("not_found:session"), { code: "PT404", detail: "No such session." }))).toMatchObject({
      status: 404,
      body: { error: { code: "not_found:session", message: "No such session." } },
    });
    expect(await answer(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toMatchObject({
      status: 503,
      body: { error: { code: "unavailable:database" } },
      retryAfter: "5",
    });
    expect(await answer(Object.assign(new Error("duplicate key"), { code: "23505" }))).toMatchObject({ status: 409, body: { error: { code: "conflict:database" } } });
    expect(logs.lines).toMatchObject([{ event: "request.failed", code: "unavailable:database" }]);
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

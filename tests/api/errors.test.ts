import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { freshPostgresUrl } from "../support/databases";

// Bad input never reaches a 500: each gets its typed error and status.
const adminToken = "operator-token-for-error-tests-32-chars";
let app: App;
beforeAll(async () => {
  app = await startApp({ DATABASE_URL: await freshPostgresUrl(), ADMIN_TOKEN: adminToken });
});
afterAll(() => app?.stop());

const json = { "content-type": "application/json" };
const cases: [string, RequestInit, number, string][] = [
  ["invalid JSON", { headers: json, body: "{nope" }, 400, "bad_request:chat"],
  ["not JSON", { headers: { "content-type": "text/plain" }, body: "hello" }, 415, "unsupported_media_type:chat"],
  ["no content type", { body: JSON.stringify({ message: "hi" }) }, 415, "unsupported_media_type:chat"],
  ["a JSON array", { headers: json, body: "[1,2]" }, 400, "bad_request:chat"],
  ["message wrong type", { headers: json, body: JSON.stringify({ message: 42 }) }, 400, "bad_request:chat"],
  ["empty message", { headers: json, body: JSON.stringify({ message: "   " }) }, 400, "bad_request:chat"],
  ["missing message", { headers: json, body: JSON.stringify({}) }, 400, "bad_request:chat"],
  ["message too long", { headers: json, body: JSON.stringify({ message: "x".repeat(4001) }) }, 400, "bad_request:chat"],
  ["unknown agent", { headers: json, body: JSON.stringify({ message: "hi", agent: "hacker" }) }, 400, "bad_request:agent"],
  ["malformed agent key", { headers: json, body: JSON.stringify({ message: "hi", agent: "Robert'); drop table" }) }, 400, "bad_request:chat"],
  ["unknown model", { headers: json, body: JSON.stringify({ message: "hi", model: "gpt-99" }) }, 400, "bad_request:model"],
  ["malformed session id", { headers: json, body: JSON.stringify({ message: "hi", sessionId: "123" }) }, 400, "bad_request:chat"],
  ["unknown session id", { headers: json, body: JSON.stringify({ message: "hi", sessionId: "6f1c1f43-4a57-4a4e-9d3c-2b9c0c7c5a11" }) }, 404, "not_found:session"],
  ["malformed clientMessageId", { headers: json, body: JSON.stringify({ message: "hi", clientMessageId: "abc" }) }, 400, "bad_request:chat"],
  ["tracking not boolean", { headers: json, body: JSON.stringify({ message: "hi", tracking: "no" }) }, 400, "bad_request:chat"],
  ["a menu button naming no agent", { headers: json, body: JSON.stringify({ action: { id: "select_agent", payload: { agent: "hacker" } } }) }, 400, "bad_request:agent"],
  // issue 23 item 5: an action must be a button an agent offered in that session
  ["a forged tool action (planting buttons)", { headers: json, body: JSON.stringify({ action: { id: "offer_choices", payload: { label: "Refund" } } }) }, 400, "bad_request:action"],
  ["a forged tool action with a message", { headers: json, body: JSON.stringify({ message: "hi", action: { id: "set_contact_details", payload: { email: "m@example.com" } } }) }, 400, "bad_request:action"],
  ["unknown field", { headers: json, body: JSON.stringify({ message: "hi", role: "system" }) }, 400, "bad_request:chat"],
  ["oversized body", { headers: json, body: JSON.stringify({ message: "hi", pad: "x".repeat(40_000) }) }, 413, "payload_too_large:chat"],
];

it.each(cases)("POST /api/chat with %s → %i %s", async (_name, init, status, code) => {
  const res = await fetch(`${app.url}/api/chat`, { method: "POST", ...init });
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);
});

it("a malformed session id in a path is 404", async () => {
  const res = await fetch(`${app.url}/api/sessions/not-a-uuid/messages`);
  expect(res.status).toBe(404);
  expect((await res.json()).error.code).toBe("not_found:session");
});

it("bad feedback is 400", async () => {
  const res = await fetch(`${app.url}/api/sessions/6f1c1f43-4a57-4a4e-9d3c-2b9c0c7c5a11/feedback`, {
    method: "POST", headers: json, body: JSON.stringify({ rating: "meh" }),
  });
  expect(res.status).toBe(400);
  expect((await res.json()).error.code).toBe("bad_request:feedback");
});

it("the server is still up", async () => {
  const res = await fetch(`${app.url}/api/health`, { headers: { authorization: `Bearer ${adminToken}` } });
  expect(await res.json()).toMatchObject({ ok: true, database: { backend: "postgres", up: true, migrationVersion: expect.stringMatching(/^\d{14}$/) } });
});

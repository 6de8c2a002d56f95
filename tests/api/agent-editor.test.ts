import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// The Agents page's API (docs/architecture.md, "Agents"): operators read an agent, save versions
// published or as drafts, list them and publish one; visitors keep the published version.
let app: App;
let db: pg.Pool;
const token = "operator-token-for-tests-of-32-characters";
const auth = { authorization: `Bearer ${token}` };
const json = { "content-type": "application/json" };

beforeAll(async () => {
  ({ app, db } = await startAppOnFreshDatabase({ ADMIN_TOKEN: token }));
});
afterAll(() => stopAppAndPool(app, db));

const call = (path: string, init: RequestInit = {}) => fetch(app.url + path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
const put = (key: string, body: unknown) => call(`/api/agents/${key}`, { method: "PUT", headers: json, body: JSON.stringify(body) });
/** A new visitor's first turn with the agent: the version its trace pinned. */
async function newSessionVersion(agent: string): Promise<number> {
  const r = await new Visitor(app.url).chat({ message: "a gift for a coffee lover", agent });
  const { rows } = await db.query("select agent_version from llm_traces where session_id = $1", [r.sessionId]);
  return rows[0].agent_version;
}

it("a draft is not what visitors get; publishing it makes the next new session run it; the history has both", async () => {
  const detail = await (await call("/api/agents/sales_pitch")).json();
  expect(detail.agent).toMatchObject({ key: "sales_pitch", name: "Sales Pitch", version: 1, isEnabled: true, modelKey: null, handoffs: ["product_recommendation", "order_assistant"] });
  expect(detail.agent.instructions).toMatch(/^You are Threadline's Sales Pitch agent/);
  expect(detail.agent).not.toHaveProperty("draftVersion");

  const draftText = `${detail.agent.instructions} Always mention the warranty.`;
  const saved = await put("sales_pitch", { instructions: draftText, draft: true });
  expect(saved.status).toBe(200);
  expect(await saved.json()).toMatchObject({ key: "sales_pitch", version: 2, status: "draft" });
  expect((await (await call("/api/agents/sales_pitch")).json()).agent).toMatchObject({ version: 1, draftVersion: 2, draft: { version: 2, instructions: draftText, savedBy: "admin" } });

  expect(await newSessionVersion("sales_pitch")).toBe(1);
  const menu = await (await fetch(`${app.url}/api/agents`)).json();
  expect(menu.agents.find((a: { key: string }) => a.key === "sales_pitch")).toEqual({ key: "sales_pitch", name: "Sales Pitch", description: "A short pitch for a product you name", greeting: expect.any(String) });
  for (const a of menu.agents) expect(a).not.toHaveProperty("instructions");

  const published = await call("/api/agents/sales_pitch/versions/2/publish", { method: "POST" });
  expect(published.status).toBe(200);
  expect(await newSessionVersion("sales_pitch")).toBe(2);
  const { versions } = await (await call("/api/agents/sales_pitch/versions")).json();
  expect(versions.map((v: { version: number; status: string; isLive: boolean }) => [v.version, v.status, v.isLive])).toEqual([[2, "published", true], [1, "published", false]]);
  expect(versions[0]).toMatchObject({ instructions: draftText, savedBy: "admin", publishedBy: "admin" });
  expect(versions[1].instructions).toBe(detail.agent.instructions);
});

it("a published save is live at once; a disabled agent leaves the visitors' menu", async () => {
  const saved = await (await put("product_recommendation", { greeting: "Hello there!", isEnabled: false })).json();
  expect(saved).toMatchObject({ version: 2, status: "published" });
  const menu = await (await fetch(`${app.url}/api/agents`)).json();
  expect(menu.agents.map((a: { key: string }) => a.key)).not.toContain("product_recommendation");
  await put("product_recommendation", { isEnabled: true });
  const again = await (await fetch(`${app.url}/api/agents`)).json();
  expect(again.agents.find((a: { key: string }) => a.key === "product_recommendation")).toMatchObject({ greeting: "Hello there!" });
});

it("401 without an operator, 404 for an unknown agent or version, 400 bad_request:agent for bad changes, 403 cross-site", async () => {
  for (const [path, method] of [["/api/agents/sales_pitch", "GET"], ["/api/agents/sales_pitch", "PUT"], ["/api/agents/sales_pitch/versions", "GET"], ["/api/agents/sales_pitch/versions/1/publish", "POST"]]) {
    const res = await fetch(app.url + path, { method, headers: json, body: method === "GET" ? undefined : "{}" });
    expect(res.status, `${method} ${path}`).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized:operator");
  }
  for (const path of ["/api/agents/nobody_here", "/api/agents/nobody_here/versions", "/api/agents/NOT%20A%20KEY"]) {
    const res = await call(path);
    expect(res.status, path).toBe(404);
    expect((await res.json()).error.code).toBe("not_found:agent");
  }
  expect((await put("nobody_here", { instructions: "x" })).status).toBe(404);
  for (const v of ["99", "0", "abc"]) {
    const res = await call(`/api/agents/sales_pitch/versions/${v}/publish`, { method: "POST" });
    expect(res.status, v).toBe(404);
  }
  const before = (await db.query("select count(*)::int as n from agent_versions")).rows[0].n;
  for (const bad of [{ tools: ["no_such_tool"] }, { handoffs: ["nobody_here"] }, { modelKey: "no-such-model" }, { instructions: "" }, { tools: "search_catalog" }, { password: "x" }, { isEnabled: false, draft: true }]) {
    const res = await put("sales_pitch", bad);
    expect(res.status, JSON.stringify(bad)).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request:agent");
  }
  const crossSite = await call("/api/agents/sales_pitch", { method: "PUT", headers: { ...json, origin: "https://evil.example", "sec-fetch-site": "cross-site" }, body: JSON.stringify({ instructions: "Evil." }) });
  expect(crossSite.status).toBe(403);
  expect((await crossSite.json()).error.code).toBe("forbidden:origin");
  expect((await db.query("select count(*)::int as n from agent_versions")).rows[0].n).toBe(before);
});

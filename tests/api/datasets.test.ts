import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { Visitor } from "../support/client";
import { freshPostgresUrl } from "../support/databases";

// Datasets and experiments over HTTP (docs/architecture.md, "Datasets and experiments"): operator-only,
// typed errors, the cross-site check on writes; an item from a trace, JSONL out and back in, and an
// experiment started at once (202 {id}) and replayed in the background on the queue.
let app: App;
let db: pg.Pool;
const token = "operator-token-for-tests-of-32-characters";
const bearer = { authorization: `Bearer ${token}` };
let traceId: string;
let yesId: string;

const call = (path: string, method: string, headers: Record<string, string>, body?: unknown) =>
  fetch(app.url + path, { method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });
const json = async (r: Response) => [r.status, await r.json()] as const;

beforeAll(async () => {
  const url = await freshPostgresUrl();
  db = new pg.Pool({ connectionString: url, max: 2 });
  app = await startApp({ DATABASE_URL: url, ADMIN_TOKEN: token });
  const v = new Visitor(app.url);
  let sessionId: string | undefined;
  for (const message of ["Hi so i need to buy 11 remote controls", "Ana Lopez", "my number is 555-123-4567", "ana@example.com", "yes"]) {
    const r = await v.chat({ message, ...(sessionId ? { sessionId } : { agent: "sales_pitch" }) });
    sessionId = r.sessionId;
    traceId = r.traceId!;
  }
  [{ id: yesId }] = (await db.query("select id from conversation_messages where session_id = $1 and role = 'user' and content = 'yes'", [sessionId])).rows;
});
afterAll(async () => {
  await app?.stop();
  await db?.end();
});

it("datasets are operators' only, validated, and checked for cross-site writes", async () => {
  expect((await call("/api/datasets", "GET", {})).status).toBe(401);
  const [created, body] = await json(await call("/api/datasets", "POST", bearer, { name: "bulk-orders", description: "orders that went wrong" }));
  expect([created, body]).toMatchObject([201, { name: "bulk-orders", description: "orders that went wrong", items: 0, createdBy: "admin" }]);
  expect(await json(await call("/api/datasets", "POST", bearer, { name: "bulk-orders" }))).toMatchObject([409, { error: { code: "conflict:dataset" } }]);
  expect(await json(await call("/api/datasets", "POST", bearer, { name: "Bad Name" }))).toMatchObject([400, { error: { code: "bad_request:dataset" } }]);
  const crossSite = await call("/api/datasets", "POST", { ...bearer, origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { name: "evil" });
  expect([crossSite.status, (await crossSite.json()).error.code]).toEqual([403, "forbidden:origin"]);
  expect(await json(await call("/api/datasets/nope/items", "GET", bearer))).toMatchObject([404, { error: { code: "not_found:dataset" } }]);
});

it("an item from a trace's visitor message, an item given whole, edits, archive, and JSONL out and back in", async () => {
  const [status, item] = await json(await call("/api/datasets/bulk-orders/items", "POST", bearer, { traceId, messageId: yesId, expectedOutput: "Your order is confirmed." }));
  expect(status).toBe(201);
  expect(item).toMatchObject({ sourceTraceId: traceId, sourceMessageId: yesId, expectedOutput: "Your order is confirmed.", input: { agent: "order_assistant" } });
  expect(item.input.messages.at(-1)).toEqual({ role: "user", content: "yes" });
  expect(await json(await call("/api/datasets/bulk-orders/items", "POST", bearer, { traceId, messageId: traceId }))).toMatchObject([404, { error: { code: "not_found:message" } }]);
  expect(await json(await call("/api/datasets/bulk-orders/items", "POST", bearer, { input: { messages: [{ role: "agent", content: "hi" }] } })))
    .toMatchObject([400, { error: { code: "bad_request:dataset" } }]);
  const [, manual] = await json(await call("/api/datasets/bulk-orders/items", "POST", bearer, { input: { messages: [{ role: "user", content: "do you sell tents?" }] } }));

  const [, edited] = await json(await call(`/api/datasets/bulk-orders/items/${manual.id}`, "PATCH", bearer, { expectedOutput: "Yes, we do." }));
  expect(edited).toMatchObject({ id: manual.id, expectedOutput: "Yes, we do.", archived: false });

  const exported = await call("/api/datasets/bulk-orders/items.jsonl", "GET", bearer);
  expect(exported.headers.get("content-type")).toMatch(/application\/x-ndjson/);
  const text = await exported.text();
  expect(text.trim().split("\n")).toHaveLength(2);
  expect(await (await call("/api/datasets/bulk-orders/items?format=jsonl", "GET", bearer)).text()).toBe(text);

  await call("/api/datasets", "POST", bearer, { name: "copy" });
  const imported = await fetch(`${app.url}/api/datasets/copy/items.jsonl`, { method: "POST", headers: { ...bearer, "content-type": "application/x-ndjson" }, body: text });
  expect(await json(imported)).toEqual([201, { imported: 2 }]);
  const copy = await (await call("/api/datasets/copy/items", "GET", bearer)).json();
  expect(copy.items.map((i: { input: { messages: unknown }; expectedOutput: string }) => [i.input.messages, i.expectedOutput]))
    .toEqual([[item.input.messages, "Your order is confirmed."], [manual.input.messages, "Yes, we do."]]);

  const bad = await fetch(`${app.url}/api/datasets/copy/items.jsonl`, { method: "POST", headers: { ...bearer, "content-type": "application/x-ndjson" }, body: `${text.split("\n")[0]}\n{"input": {"messages": []}}\n` });
  expect(await json(bad)).toMatchObject([400, { error: { code: "bad_request:dataset", message: expect.stringMatching(/^Line 2: input\.messages/) } }]);
  expect((await (await call("/api/datasets/copy/items", "GET", bearer)).json()).items).toHaveLength(2);

  const [, archived] = await json(await call(`/api/datasets/bulk-orders/items/${manual.id}`, "PATCH", bearer, { archived: true }));
  expect(archived.archived).toBe(true);
  expect((await (await call("/api/datasets/bulk-orders/items", "GET", bearer)).json()).items.map((i: { id: string }) => i.id)).toEqual([item.id]);
  const list = await (await call("/api/datasets", "GET", bearer)).json();
  expect(list.datasets.map((d: { name: string; items: number }) => [d.name, d.items])).toEqual([["bulk-orders", 1], ["copy", 2]]);
});

it("an experiment answers {id} at once and replays in the background; the comparison pairs two runs per item", async () => {
  const ordersBefore = (await db.query("select count(*)::int as n from flow_states where state ->> 'status' = 'confirmed' and not is_experiment")).rows[0].n;
  expect(await json(await call("/api/experiments", "POST", bearer, { dataset: "bulk-orders", agent: "order_assistant", version: "latest" })))
    .toMatchObject([400, { error: { code: "bad_request:experiment" } }]);
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const [status, started] = await json(await call("/api/experiments", "POST", bearer, { dataset: "bulk-orders", agent: "order_assistant", version: 1, evaluators: [] }));
    expect(status).toBe(202);
    ids.push(started.id);
  }
  const done = async (id: string) => {
    for (let i = 0; i < 100; i++) {
      const x = await (await call(`/api/experiments/${id}`, "GET", bearer)).json();
      if (x.status !== "running") return x;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("the experiment did not finish");
  };
  const [a, b] = [await done(ids[0]), await done(ids[1])];
  expect(a).toMatchObject({ status: "completed", items: [{ reply: expect.stringMatching(/confirmed.*BO-/s), scores: [] }] });
  expect(a.items[0].steps.map((s: { name: string }) => s.name)).toContain("confirm_order");
  expect(b.status).toBe("completed");
  const [cs, compared] = await json(await call(`/api/experiments/${ids[0]}/compare/${ids[1]}`, "GET", bearer));
  expect(cs).toBe(200);
  expect(compared.items).toHaveLength(1);
  expect(compared.items[0]).toMatchObject({ base: { reply: a.items[0].reply }, other: { reply: b.items[0].reply } });
  expect((await (await call("/api/experiments", "GET", bearer)).json()).experiments).toHaveLength(2);
  expect((await call("/api/experiments/00000000-0000-4000-8000-000000000000", "GET", bearer)).status).toBe(404);
  const ordersAfter = (await db.query("select count(*)::int as n from flow_states where state ->> 'status' = 'confirmed' and not is_experiment")).rows[0].n;
  expect(ordersAfter).toBe(ordersBefore);
});

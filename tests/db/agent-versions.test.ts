import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, visitor } from "./turn-helpers";

// Drafts and publishing (save_agent, publish_agent_version, agent_detail, agent_versions_list):
// new sessions run the published version until a draft is published; every save is a version.

describe.each(backends)("agent drafts and publishing on $name", ({ open }) => {
  const t = databaseFor(open);
  const uniqueKey = () => `drafts_${randomUUID().slice(0, 8)}`;
  const addAgent = (key: string) =>
    t.sql(`insert into agents (key, name, instructions, tools, handoffs)
           values ($1, 'Returns Desk', 'You handle returns.', '{search_catalog}', '{order_assistant}')`, [key]);

  it("a draft is not what new sessions run; publishing it makes the next new session run it", async () => {
    const key = uniqueKey();
    await addAgent(key);
    const draft = await t.db.rpc("save_agent", { p_key: key, p_changes: { instructions: "You handle returns, kindly." }, p_draft: true, p_author: "ana@example.com" });
    expect(draft).toMatchObject({ key, version: 2, status: "draft" });

    const before = await begin(t.db, visitor(), { p_agent: key, p_message: "hello" });
    expect(before.agent).toMatchObject({ version: 1, instructions: "You handle returns." });
    const [pinned] = await t.sql<{ agent_version: number }>("select agent_version from conversation_sessions where id = $1", [before.session.id]);
    expect(pinned.agent_version).toBe(1);
    // the widget's menu and the published row are unchanged
    expect((await t.db.rpc("list_agents")).find((a) => a.key === key)).not.toHaveProperty("instructions");
    const detail = await t.db.rpc("agent_detail", { p_key: key });
    expect(detail).toMatchObject({ version: 1, draft_version: 2, instructions: "You handle returns.", draft: { version: 2, status: "draft", saved_by: "ana@example.com" } });

    const published = await t.db.rpc("publish_agent_version", { p_key: key, p_version: 2, p_author: "bo@example.com" });
    expect(published).toMatchObject({ version: 2, status: "published" });
    const after = await begin(t.db, visitor(), { p_agent: key, p_message: "hello" });
    expect(after.agent).toMatchObject({ version: 2, instructions: "You handle returns, kindly." });
    expect(await t.db.rpc("agent_detail", { p_key: key })).toMatchObject({ version: 2, draft_version: null, draft: null });

    const versions = await t.db.rpc("agent_versions_list", { p_key: key });
    expect(versions.map((v) => [v.version, v.status, v.is_live, v.saved_by, v.published_by])).toEqual([
      [2, "published", true, "ana@example.com", "bo@example.com"],
      [1, "published", false, null, null],
    ]);
    expect(versions[1].instructions).toBe("You handle returns.");
  });

  it("a published save is a new version at once, numbered past the drafts; an unchanged save keeps the version", async () => {
    const key = uniqueKey();
    await addAgent(key);
    await t.db.rpc("save_agent", { p_key: key, p_changes: { greeting: "Hi" }, p_draft: true, p_author: "ana" });
    const saved = await t.db.rpc("save_agent", { p_key: key, p_changes: { tools: ["search_catalog", "product_details"] }, p_draft: false, p_author: "bo" });
    expect(saved).toMatchObject({ version: 3, status: "published", created: true });
    const detail = await t.db.rpc("agent_detail", { p_key: key });
    expect(detail).toMatchObject({ version: 3, greeting: null, tools: ["search_catalog", "product_details"], draft_version: 2 });
    expect(await t.db.rpc("save_agent", { p_key: key, p_changes: {}, p_draft: false, p_author: "bo" })).toMatchObject({ version: 3, created: false });
    // rolling back: publishing version 1 again
    await t.db.rpc("publish_agent_version", { p_key: key, p_version: 1, p_author: "bo" });
    expect(await t.db.rpc("agent_detail", { p_key: key })).toMatchObject({ version: 1, tools: ["search_catalog"], draft_version: 2 });
    expect(await t.db.rpc("save_agent", { p_key: key, p_changes: { instructions: "Next." }, p_draft: false, p_author: "bo" })).toMatchObject({ version: 4 });
  });

  it("refuses unknown tools, handoffs, models, agents and versions with typed errors", async () => {
    const key = uniqueKey();
    await addAgent(key);
    for (const draft of [true, false]) {
      await expect(t.db.rpc("save_agent", { p_key: key, p_changes: { tools: ["no_such_tool"] }, p_draft: draft, p_author: null })).rejects.toMatchObject({ code: "bad_request:agent" });
      await expect(t.db.rpc("save_agent", { p_key: key, p_changes: { handoffs: ["no_such_agent"] }, p_draft: draft, p_author: null })).rejects.toMatchObject({ code: "bad_request:agent" });
      await expect(t.db.rpc("save_agent", { p_key: key, p_changes: { model_key: "no-such-model" }, p_draft: draft, p_author: null })).rejects.toMatchObject({ code: "bad_request:agent" });
    }
    await expect(t.db.rpc("save_agent", { p_key: key, p_changes: { is_enabled: false }, p_draft: true, p_author: null })).rejects.toMatchObject({ code: "bad_request:agent" });
    await expect(t.db.rpc("save_agent", { p_key: "no_such_agent", p_changes: {}, p_draft: true, p_author: null })).rejects.toMatchObject({ code: "not_found:agent" });
    await expect(t.db.rpc("agent_detail", { p_key: "no_such_agent" })).rejects.toMatchObject({ code: "not_found:agent" });
    await expect(t.db.rpc("agent_versions_list", { p_key: "no_such_agent" })).rejects.toMatchObject({ code: "not_found:agent" });
    await expect(t.db.rpc("publish_agent_version", { p_key: key, p_version: 99, p_author: null })).rejects.toMatchObject({ code: "not_found:agent" });
    expect(await t.sql("select version from agent_versions where agent_key = $1", [key])).toEqual([{ version: 1 }]);
  });

  it("concurrent saves give distinct versions and lose no change", async () => {
    const key = uniqueKey();
    await addAgent(key);
    const saves = Array.from({ length: 8 }, (_, i) =>
      t.db.rpc("save_agent", { p_key: key, p_changes: { instructions: `Version from save ${i}.` }, p_draft: i % 2 === 0, p_author: `op${i}` }));
    const results = await Promise.all(saves);
    const numbers = results.map((r) => r.version).sort((a, b) => a - b);
    expect(numbers).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const rows = await t.sql<{ version: number; saved_by: string; instructions: string }>(
      "select version, saved_by, instructions from agent_versions where agent_key = $1 and version > 1 order by version", [key]);
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r.saved_by)).size).toBe(8);
    for (const r of rows) expect(r.instructions).toBe(`Version from save ${r.saved_by.slice(2)}.`);
  });
});

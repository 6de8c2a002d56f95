import { describe, expect, it } from "vitest";
import { addDatasetItem, createDataset, datasetItems, importJsonl, listDatasets, parseJsonl, toJsonl, updateDatasetItem } from "@/lib/datasets/datasets";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// Datasets (docs/architecture.md, "Datasets and experiments"), on PGlite and PostgreSQL: create, list,
// items from a trace (the conversation built in SQL from the stored messages) or given whole, edit,
// archive, and a JSONL export that imports back to the same items.

describe.each(backends)("datasets on $name", ({ open }) => {
  const t = databaseFor(open);

  it("creates, lists and refuses a taken name", async () => {
    const d = await createDataset(t.db, { name: "support", description: "hard questions" }, "op-a");
    expect(d).toMatchObject({ name: "support", description: "hard questions", createdBy: "op-a", items: 0 });
    await expect(createDataset(t.db, { name: "support" }, null)).rejects.toMatchObject({ code: "conflict:dataset" });
    expect((await listDatasets(t.db)).datasets.map((x) => x.name)).toContain("support");
    await expect(datasetItems(t.db, "missing")).rejects.toMatchObject({ code: "not_found:dataset" });
  });

  it("an item from a trace holds the conversation up to the visitor's message, replaced replies left out", async () => {
    const user = visitor();
    const first = await begin(t.db, user, { p_message: "do you sell tents?", p_agent: "product_recommendation" });
    await finish(t.db, first.user_message.id, { p_content: "Yes, three kinds." });
    const second = await begin(t.db, user, { p_message: "the cheapest one?", p_session_id: first.session.id });
    await finish(t.db, second.user_message.id, { p_content: "The Trail Tent." });
    await createDataset(t.db, { name: "from-traces" }, null);
    const item = await addDatasetItem(t.db, "from-traces", { traceId: first.session.trace_id!, messageId: second.user_message.id });
    expect(item.input.messages).toEqual([
      { role: "user", content: "do you sell tents?" },
      { role: "agent", content: "Yes, three kinds." },
      { role: "user", content: "the cheapest one?" },
    ]);
    expect(item).toMatchObject({ sourceTraceId: first.session.trace_id, sourceMessageId: second.user_message.id, expectedOutput: null, archived: false });
    expect(item.input.agent).toBe("product_recommendation");
    // an agent's message is not a visitor's message
    const [reply] = await t.sql<{ id: string }>("select id from conversation_messages where reply_to = $1", [first.user_message.id]);
    await expect(addDatasetItem(t.db, "from-traces", { traceId: first.session.trace_id!, messageId: reply.id })).rejects.toMatchObject({ code: "not_found:message" });
  });

  it("edits and archives; JSONL out and back in gives the same items; a bad line names itself", async () => {
    await createDataset(t.db, { name: "round-trip" }, null);
    const a = await addDatasetItem(t.db, "round-trip", { input: { messages: [{ role: "user", content: "hi" }] }, expectedOutput: "Hello!" });
    const b = await addDatasetItem(t.db, "round-trip", {
      input: { messages: [{ role: "user", content: "11 lamps" }, { role: "agent", content: "Your name?" }, { role: "user", content: "Ana" }] },
      expectedToolCalls: [{ name: "set_contact_details", args: { name: "Ana" } }],
    });
    const c = await addDatasetItem(t.db, "round-trip", { input: { messages: [{ role: "user", content: "bye" }] } });
    expect(await updateDatasetItem(t.db, a.id, { expectedOutput: "Hello there!" })).toMatchObject({ expectedOutput: "Hello there!" });
    expect(await updateDatasetItem(t.db, c.id, { archived: true })).toMatchObject({ archived: true });
    await expect(updateDatasetItem(t.db, "00000000-0000-4000-8000-000000000000", { archived: true })).rejects.toMatchObject({ code: "not_found:dataset" });

    const { items } = await datasetItems(t.db, "round-trip");
    expect(items.map((i) => i.id)).toEqual([a.id, b.id]);
    expect((await datasetItems(t.db, "round-trip", true)).items).toHaveLength(3);
    const jsonl = toJsonl(items);
    await createDataset(t.db, { name: "round-trip-copy" }, null);
    expect(await importJsonl(t.db, "round-trip-copy", jsonl)).toEqual({ imported: 2 });
    const copy = (await datasetItems(t.db, "round-trip-copy")).items;
    expect(toJsonl(copy)).toBe(jsonl);
    expect(copy[1]).toMatchObject({ expectedToolCalls: [{ name: "set_contact_details", args: { name: "Ana" } }] });

    expect(() => parseJsonl(`${jsonl}not json\n`)).toThrow(/^Line 3 is not JSON/);
    expect(() => parseJsonl('{"input": {"messages": [{"role": "agent", "content": "hi"}]}}')).toThrow(/^Line 1: input\.messages/);
    // all or none: the database refuses a bad item the same way, and keeps nothing of the import
    await expect(t.db.rpc("add_dataset_items", { p_dataset: "round-trip-copy", p_items: [{ messages: [{ role: "user", content: "ok" }] }, { messages: [] }] }))
      .rejects.toMatchObject({ code: "bad_request:dataset" });
    expect((await datasetItems(t.db, "round-trip-copy")).items).toHaveLength(2);
  });
});

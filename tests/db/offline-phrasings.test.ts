import { describe, expect, it } from "vitest";
import { runAgent } from "@/lib/chat/agent-run";
import { createOfflineModel } from "@/lib/models/from-env";
import { BULK_ORDER_FLOW, setLine } from "@/lib/orders/bulk-order";
import type { AgentDefinition } from "@/lib/tools/types";
import { backends, databaseFor } from "../support/databases";

// The offline model on the seeded agents and catalog (docs/reliability.md, "Holes closed"): the
// phrasings a new user tries in minutes, a search that finds nothing, and a full order.

describe.each(backends)("the offline model's phrasings on $name", ({ open }) => {
  const t = databaseFor(open);

  async function agent(key: string): Promise<AgentDefinition> {
    const [row] = await t.sql<AgentDefinition>("select key, name, description, instructions, tools, handoffs, version from agents where key = $1", [key]);
    return row;
  }
  async function conversation(key: string) {
    let flows: Record<string, Record<string, unknown>> = {};
    const a = await agent(key);
    return async (message: string) => {
      const r = await runAgent({
        db: t.db, model: createOfflineModel(), agent: a, handoffTargets: [], sessionId: "7a1d9b52-3c4e-4f60-8a9b-0c1d2e3f4a5b",
        history: [], message, action: null, flows, onText: () => {},
      });
      flows = { ...flows, ...(r.flows as Record<string, Record<string, unknown>>) };
      return { ...r, order: flows[BULK_ORDER_FLOW] as { lines?: { sku: string | null; special: boolean }[]; name?: string; phone?: string; email?: string; status?: string } | undefined };
    };
  }

  it('"we need 12 camp mugs for the team" adds the Insulated Camp Mug; "Bob Stone, bob.stone@example.org, +1 303 555 0199" keeps name, phone and email', async () => {
    const say = await conversation("order_assistant");
    const first = await say("we need 12 camp mugs for the team");
    expect(first.order?.lines).toEqual([expect.objectContaining({ sku: "TRL-MUG", special: false, quantity: 12 })]);
    expect(first.content).toContain("Insulated Camp Mug");
    expect(first.content).not.toContain("special-order");
    const second = await say("Bob Stone, bob.stone@example.org, +1 303 555 0199");
    expect(second.order).toMatchObject({ name: "Bob Stone", phone: "+13035550199", email: "bob.stone@example.org", status: "awaiting_confirmation" });
    expect(second.content).not.toMatch(/need your name/);
    expect(second.content).toContain("Shall I place the order?");
  });

  it("the seeds' own phrasings still work: a bare quantity and item, an announced name, a named special item", async () => {
    const say = await conversation("order_assistant");
    expect((await say("12 camp mugs")).order?.lines).toEqual([expect.objectContaining({ sku: "TRL-MUG" })]);
    expect((await say("25 branded umbrellas")).order?.lines?.[1]).toMatchObject({ special: true });
    expect((await say("I'm Ana Lopez, ana@example.com, +1 555 123 4567")).order).toMatchObject({ name: "Ana Lopez", email: "ana@example.com", phone: "+15551234567" });
  });

  it("a search with no match offers featured products of the nearest categories and asks one narrowing question", async () => {
    const say = await conversation("product_recommendation");
    const r = await say("Show me what you have for a small office");
    const search = r.observations.find((o) => o.name === "search_catalog")!;
    const result = search.result as { products: unknown[]; suggestions: { sku: string; category: string }[]; question: string };
    expect(result.products).toEqual([]);
    expect(result.suggestions).toHaveLength(3);
    // the office's nearest: the laptop daypack
    expect(result.suggestions[0].sku).toBe("TRL-PACK-20");
    expect(r.content).toContain("City Commuter 20L Daypack");
    expect(r.content.match(/\?/g)).toHaveLength(1);
    expect(r.content).toContain(result.question);
    expect(r.buttons.map((b) => b.action)).toEqual(result.suggestions.map((s) => ({ id: "product_details", payload: { sku: s.sku } })));
  });

  it("a 21st order line is refused in plain words, not as an error", async () => {
    let order = null as ReturnType<typeof setLine> | null;
    for (let i = 0; i < 20; i++) order = setLine(order, { item: `Custom item ${i}`, sku: null, quantity: 10, priceCents: null, pickupLocation: null, special: true });
    const a = await agent("order_assistant");
    const r = await runAgent({
      db: t.db, model: createOfflineModel(), agent: a, handoffTargets: [], sessionId: "7a1d9b52-3c4e-4f60-8a9b-0c1d2e3f4a5b",
      history: [], message: "add 30 camp mugs", action: null, flows: { [BULK_ORDER_FLOW]: order as never }, onText: () => {},
    });
    expect(r.content).toMatch(/^An order holds at most 20 lines/);
    expect(r.content).not.toMatch(/Error|ToolRefusal/);
  });
});

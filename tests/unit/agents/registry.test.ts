import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Catalog, Product, TurnContext } from "../../../lib/chat/types";
import { agentKeys, agents, getAgent, isAgentKey, menuPlan, planTurn } from "../../../lib/agents/registry";
import { BULK_ORDER_FLOW } from "../../../lib/agents/order-flow";

const lamp: Product = {
  sku: "TRL-LAMP",
  name: "Beacon Headlamp",
  category: "lighting",
  description: "Rechargeable 400-lumen headlamp with red night mode and a lock-out switch.",
  priceCents: 4900,
  tags: ["headlamp", "light", "lamp"],
  pickupLocation: "Store C, 7 Pine Avenue, Denver",
};

/** A catalog that must not be used: these checks are about logic that needs no catalog. */
const noCatalog: Catalog = {
  search: () => Promise.reject(new Error("catalog.search must not be called")),
  get: () => Promise.reject(new Error("catalog.get must not be called")),
};

function ctx(overrides: Partial<TurnContext>): TurnContext {
  return {
    sessionId: "7a1d9b52-3c4e-4f60-8a9b-0c1d2e3f4a5b",
    visitorId: "visitor-1",
    agentKey: "product_recommendation",
    model: { id: "m", key: "offline", name: "Threadline Offline", provider: "offline" },
    message: "",
    action: null,
    actionSource: null,
    history: [],
    flows: {},
    catalog: noCatalog,
    ...overrides,
  };
}

describe("agent registry", () => {
  it("lists the three agents in menu order, with keys usable by z.enum", () => {
    expect(agents.map((a) => a.key)).toEqual(["product_recommendation", "sales_pitch", "order_assistant"]);
    expect(z.enum(agentKeys).parse("sales_pitch")).toBe("sales_pitch");
    expect(() => z.enum(agentKeys).parse("assistant")).toThrow();
    expect(isAgentKey("order_assistant")).toBe(true);
    expect(isAgentKey("menu")).toBe(false);
    expect(getAgent("sales_pitch")?.name).toBe("Sales Pitch");
    expect(getAgent("nope")).toBeNull();
  });

  it.each(["menu", "  MENU ", "Menu\n"])("%j shows the numbered menu with one button per agent", async (message) => {
    const plan = await planTurn(ctx({ message, agentKey: "order_assistant" }));
    expect(plan.draft).toContain("1. Product Recommendation");
    expect(plan.draft).toContain("2. Sales Pitch");
    expect(plan.draft).toContain("3. Order Assistant");
    expect(plan.metadata).toEqual({ kind: "menu", menu: ["product_recommendation", "sales_pitch", "order_assistant"] });
    expect(plan.buttons.map((b) => b.action)).toEqual(
      agentKeys.map((agent) => ({ id: "select_agent", payload: { agent } })),
    );
    expect(plan).toEqual(menuPlan());
  });

  it("a selected agent introduces itself (button, or the number typed after the menu)", async () => {
    for (const agent of agents) {
      const byButton = await planTurn(ctx({ agentKey: agent.key, message: agent.name, action: { id: "select_agent", payload: { agent: agent.key } } }));
      expect(byButton.metadata?.kind).toBe("intro");
      expect(byButton.draft).toContain(agent.name);
      const byNumber = await planTurn(ctx({ agentKey: agent.key, message: "2" }));
      expect(byNumber.metadata?.kind).toBe("intro");
    }
  });

  it("rejects an unknown agent", async () => {
    await expect(planTurn(ctx({ agentKey: "nobody", message: "hi" }))).rejects.toThrow(/Unknown agent/);
  });

  it("a product button is answered from the stored tool output, without searching again (R10)", async () => {
    const actionSource = { toolOutputs: { catalog_search: { query: "headlamp", products: [lamp] } } };
    const plan = await planTurn(ctx({ message: "Beacon Headlamp", action: { id: "product_details", payload: { sku: lamp.sku } }, actionSource }));
    expect(plan.draft).toContain("Beacon Headlamp");
    expect(plan.draft).toContain("Store C, 7 Pine Avenue, Denver");
    expect(plan.metadata).toMatchObject({ source: "stored_tool_output" });
    expect(plan.buttons.map((b) => b.label)).toEqual(["Pitch it to me", "Order in bulk"]);
  });

  it("runs a whole bulk order through plan.flows, the state living only in ctx.flows", async () => {
    let flows: TurnContext["flows"] = {};
    const turn = async (message: string, action: TurnContext["action"] = null, actionSource: Record<string, unknown> | null = null) => {
      const plan = await planTurn(ctx({ agentKey: "order_assistant", message, action, actionSource, flows }));
      const next = plan.flows?.[BULK_ORDER_FLOW];
      if (next !== undefined) flows = next === null ? {} : { [BULK_ORDER_FLOW]: JSON.parse(JSON.stringify(next)) };
      return plan;
    };
    // the product comes from the button of another agent's stored output: no catalog call
    let plan = await turn("Order in bulk", { id: "select_agent", payload: { agent: "order_assistant", sku: lamp.sku } }, { toolOutputs: { product_details: { product: lamp } } });
    expect(plan.draft).toContain("How many Beacon Headlamp");
    plan = await turn("40 please");
    expect(plan.draft).toContain("your name, a phone number and an email address");
    plan = await turn("I'm Ana Lopez, ana@x.io");
    plan = await turn("call me at +1 555 123 4567");
    expect(plan.draft).toContain("Pickup location: Store C, 7 Pine Avenue, Denver");
    expect(plan.draft).toContain("$1,960.00 total");
    const yes = plan.buttons.find((b) => b.label.startsWith("Yes"))!;
    plan = await turn(yes.label, yes.action);
    expect(plan.metadata).toMatchObject({ kind: "bulk_order", status: "confirmed" });
    expect(plan.draft).toMatch(/Reference BO-[0-9A-F]{10}/);
    expect(flows[BULK_ORDER_FLOW]).toMatchObject({ status: "confirmed", quantity: 40, email: "ana@x.io" });
  });
});

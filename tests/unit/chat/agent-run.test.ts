import { describe, expect, it } from "vitest";
import { instructionsFor, runAgent } from "../../../lib/chat/agent-run";
import { TURN_CONTEXT_LABEL } from "../../../lib/models/turn-context";
import type { StoredMessage } from "../../../lib/chat/types";
import type { Database } from "../../../lib/db/types";
import { createOfflineModel } from "../../../lib/models/from-env";
import { BULK_ORDER_FLOW, setLine } from "../../../lib/orders/bulk-order";
import type { AgentDefinition } from "../../../lib/tools/types";

// The tool loop with the offline model, on turns whose tools need no database.
const noDatabase: Database = {
  backend: "pglite",
  rpc: ((fn: string) => Promise.reject(new Error(`db.rpc(${fn}) must not be called in this test`))) as Database["rpc"],
  close: async () => {},
};

const orderAgent: AgentDefinition = {
  key: "order_assistant",
  name: "Order Assistant",
  description: "Bulk orders",
  instructions: "You are Threadline's Order Assistant.",
  tools: ["offer_choices", "start_order", "set_order_line", "remove_order_line", "set_contact_details", "confirm_order", "cancel_order", "handoff"],
  handoffs: [],
  version: 1,
};

const message = (content: string): StoredMessage => ({ id: "m1", seq: 1, role: "user", content, metadata: {}, createdAt: "2026-11-29T00:00:00Z" });
const lamps = setLine(null, { item: "Beacon Headlamp", sku: "TRL-LAMP", quantity: 25, priceCents: 4900, pickupLocation: "Store C, 7 Pine Avenue, Denver", special: false });

function turn(text: string, flows: Record<string, Record<string, unknown>> = {}, agent = orderAgent) {
  let streamed = "";
  return runAgent({
    db: noDatabase,
    model: createOfflineModel(),
    agent,
    handoffTargets: [{ key: "order_assistant", name: "Order Assistant", description: "Bulk orders (10+ units) with store pickup" }],
    sessionId: "7a1d9b52-3c4e-4f60-8a9b-0c1d2e3f4a5b",
    history: [message(text)],
    message: text,
    action: null,
    flows,
    onText: (d) => (streamed += d),
  }).then((r) => ({ ...r, streamed }));
}

describe("the agent run (offline model, AI SDK tool loop)", () => {
  it("contact details completing an order: two tool calls, three generations, confirm buttons, flow changed in memory", async () => {
    const r = await turn("I'm Ana Lopez, ana@example.com, +1 555 123 4567", { [BULK_ORDER_FLOW]: lamps as never });
    expect(r.error).toBeNull();
    expect(r.observations.map((o) => `${o.kind}:${o.name}`)).toEqual([
      "generation:order_assistant", "tool:set_contact_details", "generation:order_assistant", "tool:offer_choices", "generation:order_assistant",
    ]);
    expect(r.observations.map((o) => o.position)).toEqual([0, 1, 2, 3, 4]);
    expect(r.observations[1].parent_id).toBe(r.observations[0].id);
    expect(r.observations[1].arguments).toEqual({ name: "Ana Lopez", email: "ana@example.com", phone: "+15551234567" });
    expect(r.observations[0]).toMatchObject({ finish_reason: "tool-calls", model: "offline", status: "ok" });
    expect(r.observations[4]).toMatchObject({ finish_reason: "stop" });
    expect(r.observations[0].input_tokens).toBeGreaterThan(0);
    expect(r.buttons.map((b) => b.action.id)).toEqual(["confirm_order", "cancel_order"]);
    expect(r.flows[BULK_ORDER_FLOW]).toMatchObject({ status: "awaiting_confirmation", name: "Ana Lopez" });
    expect(r.content).toContain("Store C, 7 Pine Avenue, Denver");
    expect(r.content).not.toMatch(/address/i);
    expect(r.streamed).toBe(r.content);
  });

  it("confirms only on an explicit yes", async () => {
    const complete = { ...lamps, name: "Ana", phone: "+15551234567", email: "ana@example.com", status: "awaiting_confirmation" as const };
    const maybe = await turn("hmm, let me think", { [BULK_ORDER_FLOW]: complete as never });
    expect(maybe.flows[BULK_ORDER_FLOW]).toBeUndefined();
    const yes = await turn("yes please", { [BULK_ORDER_FLOW]: complete as never });
    expect(yes.flows[BULK_ORDER_FLOW]).toMatchObject({ status: "confirmed", reference: expect.stringMatching(/^BO-[0-9A-F]{10}$/) });
    expect(yes.content).toMatch(/confirmed.*BO-/s);
  });

  it("a bulk request to an agent without order tools hands off (and the run stops there)", async () => {
    const shop: AgentDefinition = { ...orderAgent, key: "gift_shop", tools: ["handoff"], instructions: "You are the Gift Shop helper." };
    const r = await turn("Hi so i need to buy 11 remote controls", {}, shop);
    expect(r.handoff).toEqual({ agent: "order_assistant", reason: "bulk order" });
    expect(r.observations.map((o) => `${o.kind}:${o.name}`)).toEqual(["generation:gift_shop", "tool:handoff"]);
    expect(r.content).toMatch(/hand you/);
  });

  it("an agent with no tools still answers", async () => {
    const r = await turn("hello", {}, { ...orderAgent, key: "plain", tools: [], instructions: "You are the Plain helper." });
    expect(r.content).toMatch(/Plain helper/);
    expect(r.observations).toHaveLength(1);
  });
});

describe("the turn context in the instructions", () => {
  it("carries the pressed button with the reply that offered it, and the open order", () => {
    const text = instructionsFor(orderAgent, {
      action: { id: "confirm_order", payload: { fingerprint: "abc" } },
      actionSource: { agent: "order_assistant", buttons: [{ label: "Yes", action: { id: "confirm_order" } }], tools: ["set_contact_details"] },
      flows: { [BULK_ORDER_FLOW]: lamps as never },
    });
    expect(text.startsWith(orderAgent.instructions)).toBe(true);
    const context = JSON.parse(text.split(TURN_CONTEXT_LABEL)[1]);
    expect(context.pressed_button).toEqual({
      id: "confirm_order",
      payload: { fingerprint: "abc" },
      offered_by: { agent: "order_assistant", buttons: [{ label: "Yes", action: { id: "confirm_order" } }], tools: ["set_contact_details"] },
    });
    expect(context.bulk_order).toMatchObject({ status: "collecting", missing: ["name", "phone", "email"] });
  });
});

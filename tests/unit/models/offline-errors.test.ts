import { describe, expect, it } from "vitest";
import { runAgent } from "../../../lib/chat/agent-run";
import type { Database } from "../../../lib/db/types";
import { createOfflineModel } from "../../../lib/models/from-env";
import { TOOL_FAILED_TEXT, visitorErrorText } from "../../../lib/models/offline-rules";
import type { AgentDefinition } from "../../../lib/tools/types";

// A failed tool call reaches the visitor as a plain sentence; its detail (an error's name, a
// validation report) stays the step's error in the trace (docs/reliability.md, "Holes closed").

const failingDatabase: Database = {
  backend: "pglite",
  rpc: ((fn: string) => Promise.reject(new Error(`connection refused while calling ${fn}`))) as Database["rpc"],
  close: async () => {},
};

const orderAgent: AgentDefinition = {
  key: "order_assistant", name: "Order Assistant", description: "Bulk orders", instructions: "You are Threadline's Order Assistant.",
  tools: ["offer_choices", "start_order", "set_order_line", "remove_order_line", "set_contact_details", "confirm_order", "cancel_order"], handoffs: [], version: 1,
};

const turn = (message: string, action: { id: string; payload?: Record<string, unknown> } | null = null) => runAgent({
  db: failingDatabase, model: createOfflineModel(), agent: orderAgent, handoffTargets: [], sessionId: "7a1d9b52-3c4e-4f60-8a9b-0c1d2e3f4a5b",
  history: [], message, action, flows: {}, onText: () => {},
});

const leaks = /AI_\w+Error|ToolRefusal|Error:|Invalid input|expected|connection refused|"path"/;

describe("tool failures as the visitor reads them", () => {
  it("a refusal: its own reason, without the ToolRefusal name; the step keeps the detail", async () => {
    const r = await turn("remove the tents");
    expect(r.content).toBe('No line matching "tents" on an open order.');
    expect(r.content).not.toMatch(leaks);
    expect(r.observations.find((o) => o.name === "remove_order_line")).toMatchObject({ status: "error", error: 'No line matching "tents" on an open order.' });
  });

  it("invalid tool input (a pressed button with a bad payload): a plain sentence, the validation report in the step", async () => {
    const r = await turn("add these", { id: "set_order_line", payload: { item: "", quantity: "lots" } });
    expect(r.content).toBe(TOOL_FAILED_TEXT);
    expect(r.content).not.toMatch(leaks);
    expect(r.observations.find((o) => o.name === "set_order_line")?.error).toMatch(/Invalid input|quantity/);
  });

  it("an unexpected error (the catalog unreachable): a plain sentence, the error in the step", async () => {
    const r = await turn("we need 30 widgets");
    expect(r.content).toBe(TOOL_FAILED_TEXT);
    expect(r.observations.find((o) => o.name === "set_order_line")?.error).toMatch(/connection refused/);
  });

  it("the wording rule: a refusal's reason, anything else the apology", () => {
    expect(visitorErrorText("ToolRefusal: Bulk orders start at 10 units per line (asked: 5).")).toBe("Bulk orders start at 10 units per line (asked: 5).");
    expect(visitorErrorText("Error: An order holds at most 20 lines.")).toBe(TOOL_FAILED_TEXT);
    expect(visitorErrorText("AI_InvalidToolInputError: Invalid input for tool set_order_line: [{\"path\":[\"quantity\"]}]")).toBe(TOOL_FAILED_TEXT);
    expect(visitorErrorText({ message: "ToolRefusal: No product with SKU X." })).toBe("No product with SKU X.");
  });
});

import { describe, expect, it } from "vitest";
import { chatReducer, initialChatState } from "@/components/chat/chat-state";
import { formatPrice, productSku } from "@/components/chat/product-cards";
import { badgeParts } from "@/components/chat/session-tag";
import type { ChatMessage } from "@/components/chat/types";

describe("product cards from a reply", () => {
  it("a card per product_details button with a sku; other buttons are not products", () => {
    expect(productSku({ label: "Stormshell", action: { id: "product_details", payload: { sku: "TRL-JKT-RN" } } })).toBe("TRL-JKT-RN");
    expect(productSku({ label: "Pitch it", action: { id: "select_agent", payload: { agent: "sales_pitch", sku: "TRL-JKT-RN" } } })).toBeNull();
    expect(productSku({ label: "Odd", action: { id: "product_details", payload: { sku: 7 } } })).toBeNull();
    expect(productSku({ label: "None", action: { id: "product_details" } })).toBeNull();
  });

  it("prices read as dollars", () => {
    expect(formatPrice(14900)).toBe("$149.00");
    expect(formatPrice(null)).toBeNull();
  });
});

describe("the session badge", () => {
  it("splits the model name (which may shrink) from the counter (which may not)", () => {
    expect(badgeParts("Threadline Offline", "chat_model_abc123_015")).toEqual({ name: "Threadline Offline", counter: "015" });
    expect(badgeParts("  ", "odd")).toEqual({ name: "Session", counter: null });
  });
});

describe("votes in the widget's state", () => {
  it("a vote changes only its message", () => {
    const message = (key: string): ChatMessage => ({
      key, id: key, role: "agent", content: key, buttons: [], createdAt: "", sessionId: "s", status: "done", vote: null,
    });
    const state = { ...initialChatState, messages: [message("a"), message("b")] };
    const up = chatReducer(state, { type: "vote-given", messageKey: "b", vote: "up" });
    expect(up.messages.map((m) => m.vote)).toEqual([null, "up"]);
    const cleared = chatReducer(up, { type: "vote-given", messageKey: "b", vote: null });
    expect(cleared.messages.map((m) => m.vote)).toEqual([null, null]);
  });
});

import { expect, it } from "vitest";
import { defaultAgentProblem } from "../../../lib/chat/default-agent";

it("DEFAULT_AGENT must name an enabled agent; the message says what to set", () => {
  const enabled = [{ key: "product_recommendation", name: "Product Recommendation" }, { key: "order_assistant", name: "Order Assistant" }];
  expect(defaultAgentProblem("order_assistant", enabled)).toBeNull();
  expect(defaultAgentProblem("sales_pitch", enabled)).toMatch(/DEFAULT_AGENT=sales_pitch does not name an enabled agent \(enabled: product_recommendation, order_assistant\)/);
});

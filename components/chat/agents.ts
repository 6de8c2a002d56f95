import type { AgentRef } from "./types";

export interface AgentOption extends AgentRef {
  blurb: string;
}

/** The built-in agents, in the order the server's own "menu" lists them. */
export const AGENT_OPTIONS: readonly AgentOption[] = [
  { key: "product_recommendation", name: "Product Recommendation", blurb: "Find gear that fits what you need." },
  { key: "sales_pitch", name: "Sales Pitch", blurb: "Hear why a product is worth it." },
  { key: "order_assistant", name: "Order Assistant", blurb: "Place a bulk order of 10 or more." },
];

/** What the widget sends, with the chosen `agent`, when the visitor picks one from the menu. */
export const AGENT_GREETING = "Hi";

export function agentName(key: string): string {
  return AGENT_OPTIONS.find((a) => a.key === key)?.name ?? key;
}

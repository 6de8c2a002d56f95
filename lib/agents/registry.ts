// Agents are rows of the `agents` table (docs/architecture.md "Agents"): begin_turn picks one
// and returns its definition with the turn. These are only display names for the three
// seeded agents, for pages that show an agent key without a turn at hand.

const seeded = [
  { key: "product_recommendation", name: "Product Recommendation" },
  { key: "sales_pitch", name: "Sales Pitch" },
  { key: "order_assistant", name: "Order Assistant" },
] as const;

/** The seeded agents, in menu order (display only: the database has the full list). */
export const agents: readonly { key: string; name: string }[] = seeded;

export function getAgent(key: string): { key: string; name: string } | null {
  return agents.find((a) => a.key === key) ?? null;
}

/** An agent as the API shows it; an agent added by SQL keeps its key as name here. */
export function agentRef(key: string): { key: string; name: string } {
  return { key, name: getAgent(key)?.name ?? key };
}

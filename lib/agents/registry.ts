// The built-in agents, in menu order, and the shared entry point of a turn.
import type { Agent, AgentPlan, TurnContext } from "../chat/types";
import { agentButton, isMenuRequest } from "./conversation";
import { orderAssistant } from "./order-assistant";
import { productRecommendation } from "./product-recommendation";
import { salesPitch } from "./sales-pitch";

/** Agent keys in menu order (1, 2, 3); usable as `z.enum(agentKeys)`. */
export const agentKeys = ["product_recommendation", "sales_pitch", "order_assistant"] as const;
export type AgentKey = (typeof agentKeys)[number];

export const defaultAgentKey: AgentKey = "product_recommendation";

const byKey: Record<AgentKey, Agent> = {
  product_recommendation: productRecommendation,
  sales_pitch: salesPitch,
  order_assistant: orderAssistant,
};

/** The built-in agents, in menu order. */
export const agents: readonly Agent[] = agentKeys.map((key) => byKey[key]);

export function isAgentKey(value: unknown): value is AgentKey {
  return typeof value === "string" && (agentKeys as readonly string[]).includes(value);
}

export function getAgent(key: string): Agent | null {
  return isAgentKey(key) ? byKey[key] : null;
}

/** The numbered agent menu, with one button per agent. metadata.menu maps a following "2" to an agent. */
export function menuPlan(): AgentPlan {
  const lines = agents.map((a, i) => `${i + 1}. ${a.name} — ${a.description}`);
  return {
    system:
      "You are Threadline's agent menu. Present the numbered list of agents exactly as in the draft " +
      "and tell the visitor to reply with a number or tap a button.",
    toolOutputs: { agent_menu: { agents: agents.map((a, i) => ({ number: i + 1, key: a.key, name: a.name, description: a.description })) } },
    draft: `Here are our agents — reply with a number or tap one:\n${lines.join("\n")}`,
    buttons: agents.map((a) => agentButton(a.key, a.name)),
    metadata: { kind: "menu", menu: [...agentKeys] },
  };
}

/**
 * Plans one turn: the cross-agent bits (the `menu` command) first, then the session's
 * agent (ctx.agentKey). Throws for an unknown agent key: callers validate keys with agentKeys.
 */
export async function planTurn(ctx: TurnContext): Promise<AgentPlan> {
  if (ctx.action ? ctx.action.id === "menu" : isMenuRequest(ctx.message)) return menuPlan();
  const agent = getAgent(ctx.agentKey);
  if (!agent) throw new Error(`Unknown agent "${ctx.agentKey}"`);
  return agent.plan(ctx);
}

/** An agent as the API shows it; an unknown key (an agent since removed) keeps its key as name. */
export function agentRef(key: string): { key: string; name: string } {
  return { key, name: getAgent(key)?.name ?? key };
}

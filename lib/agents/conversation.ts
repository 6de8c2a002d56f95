// Reading a turn: what kind of message the visitor sent, and the buttons agents share.
import type { Button, TurnContext } from "../chat/types";

/** The action a menu button (or an agent's follow-up button) carries to switch agent. */
export const SELECT_AGENT = "select_agent";

/** Typing `menu` (any case, surrounding spaces ignored) opens the agent menu. */
export function isMenuRequest(message: string): boolean {
  return message.trim().toLowerCase() === "menu";
}

/** The clicked button's payload, or {}. */
export function actionPayload(ctx: TurnContext): Record<string, unknown> {
  const payload = ctx.action?.payload;
  return typeof payload === "object" && payload !== null ? payload : {};
}

/** A string field of the clicked button's payload, trimmed, or null. */
export function payloadString(ctx: TurnContext, key: string): string | null {
  const value = actionPayload(ctx)[key];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

const GREETING = /^(hi|hello|hey|hiya|yo|start|help|good (morning|afternoon|evening)|what can you do|who are you)\b[\s!?.]*$/i;

/**
 * A turn where the agent should introduce itself: the visitor selected it (menu button
 * or a number typed after the menu, which the SQL layer turned into a switch), or
 * greeted it before anything else happened in the session.
 */
export function isIntroTurn(ctx: TurnContext): boolean {
  if (ctx.action?.id === SELECT_AGENT) return true;
  if (ctx.action) return false;
  const text = ctx.message.trim();
  const agentSpoke = ctx.history.some((m) => m.role === "agent");
  if (/^\d{1,2}[.)]?$/.test(text) && !agentSpoke) return true;
  return GREETING.test(text);
}

/** A follow-up button that hands the visitor to another agent, with extra payload (e.g. a sku). */
export function agentButton(agent: string, label: string, extra: Record<string, unknown> = {}): Button {
  return { label, action: { id: SELECT_AGENT, payload: { agent, ...extra } } };
}

/** The system prompt for a plan: the agent's standing instructions plus this turn's task. */
export function systemFor(systemPrompt: string, task: string): string {
  return `${systemPrompt}\n\nThis turn: ${task}`;
}

/** Small deterministic choice (e.g. a phrasing) keyed by a string. */
export function pick<T>(options: readonly T[], key: string): T {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return options[h % options.length];
}

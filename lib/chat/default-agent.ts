import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";

// DEFAULT_AGENT must name an enabled row of `agents` (docs/architecture.md "Agents"):
// checked once at start, with a message that says what to fix.

export type EnabledAgent = Pick<RpcResultOf<"list_agents">[number], "key" | "name">;

/** null when the default agent is enabled, else the message to log before refusing to start. */
export function defaultAgentProblem(defaultAgent: string, enabled: EnabledAgent[]): string | null {
  if (enabled.some((a) => a.key === defaultAgent)) return null;
  const keys = enabled.map((a) => a.key).join(", ") || "none";
  return `DEFAULT_AGENT=${defaultAgent} does not name an enabled agent (enabled: ${keys}). Set DEFAULT_AGENT to one of them, or enable the agent: update public.agents set is_enabled = true where key = '${defaultAgent}';`;
}

/**
 * The enabled agents, from the public agent list the widget's menu uses (`list_agents()`, owned by the
 * widget's migration); an array of agents, or an object holding one under `agents`.
 */
export function enabledAgents(db: Database): Promise<EnabledAgent[]> {
  return db.rpc("list_agents"); // the enabled agents, in menu order
}

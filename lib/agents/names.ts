import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";

// Agents are rows of the `agents` table: their names come from there, never from a list in code.
// A session carries its agent's name (`session_json`'s `agent_name`); the operator screens read
// every agent, enabled or not, with `operator_agents()`.

export type OperatorAgent = RpcResultOf<"operator_agents">[number];

/** Every agent (a trace may belong to a disabled one), in menu order. */
export async function operatorAgents(db: Database): Promise<OperatorAgent[]> {
  return db.rpc("operator_agents");
}

/** key → name, for showing an agent key; a key no agent has any more shows as itself. */
export function agentNameMap(agents: readonly { key: string; name: string }[]): Record<string, string> {
  return Object.fromEntries(agents.map((a) => [a.key, a.name]));
}

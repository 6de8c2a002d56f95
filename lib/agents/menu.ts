import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";

// The agent menu the widget shows: the enabled agents in menu order (SQL list_agents).

export type AgentMenuEntry = RpcResultOf<"list_agents">[number];

export async function listAgents(db: Database): Promise<AgentMenuEntry[]> {
  return db.rpc("list_agents");
}

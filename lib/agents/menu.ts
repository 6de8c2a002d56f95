import type { Database } from "../db/types";

// The agent menu the widget shows: the enabled agents in menu order (SQL list_agents).

export interface AgentMenuEntry {
  key: string;
  name: string;
  description: string;
  greeting: string | null;
}

export async function listAgents(db: Database): Promise<AgentMenuEntry[]> {
  return db.rpc("list_agents");
}

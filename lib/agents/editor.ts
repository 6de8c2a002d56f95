import { z } from "zod";
import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";

// The Agents page and /api/agents/{key}: one agent, its versions, saving (published or as a
// draft) and publishing. Postgres decides everything (save_agent, publish_agent_version:
// docs/architecture.md, "Agents"); this file maps names between the API and SQL.

const agentKey = /^[a-z][a-z0-9_]{0,63}$/;

/** PUT /api/agents/{key}: the fields to change; `draft: true` saves a draft new sessions do not get. */
export const agentChangesSchema = z.strictObject({
  name: z.string().trim().min(1).max(80).optional(),
  description: z.string().max(500).optional(),
  instructions: z.string().trim().min(1).max(20000).optional(),
  greeting: z.string().max(2000).nullable().optional(),
  modelKey: z.string().max(128).nullable().optional(),
  tools: z.array(z.string().regex(agentKey)).max(50).optional(),
  handoffs: z.array(z.string().regex(agentKey)).max(50).optional(),
  isEnabled: z.boolean().optional(),
  draft: z.boolean().optional(),
});
export type AgentChanges = z.infer<typeof agentChangesSchema>;

type VersionRow = RpcResultOf<"agent_versions_list">[number];
type DetailRow = RpcResultOf<"agent_detail">;

function versionJson(v: Omit<VersionRow, "is_live"> & { is_live?: boolean }) {
  return {
    version: v.version, status: v.status, name: v.name, description: v.description, instructions: v.instructions,
    greeting: v.greeting, modelKey: v.model_key, tools: v.tools, handoffs: v.handoffs, savedBy: v.saved_by,
    createdAt: v.created_at, publishedAt: v.published_at, publishedBy: v.published_by,
    ...(v.is_live === undefined ? {} : { isLive: v.is_live }),
  };
}
export type AgentVersion = ReturnType<typeof versionJson>;

function detailJson(a: DetailRow) {
  return {
    key: a.key, name: a.name, description: a.description, instructions: a.instructions, greeting: a.greeting,
    modelKey: a.model_key, tools: a.tools, handoffs: a.handoffs, isEnabled: a.is_enabled, menuPosition: a.menu_position,
    version: a.version, ...(a.draft_version === null ? {} : { draftVersion: a.draft_version }),
    draft: a.draft ? versionJson(a.draft) : null,
  };
}
export type AgentDetail = ReturnType<typeof detailJson>;

export async function agentDetail(db: Database, key: string): Promise<{ agent: AgentDetail }> {
  return { agent: detailJson(await db.rpc("agent_detail", { p_key: key })) };
}

export async function agentVersions(db: Database, key: string): Promise<{ versions: AgentVersion[] }> {
  return { versions: (await db.rpc("agent_versions_list", { p_key: key })).map(versionJson) };
}

export async function saveAgent(db: Database, key: string, changes: AgentChanges, author: string) {
  const sql: Record<string, unknown> = {};
  const names = { name: "name", description: "description", instructions: "instructions", greeting: "greeting",
    modelKey: "model_key", tools: "tools", handoffs: "handoffs", isEnabled: "is_enabled" } as const;
  for (const [from, to] of Object.entries(names)) {
    const value = changes[from as keyof typeof names];
    if (value !== undefined) sql[to] = value;
  }
  return db.rpc("save_agent", { p_key: key, p_changes: sql, p_draft: changes.draft ?? false, p_author: author });
}

export async function publishAgentVersion(db: Database, key: string, version: number, author: string) {
  return db.rpc("publish_agent_version", { p_key: key, p_version: version, p_author: author });
}

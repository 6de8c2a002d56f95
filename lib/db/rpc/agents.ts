import { z } from "zod";
import { agentContent } from "./rows";

// The Agents page's SQL functions: one agent, its versions, saving and publishing
// (supabase/schemas/02_models_and_agents.sql; docs/architecture.md, "Agents"; lib/db/registry.ts).

const versionStatus = z.enum(["draft", "published"]);

export const agentVersionSchema = z.object({
  version: z.number(),
  status: versionStatus,
  ...agentContent,
  saved_by: z.string().nullable(),
  created_at: z.string(),
  published_at: z.string().nullable(),
  published_by: z.string().nullable(),
});

export const agentDetailSchema = z.object({
  key: z.string(),
  ...agentContent,
  is_enabled: z.boolean(),
  menu_position: z.number(),
  version: z.number(),
  draft_version: z.number().nullable(),
  updated_at: z.string(),
  draft: agentVersionSchema.nullable(),
});

const saved = z.object({ key: z.string(), version: z.number(), status: versionStatus, created: z.boolean().optional() });

export const agentFunctions = {
  agent_detail: { args: z.object({ p_key: z.string() }), result: agentDetailSchema },
  agent_versions_list: {
    args: z.object({ p_key: z.string() }),
    result: z.array(agentVersionSchema.extend({ is_live: z.boolean() })),
  },
  save_agent: {
    args: z.object({ p_key: z.string(), p_changes: z.record(z.string(), z.unknown()), p_draft: z.boolean(), p_author: z.string().nullable() }),
    result: saved,
  },
  publish_agent_version: {
    args: z.object({ p_key: z.string(), p_version: z.number(), p_author: z.string().nullable() }),
    result: saved,
  },
} as const;

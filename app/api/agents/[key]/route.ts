import { agentChangesSchema, agentDetail, saveAgent } from "@/lib/agents/editor";
import { agentKeyParam } from "@/lib/http/params";
import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** One agent as operators edit it: the published version, and its newest draft (docs/architecture.md, "Agents"). */
export const GET = operatorRoute({
  surface: "agent",
  params: { key: agentKeyParam },
  handler: async ({ db, params }) => agentDetail(db, params.key),
});

/** Saves the changes as the next version: published at once, or a draft with `draft: true`. */
export const PUT = operatorRoute({
  surface: "agent",
  params: { key: agentKeyParam },
  body: agentChangesSchema,
  maxBytes: 64 * 1024,
  handler: async ({ db, params, body, operator }) => saveAgent(db, params.key, body, operator.author),
});

export const { POST, PATCH, DELETE } = otherMethods("GET", "PUT");

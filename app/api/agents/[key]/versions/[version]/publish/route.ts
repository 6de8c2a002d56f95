import { publishAgentVersion } from "@/lib/agents/editor";
import { agentKeyParam, agentVersionParam } from "@/lib/http/params";
import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Publishes a saved version (a draft, or an earlier one to roll back to): the next new session runs it. */
export const POST = operatorRoute({
  surface: "agent",
  params: { key: agentKeyParam, version: agentVersionParam },
  handler: async ({ db, params, operator }) => publishAgentVersion(db, params.key, params.version, operator.author),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

import { agentVersions } from "@/lib/agents/editor";
import { agentKeyParam } from "@/lib/http/params";
import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Every saved version of an agent, newest first, each with its instructions and who saved it. */
export const GET = operatorRoute({
  surface: "agent",
  params: { key: agentKeyParam },
  handler: async ({ db, params }) => agentVersions(db, params.key),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

import { listAgents } from "@/lib/agents/menu";
import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The agent menu: enabled agents in menu order (edits in SQL show on the next load). */
export const GET = publicRoute({
  handler: async ({ openDatabase }) => ({ agents: await listAgents(await openDatabase()) }),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

import { listAgents } from "@/lib/agents/menu";
import { database } from "@/lib/db";
import { handle } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

/** The agent menu: enabled agents in menu order (edits in SQL show on the next load). */
export async function GET(): Promise<Response> {
  return handle(async () => {
    const agents = await listAgents(await database());
    return Response.json({ agents }, { headers: { "Cache-Control": "no-store" } });
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

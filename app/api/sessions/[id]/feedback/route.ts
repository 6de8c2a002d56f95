import { database } from "@/lib/db";
import { rateSession } from "@/lib/chat/sessions";
import { readJson } from "@/lib/http/body";
import { sessionIdParam } from "@/lib/http/params";
import { handle } from "@/lib/http/respond";
import { knownVisitor } from "@/lib/http/visitor";
import { feedbackSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = sessionIdParam((await params).id);
    const body = await readJson(request, feedbackSchema, "feedback", 8 * 1024);
    const db = await database();
    return Response.json(await rateSession(db, await knownVisitor(request, db), id, body.rating, body.comment));
  });
}

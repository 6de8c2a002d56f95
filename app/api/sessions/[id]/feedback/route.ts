import { database } from "@/lib/db";
import { rateSession } from "@/lib/chat/sessions";
import { readJson } from "@/lib/http/body";
import { sessionIdParam } from "@/lib/http/params";
import { knownVisitor } from "@/lib/http/visitor";
import { feedbackSchema } from "./schema";
import { otherMethods } from "@/lib/http/methods";
import { mutation } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return mutation(request, async () => {
    const id = sessionIdParam((await params).id);
    const body = await readJson(request, feedbackSchema, "feedback", 8 * 1024);
    const db = await database();
    return Response.json(await rateSession(db, await knownVisitor(request, db), id, body.rating, body.comment));
  }, { embed: true });
}

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

import { database } from "@/lib/db";
import { handle } from "@/lib/http/respond";
import { requireOperator } from "@/lib/operators/auth";
import { exportVisitor, visitorIdParam } from "@/lib/privacy/visitors";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// Everything stored about one visitor, as JSON (operators only).
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const db = await database();
    await requireOperator(request, db);
    const id = visitorIdParam((await params).id);
    return Response.json(await exportVisitor(db, id), {
      headers: { "Cache-Control": "no-store", "Content-Disposition": `attachment; filename="visitor-export.json"` },
    });
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

import { database } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http/body";
import { handle } from "@/lib/http/respond";
import { checkToken, loginCookie } from "@/lib/operators/auth";
import { loginSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const { token } = await readJson(request, loginSchema, "login", 4 * 1024);
    const db = await database();
    if (!(await checkToken(db, token))) throw new AppError("unauthorized:login", "That token is not valid.");
    const secure = new URL(request.url).protocol === "https:";
    return Response.json({ ok: true }, { headers: { "Set-Cookie": await loginCookie(db, secure), "Cache-Control": "no-store" } });
  });
}

// GET /api/bench/ping — the benchmark's baseline: the same server, framework and
// JSON response path as a chat turn, with no database work. Only enabled when
// THREADLINE_BENCH=1 (npm run bench sets it); a 404 otherwise.

import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  if (process.env.THREADLINE_BENCH !== "1") {
    return Response.json({ error: { code: "not_found:route", message: "Not found." } }, { status: 404 });
  }
  return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

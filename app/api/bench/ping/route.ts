// GET /api/bench/ping — the benchmark's baseline: the same server, framework and
// JSON response path as a chat turn, with no database work. Only enabled when
// THREADLINE_BENCH=1 (npm run bench sets it); a 404 otherwise.

import { AppError } from "@/lib/errors";
import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = publicRoute({
  handler: async () => {
    if (process.env.THREADLINE_BENCH !== "1") throw new AppError("not_found:route", "Not found.");
    return { ok: true };
  },
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");

// POST /api/bench/floor — the benchmark's floor: the chat route without Threadline (the same route
// wrapper, zod body, AI SDK tool loop with the offline model and the tools on an in-memory catalog,
// the same answer; no database: lib/chat/floor.ts). Only enabled when THREADLINE_BENCH=1
// (npm run bench sets it); a 404 otherwise.

import { chatRequestSchema } from "@/app/api/chat/schema";
import { floorTurn } from "@/lib/chat/floor";
import { AppError } from "@/lib/errors";
import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = publicRoute({
  surface: "chat",
  body: chatRequestSchema,
  crossSite: "allowed",
  handler: async ({ request, body }) => {
    if (process.env.THREADLINE_BENCH !== "1") throw new AppError("not_found:route", "Not found.");
    return floorTurn(request, body);
  },
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

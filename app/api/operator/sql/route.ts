import { z } from "zod";
import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";
import { runConsoleSql } from "@/lib/operators/sql-console";

export const dynamic = "force-dynamic";

// POST /api/operator/sql {sql}: the SQL console on the embedded database (npm run db:sql).
// Public route, because the console key stands in for an operator login; runConsoleSql checks it
// or the operator before running anything.
export const POST = publicRoute({
  surface: "console",
  body: z.object({ sql: z.string().min(1).max(1_000_000) }).strict(),
  maxBytes: 1_100_000,
  handler: async ({ request, body, openDatabase }) => runConsoleSql(await openDatabase(), request, body.sql),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");

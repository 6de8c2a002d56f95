import { z } from "zod";
import { AppError } from "../errors";

// Keyset cursor: the last row's sort value and id, opaque to clients (base64url JSON).
const cursorSchema = z.object({ s: z.string(), d: z.enum(["asc", "desc"]), v: z.string().max(100), i: z.uuid() });

export type Cursor = z.infer<typeof cursorSchema>;

// The sort value as Postgres printed it (timestamptz::text or bigint::text): anything else is a forged cursor.
const timestampText = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;
const bigintText = /^-?\d{1,18}$/;
// sorting by cost pages on (cost, created_at): "<numeric(16, 8)>|<timestamptz>"
const costText = new RegExp(`^\\d{1,8}\\.\\d{8}\\|${timestampText.source.slice(1, -1)}$`);
// sorting by a score pages on (the trace's mean of it, created_at): "<numeric>|<timestamptz>"
const scoreText = new RegExp(`^-?\\d{1,30}(\\.\\d{1,30})?\\|${timestampText.source.slice(1, -1)}$`);
const sortValue = (sort: string) =>
  sort === "created_at" || sort === "updated_at" ? timestampText : sort === "cost_usd" ? costText : sort === "score" ? scoreText : bigintText;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

export function decodeCursor(raw: string, sort: string, dir: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const c = cursorSchema.safeParse(parsed);
  if (!c.success || c.data.s !== sort || c.data.d !== dir || !sortValue(sort).test(c.data.v)) {
    throw new AppError("bad_request:traces", "cursor is not valid for this search.");
  }
  return c.data;
}

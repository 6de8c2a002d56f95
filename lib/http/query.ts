import { z } from "zod";

// The query string (docs/architecture.md, "Routes"): the zod fields every operator
// search shares, and how a URL's search params become the object a schema parses.

/** An empty or blank value counts as unset. */
export const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** Optional trimmed text of at most `max` characters. */
export const queryText = (max: number) => z.preprocess(blank, z.string().trim().max(max, `must be at most ${max} characters`).optional());

/** An optional time: years 1–9999, what Postgres timestamptz reads back from Date.toISOString(). */
export const queryTime = z.preprocess(
  blank,
  z.coerce
    .date({ error: "must be a date or ISO timestamp" })
    .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, "must be between the years 1 and 9999")
    .optional(),
);

/** A query with a time range: `from` must come before `to` (`.refine(fromBeforeTo, fromBeforeToIssue)`). */
export const fromBeforeTo = (q: { from?: Date; to?: Date }) => !q.from || !q.to || q.from < q.to;
export const fromBeforeToIssue = { message: "from must be before to", path: ["from"] };

type Shape = Record<string, z.ZodType>;

function isList(type: z.ZodType): boolean {
  const def = type.def as { type: string; innerType?: z.ZodType };
  if (def.type === "array") return true;
  return (def.type === "optional" || def.type === "default" || def.type === "nullable") && def.innerType ? isList(def.innerType) : false;
}

/**
 * The search params a schema reads: for an object schema only its own keys (others are
 * never looked at), a list field with every value (`?sku=A&sku=B`), any other field with
 * its first value, as `URLSearchParams.get` does.
 */
export function searchParamsObject(url: URL, schema?: z.ZodType): Record<string, string | string[]> {
  const shape: Shape | undefined = schema instanceof z.ZodObject ? (schema.shape as Shape) : undefined;
  const out: Record<string, string | string[]> = {};
  for (const key of shape ? Object.keys(shape) : new Set(url.searchParams.keys())) {
    if (shape && isList(shape[key])) out[key] = url.searchParams.getAll(key);
    else if (url.searchParams.has(key)) out[key] = url.searchParams.get(key)!;
  }
  return out;
}

/** Page search params as a query string ("?a=1&b=2", or ""). */
export function queryString(params: Record<string, string | string[] | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) qs.append(k, item);
  }
  const s = qs.toString();
  return s ? `?${s}` : "";
}

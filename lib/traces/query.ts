import { z } from "zod";

// The trace explorer's query string (GET /api/traces and its CSV export). Empty values count as unset.
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const text = (max: number) => z.preprocess(blank, z.string().trim().max(max, `must be at most ${max} characters`).optional());
// years 1–9999: what Postgres timestamptz reads back from Date.toISOString()
const time = z.preprocess(
  blank,
  z.coerce
    .date({ error: "must be a date or ISO timestamp" })
    .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, "must be between the years 1 and 9999")
    .optional(),
);

/** The channels a trace can come from (docs/channels.md). */
export const channels = ["web", "whatsapp"] as const;

export const sortKeys = ["created_at", "updated_at", "llm_calls", "total_tokens", "latency_ms", "cost_usd"] as const;

export const traceQuerySchema = z
  .object({
    sessionTag: text(100),
    q: text(100),
    agent: z.preprocess(blank, z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "is not an agent key").optional()),
    model: text(128),
    userId: text(128),
    channel: z.preprocess(blank, z.enum(channels, { error: `must be one of: ${channels.join(", ")}` }).optional()),
    feedback: z.preprocess(blank, z.enum(["pending", "positive", "negative"]).optional()),
    from: time,
    to: time,
    tool: z.preprocess(blank, z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "is not a tool name").optional()),
    hasError: z.preprocess(blank, z.enum(["true", "false"], { error: "must be true or false" }).transform((v) => v === "true").optional()),
    // USD, at most the trace column's precision (numeric(16, 8))
    minCost: z.preprocess(
      blank,
      z
        .string()
        .regex(/^\d{1,8}(\.\d{1,8})?$/, "must be a number of US dollars, e.g. 0.05")
        .optional(),
    ),
    sort: z.preprocess(blank, z.enum(sortKeys).default("created_at")),
    dir: z.preprocess(blank, z.enum(["asc", "desc"]).default("desc")),
    cursor: text(400),
    limit: z.preprocess(blank, z.coerce.number({ error: "must be a number" }).int().min(1).max(200).default(50)),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: "from must be before to", path: ["from"] });

export type TraceQuery = z.infer<typeof traceQuerySchema>;

const keys = ["sessionTag", "q", "agent", "model", "userId", "channel", "feedback", "from", "to", "tool", "hasError", "minCost", "sort", "dir", "cursor", "limit"] as const;

export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const v = url.searchParams.get(key);
    if (v !== null) out[key] = v;
  }
  return out;
}

import { z } from "zod";
import { scoreOps } from "../scores/wire";
import { blank, fromBeforeTo, fromBeforeToIssue, queryText as text, queryTime as time } from "../http/query";

// The trace explorer's query string (GET /api/traces and its CSV export). Empty values count as unset.
/** The channels a trace can come from (docs/channels.md). */
export const channels = ["web", "whatsapp"] as const;

// "score" sorts by the trace's mean of the filtered score (needs `score`)
export const sortKeys = ["created_at", "updated_at", "llm_calls", "total_tokens", "latency_ms", "cost_usd", "score"] as const;

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
    // a trace-level score: its config's name, and optionally a comparison with a value
    // (booleans are 1/0, a category its position from 0; docs/rules.md, "Scores and comments")
    score: z.preprocess(blank, z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "is not a score name").optional()),
    scoreOp: z.preprocess(blank, z.enum(scoreOps, { error: `must be one of: ${scoreOps.join(", ")}` }).optional()),
    scoreValue: z.preprocess(blank, z.coerce.number({ error: "must be a number" }).finite().optional()),
    sort: z.preprocess(blank, z.enum(sortKeys).default("created_at")),
    dir: z.preprocess(blank, z.enum(["asc", "desc"]).default("desc")),
    cursor: text(400),
    limit: z.preprocess(blank, z.coerce.number({ error: "must be a number" }).int().min(1).max(200).default(50)),
  })
  .refine(fromBeforeTo, fromBeforeToIssue)
  .refine((q) => q.score !== undefined || (q.scoreOp === undefined && q.scoreValue === undefined), {
    message: "scoreOp and scoreValue need score", path: ["score"],
  })
  .refine((q) => q.sort !== "score" || q.score !== undefined, { message: "sort=score needs score", path: ["sort"] });

export type TraceQuery = z.infer<typeof traceQuerySchema>;

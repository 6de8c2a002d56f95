import { z } from "zod";
import { numeric } from "./rows";
import { scoreConfigRowSchema } from "./scores";

// Review queues: create, read, lease the next item, complete, skip, look back (lib/db/registry.ts;
// supabase/schemas/16_review_queues.sql, docs/architecture.md "Review queues").

const opt = <T extends z.ZodType>(t: T) => t.nullish();

export const reviewStatuses = ["pending", "in_review", "completed", "skipped"] as const;
export const reviewReasons = ["negative_visitor_score", "failed_step", "handoff", "min_cost", "agent", "sample"] as const;

export const reviewQueueRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  archived: z.boolean(),
  created_by: z.string(),
  created_at: z.string(),
  feed: z.object({
    negative_visitor_score: z.boolean(),
    failed_step: z.boolean(),
    handoff: z.boolean(),
    min_cost: numeric.nullable(),
    agent: z.string().nullable(),
    sample_rate: numeric.nullable(),
  }),
  score_configs: z.array(scoreConfigRowSchema),
  /** an expired lease counts as pending */
  counts: z.object({ pending: z.number(), in_review: z.number(), completed: z.number(), skipped: z.number(), total: z.number() }),
});

export const reviewItemRowSchema = z.object({
  id: z.string(),
  queue_id: z.string(),
  trace_id: z.string(),
  reason: z.enum(reviewReasons),
  status: z.enum(reviewStatuses),
  leased_to: z.string().nullable(),
  lease_until: z.string().nullable(),
  completed_by: z.string().nullable(),
  finished_at: z.string().nullable(),
  created_at: z.string(),
  session_tag: z.string(),
  agent_type: z.string(),
  trace_created_at: z.string(),
});

export type ReviewQueueRow = z.infer<typeof reviewQueueRowSchema>;
export type ReviewItemRow = z.infer<typeof reviewItemRowSchema>;

const held = { p_queue_id: z.string(), p_item_id: z.string(), p_reviewer: z.string() };
const itemAndQueue = z.object({ item: reviewItemRowSchema, queue: reviewQueueRowSchema });

export const reviewFunctions = {
  review_queues: { args: z.object({ p_archived: opt(z.boolean()) }), result: z.object({ queues: z.array(reviewQueueRowSchema) }) },
  set_review_queue_archived: { args: z.object({ p_queue_id: z.string(), p_archived: z.boolean() }), result: reviewQueueRowSchema },
  review_queue: { args: z.object({ p_queue_id: z.string() }), result: reviewQueueRowSchema },
  create_review_queue: {
    args: z.object({
      p_name: z.string(), /** config names, in order */ p_score_configs: z.array(z.string()), p_created_by: z.string(),
      p_negative_visitor_score: opt(z.boolean()), p_failed_step: opt(z.boolean()), p_handoff: opt(z.boolean()),
      p_min_cost: opt(z.number()), p_agent: opt(z.string()), p_sample_rate: opt(z.number()),
    }),
    result: reviewQueueRowSchema,
  },
  review_queue_next: {
    args: z.object({ p_queue_id: z.string(), p_reviewer: z.string(), p_lease_seconds: opt(z.number().int()) }),
    result: z.object({ item: reviewItemRowSchema.nullable(), queue: reviewQueueRowSchema }),
  },
  review_queue_complete: {
    args: z.object({
      ...held, p_source: opt(z.string()), p_author: opt(z.string()),
      p_scores: opt(z.array(z.object({ name: z.string(), value: z.string(), comment: opt(z.string()) }))),
    }),
    result: itemAndQueue,
  },
  review_queue_skip: { args: z.object(held), result: itemAndQueue },
  review_queue_previous: {
    args: z.object({ p_queue_id: z.string(), p_reviewer: z.string(), p_before: opt(z.string()) }),
    result: z.object({ item: reviewItemRowSchema.nullable() }),
  },
} as const;

import { z } from "zod";

// The one queue mechanism (docs/architecture.md, "Queues"): claim, complete, fail and the status of
// the five queues. Claimed rows differ per queue and are parsed where they are worked (lib/queue).

export const queueNames = ["whatsapp_inbox", "whatsapp_outbox", "otlp_outbox", "audio_deletions", "evaluation_jobs", "experiment_items"] as const;
export type QueueName = (typeof queueNames)[number];

const queue = z.enum(queueNames);
const opt = <T extends z.ZodType>(t: T) => t.nullish();
const ids = z.array(z.union([z.string(), z.number()]));
const count = z.coerce.number().int().min(0);

export const queueFiguresSchema = z.object({
  open: count,
  retrying: count,
  dead: count,
  last_dead: z.object({ id: z.union([z.string(), z.number()]), dead_at: z.string(), attempts: z.number(), error: z.string().nullable() }).nullable(),
});

export const queueFunctions = {
  queue_claim: {
    args: z.object({ p_queue: queue, p_limit: opt(z.number()), p_lease_seconds: opt(z.number()), p_ids: opt(z.array(z.string())) }),
    result: z.array(z.unknown()),
  },
  queue_complete: { args: z.object({ p_queue: queue, p_ids: ids }), result: z.object({ completed: count }) },
  queue_fail: {
    args: z.object({
      p_queue: queue, p_ids: ids, p_error: z.string(), p_permanent: opt(z.boolean()), p_retry_after_seconds: opt(z.number()),
      p_base_ms: opt(z.number()), p_max_ms: opt(z.number()), p_max_attempts: opt(z.number()),
    }),
    result: z.object({ dead: count, retrying: count }),
  },
  queue_status: { args: z.object({}), result: z.record(queue, queueFiguresSchema) },
} as const;

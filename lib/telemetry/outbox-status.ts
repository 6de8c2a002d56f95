import { z } from "zod";
import type { Database } from "../db/types";

// The OTLP outbox as public.otlp_outbox_status() reports it (docs/privacy.md): shown by
// /api/health and on the dashboard.

const outboxStatusSchema = z.object({
  enabled: z.boolean(),
  depth: z.coerce.number(),
  retrying: z.coerce.number(),
  oldest_age_seconds: z.coerce.number().nullable(),
  dropped: z.coerce.number(),
  cap: z.coerce.number(),
});

export type OutboxStatus = z.infer<typeof outboxStatusSchema>;

/** null when the settings row is missing (a database not yet migrated this far). */
export async function outboxStatus(db: Database): Promise<OutboxStatus | null> {
  const row = await db.rpc("otlp_outbox_status");
  return row === null ? null : outboxStatusSchema.parse(row);
}

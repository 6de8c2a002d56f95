import { z } from "zod";
import { sessionEndingSchema } from "./rows";

// The app itself: health, settings, models, the catalog, maintenance, privacy and the OTLP outbox (lib/db/registry.ts).

const opt = <T extends z.ZodType>(t: T) => t.nullish();
const json = z.record(z.string(), z.unknown());

export const catalogProductSchema = z.object({
  sku: z.string(), name: z.string(), category: z.string(), description: z.string(), price_cents: z.number(),
  tags: z.array(z.string()), pickup_location: z.string(),
});

export const appFunctions = {
  app_health: { args: z.object({}), result: z.object({ migration_version: z.string().nullable(), now: z.string() }) },
  ensure_setting: { args: z.object({ p_key: z.string(), p_value: z.string() }), result: z.object({ value: z.string(), created: z.boolean() }) },
  register_model: {
    args: z.object({ p_key: z.string(), p_name: z.string(), p_provider: z.string(), p_experiment_name: opt(z.string()) }),
    result: z.unknown(),
  },
  catalog_products: { args: z.object({}), result: z.array(catalogProductSchema) },
  search_catalog: { args: z.object({ p_query: z.string().nullable(), p_limit: opt(z.number()) }), result: z.array(catalogProductSchema.extend({ rank: z.number(), featured: z.boolean() })) },
  run_maintenance: {
    args: z.object({ p_idle_minutes: opt(z.number()), p_batch: opt(z.number()) }),
    result: z.object({ closed: z.number().int().min(0), sessions: sessionEndingSchema.array(), rate_limit_windows_deleted: z.number().int().min(0) }),
  },
  close_idle_sessions: {
    args: z.object({ p_idle_minutes: z.number(), p_batch: opt(z.number()) }),
    result: z.object({ closed: z.number().int().min(0), sessions: sessionEndingSchema.array() }),
  },
  configure_maintenance: { args: z.object({ p_idle_minutes: z.number().int() }), result: z.object({ session_idle_minutes: z.number().int() }) },
  configure_retention: { args: z.object({ p_days: z.number().int().nullable() }), result: z.object({ retention_days: z.number().nullable() }) },
  apply_retention: {
    args: z.object({ p_batch: opt(z.number()) }),
    result: z.object({
      retention_days: z.number().nullable(), cutoff: z.string().nullable(), partitions_dropped: z.number().int().min(0),
      observations_deleted: z.number().int().min(0), messages_deleted: z.number().int().min(0),
      voice_messages_deleted: z.number().int().min(0), dataset_items_deleted: z.number().int().min(0), whatsapp_inbox_cleared: z.number().int().min(0),
      whatsapp_outbox_deleted: z.number().int().min(0), otlp_outbox_deleted: z.number().int().min(0), more: z.boolean(),
    }),
  },
  maintenance_scheduler: {
    args: z.object({}),
    result: z.object({ scheduler: z.enum(["pg_cron", "app"]), job: z.string().optional(), schedule: z.string().optional() }),
  },
  configure_privacy: {
    args: z.object({ p_pii_masking: opt(z.string()), p_otlp_enabled: opt(z.boolean()), p_capture_content: opt(z.boolean()), p_outbox_cap: opt(z.number()) }),
    result: z.unknown(),
  },
  export_visitor: {
    args: z.object({ p_user_id: z.string(), p_mask: opt(z.boolean()) }),
    result: z.looseObject({
      user_id: z.string(), masked: z.boolean(), sessions: z.array(json), messages: z.array(json), observations: z.array(json), events: z.array(json),
    }),
  },
  erase_visitor: {
    args: z.object({ p_user_id: z.string(), p_requested_by: opt(z.enum(["operator", "visitor"])) }),
    result: z.object({ found: z.boolean(), opaque_id: z.string().nullable(), counts: z.record(z.string(), z.number()) }),
  },
  otlp_outbox_status: { args: z.object({}), result: json },
  otlp_turn: { args: z.object({ p_question_id: z.string(), p_at: z.string() }), result: json.nullable() },
  otlp_score: { args: z.object({ p_score_id: z.string() }), result: json.nullable() },
} as const;

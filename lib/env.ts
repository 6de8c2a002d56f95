import { z } from "zod";

// Configuration, validated once. An empty value counts as unset.
const optional = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().optional());
const intWithDefault = (fallback: number, min: number) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.coerce.number().int().min(min).default(fallback));

const schema = z.object({
  DATABASE_URL: optional,
  // off: DATABASE_URL's calls are sent unnamed, for a pooler in transaction mode without prepared statements;
  // auto: off when DATABASE_URL reads as one (lib/db/postgres.ts, preparedStatementsFor)
  DATABASE_PREPARED_STATEMENTS: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.enum(["on", "off", "auto"]).default("auto")),
  NEXT_PUBLIC_SUPABASE_URL: optional,
  SUPABASE_SERVICE_ROLE_KEY: optional,
  NEXT_PUBLIC_SUPABASE_ANON_KEY: optional,
  LLM_BASE_URL: optional,
  LLM_API_KEY: optional,
  LLM_MODEL: optional,
  LLM_EXPERIMENT_NAME: optional,
  // stored only as a hash; a short token is refused at start-up (README "Configuration")
  ADMIN_TOKEN: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().min(32, "ADMIN_TOKEN must be at least 32 characters (for example: openssl rand -base64 32)").optional(),
  ),
  SESSION_SECRET: optional,
  SESSION_IDLE_MINUTES: intWithDefault(1440, 1),
  // seconds between the app's runs of the session maintenance job where pg_cron does not run it; 0 = off
  MAINTENANCE_INTERVAL_SECONDS: intWithDefault(60, 0),
  // ms between the app's claims of the online evaluation queue (docs/architecture.md, "Evaluators"); 0 = this instance grades nothing
  EVALUATION_POLL_MS: intWithDefault(5000, 0),
  // messages and observations older than this many days are removed (docs/performance.md, "Retention"); unset = keep everything
  RETENTION_DAYS: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.coerce.number().int().min(1).max(36500).optional()),
  CHAT_RATE_LIMIT_PER_MINUTE: intWithDefault(60, 0),
  CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: intWithDefault(600, 0),
  NEW_VISITORS_PER_IP_PER_MINUTE: intWithDefault(60, 0),
  OPERATOR_AUTH_FAILURES_PER_MINUTE: intWithDefault(10, 0),
  TRUSTED_PROXY_HOPS: intWithDefault(0, 0),
  DEFAULT_AGENT: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().default("product_recommendation")),
  PGLITE_DIR: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().default(".data/pglite")),
  EMBED_ALLOWED_ORIGINS: optional,
  // docs/privacy.md: off | export (masked wherever text leaves the database) | all (stored message text too)
  PII_MASKING: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.enum(["off", "export", "all"]).default("off")),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`Invalid configuration: ${issues}`);
    }
    cached = parsed.data;
  }
  return cached;
}

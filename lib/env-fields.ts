import { z } from "zod";

// Building blocks of the feature configs read from the environment (lib/channels/whatsapp/config.ts,
// lib/voice/config.ts, lib/telemetry/config.ts): an empty value counts as unset, and a bad value stops
// the start with every problem named.

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** `schema`, with an empty string read as unset. */
export const unsetIfBlank = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema);

export const optionalText = unsetIfBlank(z.string().optional());

/** An integer within [min, max], `fallback` when unset. */
export const intSetting = (fallback: number, min: number, max: number) => unsetIfBlank(z.coerce.number().int().min(min).max(max).default(fallback));

/** Parses `source` with `schema`, or throws "Invalid <what> configuration: VAR: problem; …". */
export function parseSettings<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>, what: string): z.output<T> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new Error(`Invalid ${what} configuration: ${issues}`);
}

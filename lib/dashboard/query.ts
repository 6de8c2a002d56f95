import { z } from "zod";

// The dashboard's query string (GET /api/dashboard): a time range and the two compared experiments.
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
// years 1–9999: what Postgres timestamptz reads back from Date.toISOString()
const time = z.preprocess(
  blank,
  z.coerce
    .date({ error: "must be a date or ISO timestamp" })
    .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, "must be between the years 1 and 9999")
    .optional(),
);
const experiment = z.preprocess(blank, z.string().trim().max(200, "must be at most 200 characters").optional());

export const dashboardQuerySchema = z
  .object({ from: time, to: time, a: experiment, b: experiment })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: "from must be before to", path: ["from"] });

export type DashboardQuery = z.infer<typeof dashboardQuerySchema>;

export function dashboardQueryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["from", "to", "a", "b"]) {
    const v = url.searchParams.get(key);
    if (v !== null) out[key] = v;
  }
  return out;
}

import { isRangeKey, resolveRange, validTime, type RangeKey } from "@/lib/time-range";

// The dashboard's URL state: /dashboard?range=7d|all  or  ?from=&to=  plus  &a=&b= (the two compared A/B variants).
// No range at all means the last 30 days.

export interface DashboardState {
  range: RangeKey | "all" | "custom";
  from?: string;
  to?: string;
  a?: string;
  b?: string;
}

type Params = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

export function parseDashboardState(params: Params): DashboardState {
  const range = one(params.range);
  const from = validTime(one(params.from));
  const to = validTime(one(params.to));
  const base = { a: one(params.a), b: one(params.b) };
  if (isRangeKey(range) || range === "all") return { range, ...base };
  if (from || to) return { range: "custom", from, to, ...base };
  return { range: "30d", ...base };
}

export function dashboardHref(s: DashboardState): string {
  const qs = new URLSearchParams();
  if (s.range === "custom") {
    if (s.from) qs.set("from", s.from);
    if (s.to) qs.set("to", s.to);
  } else if (s.range !== "30d") qs.set("range", s.range);
  if (s.a) qs.set("a", s.a);
  if (s.b) qs.set("b", s.b);
  const q = qs.toString();
  return q ? `/dashboard?${q}` : "/dashboard";
}

/** GET /api/dashboard parameters at `now`. */
export function dashboardApiParams(s: DashboardState, now: number): Record<string, string> {
  const { from, to } = s.range === "all" ? {} : s.range === "custom" ? { from: s.from, to: s.to } : resolveRange({ range: s.range }, now);
  const out: Record<string, string> = {};
  if (from) out.from = from;
  if (to) out.to = to;
  if (s.a) out.a = s.a;
  if (s.b) out.b = s.b;
  return out;
}

import { isRangeKey, resolveRange, validTime, type RangeKey } from "@/lib/time-range";

// The trace explorer's state lives in the URL (shareable, survives reload):
//   /traces?tag=&exact=1&agent=&model=&channel=&user=&feedback=&tool=&error=1&minCost=&score=&scoreOp=&scoreValue=
//          &range=24h|from=&to=&sort=&dir=&limit=&cursor=
// and maps onto GET /api/traces (sessionTag exact, or q substring).

// "score": the trace's mean of the filtered score (only with a score filter)
export const sortKeys = ["created_at", "updated_at", "llm_calls", "total_tokens", "latency_ms", "cost_usd", "score"] as const;
export type SortKey = (typeof sortKeys)[number];
export const feedbackValues = ["positive", "negative", "pending"] as const;
export const channelValues = ["web", "whatsapp"] as const;
export const pageSizes = [25, 50, 100, 200] as const;

export interface ExplorerState {
  tag: string;
  exact: boolean;
  agent?: string;
  model?: string;
  channel?: (typeof channelValues)[number];
  user?: string;
  feedback?: (typeof feedbackValues)[number];
  tool?: string;
  hasError: boolean;
  /** minimum cost in USD, as typed (validated by the API) */
  minCost?: string;
  /** a trace-level score's name, with an optional comparison (lt, lte, eq, gte, gt) and value; validated by the API */
  score?: string;
  scoreOp?: string;
  scoreValue?: string;
  range?: RangeKey;
  from?: string;
  to?: string;
  sort: SortKey;
  dir: "asc" | "desc";
  limit: number;
  cursor?: string;
}

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function read(params: Params, key: string): string | undefined {
  const v = params instanceof URLSearchParams ? params.get(key) : params[key];
  const s = (Array.isArray(v) ? v[0] : v ?? undefined)?.trim();
  return s ? s : undefined;
}

export function parseExplorerState(params: Params): ExplorerState {
  const sort = read(params, "sort");
  const feedback = read(params, "feedback");
  const channel = read(params, "channel");
  const range = read(params, "range");
  const limit = Number(read(params, "limit"));
  const score = read(params, "score");
  return {
    tag: read(params, "tag") ?? "",
    exact: read(params, "exact") === "1",
    agent: read(params, "agent"),
    model: read(params, "model"),
    channel: channelValues.find((c) => c === channel),
    user: read(params, "user"),
    feedback: feedbackValues.find((f) => f === feedback),
    tool: read(params, "tool"),
    hasError: read(params, "error") === "1",
    minCost: read(params, "minCost"),
    score,
    scoreOp: read(params, "scoreOp"),
    scoreValue: read(params, "scoreValue"),
    range: isRangeKey(range) ? range : undefined,
    from: isRangeKey(range) ? undefined : validTime(read(params, "from")),
    to: isRangeKey(range) ? undefined : validTime(read(params, "to")),
    sort: sortKeys.find((k) => k === sort && (k !== "score" || score)) ?? "created_at",
    dir: read(params, "dir") === "asc" ? "asc" : "desc",
    limit: Number.isInteger(limit) && limit >= 1 && limit <= 200 ? limit : 50,
    cursor: read(params, "cursor"),
  };
}


/** The page's URL for a state (defaults left out). */
export function explorerHref(s: ExplorerState): string {
  const qs = new URLSearchParams();
  const put = (k: string, v: string | undefined | false) => v && qs.set(k, v);
  put("tag", s.tag.trim());
  put("exact", s.exact && "1");
  put("agent", s.agent);
  put("model", s.model);
  put("channel", s.channel);
  put("user", s.user);
  put("feedback", s.feedback);
  put("tool", s.tool);
  put("error", s.hasError && "1");
  put("minCost", s.minCost);
  put("score", s.score);
  put("scoreOp", s.scoreOp);
  put("scoreValue", s.scoreValue);
  put("range", s.range);
  put("from", !s.range && s.from);
  put("to", !s.range && s.to);
  put("sort", s.sort !== "created_at" && s.sort);
  put("dir", s.dir !== "desc" && s.dir);
  put("limit", s.limit !== 50 && String(s.limit));
  put("cursor", s.cursor);
  const q = qs.toString();
  return q ? `/traces?${q}` : "/traces";
}

/** GET /api/traces parameters for a state at `now` (a relative range resolved then). */
export function apiParams(s: ExplorerState, now: number): Record<string, string> {
  const out: Record<string, string> = {};
  const tag = s.tag.trim();
  // a whole tag is searched exactly by search_traces itself (the tag format lives in SQL only)
  if (tag) out[s.exact ? "sessionTag" : "q"] = tag;
  if (s.agent) out.agent = s.agent;
  if (s.model) out.model = s.model;
  if (s.channel) out.channel = s.channel;
  if (s.user) out.userId = s.user;
  if (s.feedback) out.feedback = s.feedback;
  if (s.tool) out.tool = s.tool;
  if (s.hasError) out.hasError = "true";
  if (s.minCost) out.minCost = s.minCost;
  if (s.score) out.score = s.score;
  if (s.score && s.scoreOp) out.scoreOp = s.scoreOp;
  if (s.score && s.scoreValue) out.scoreValue = s.scoreValue;
  const { from, to } = resolveRange(s, now);
  if (from) out.from = from;
  if (to) out.to = to;
  out.sort = s.sort;
  out.dir = s.dir;
  out.limit = String(s.limit);
  if (s.cursor) out.cursor = s.cursor;
  return out;
}

/** The same search without paging: for the CSV export and the new-traces poll. */
export function searchOnly(params: Record<string, string>): Record<string, string> {
  const { cursor: _cursor, limit: _limit, ...rest } = params;
  void _cursor;
  void _limit;
  return rest;
}

export function hasFilters(s: ExplorerState): boolean {
  return Boolean(s.tag.trim() || s.agent || s.model || s.channel || s.user || s.feedback || s.tool || s.hasError || s.minCost || s.score || s.range || s.from || s.to);
}

/** Every filter unset (the tag search too; a sort by the score goes back to time). */
export const clearedFilters: Partial<ExplorerState> = {
  sort: "created_at",
  tag: "", exact: false, agent: undefined, model: undefined, channel: undefined, user: undefined, feedback: undefined,
  tool: undefined, hasError: false, minCost: undefined, score: undefined, scoreOp: undefined, scoreValue: undefined, range: undefined, from: undefined, to: undefined,
};

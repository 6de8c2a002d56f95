import type { RpcResultOf } from "../db/registry";

// The dashboard's scores (dashboard_scores() in SQL; docs/performance.md, "Dashboard scores"), camelCase, grouped
// into one series per score config and source.

type Result = RpcResultOf<"dashboard_scores">;
type Row = Result["totals"][number];

export interface ScoreGroup {
  /** the group's label: a day, an agent's name (and version), a model's name, or a category */
  key: string;
  scores: number;
  /** the mean value (booleans: the share of true); null for a categorical config */
  average: number | null;
}

export interface ScoreSeries {
  /** `name · source`, the series' key */
  id: string;
  name: string;
  source: string;
  dataType: Row["data_type"];
  scores: number;
  average: number | null;
  perDay: ScoreGroup[];
  byAgent: ScoreGroup[];
  byAgentVersion: ScoreGroup[];
  byModel: ScoreGroup[];
  categories: ScoreGroup[];
}

const seriesId = (r: Pick<Row, "name" | "source">) => `${r.name} · ${r.source}`;
const average = (r: Row) => (r.average === null ? null : Number(r.average));

/** dashboard_scores()'s groups as one series per config and source. */
export function scoreSeries(r: Result, agentName: Record<string, string>): ScoreSeries[] {
  const groups = (rows: Row[], id: string, key: (row: Row) => string) =>
    rows.filter((row) => seriesId(row) === id).map((row) => ({ key: key(row), scores: row.scores, average: average(row) }));
  const agent = (row: Row) => agentName[row.agent_type ?? ""] ?? row.agent_type ?? "";
  return r.totals.map((t) => {
    const id = seriesId(t);
    return {
      id, name: t.name, source: t.source, dataType: t.data_type, scores: t.scores, average: average(t),
      perDay: groups(r.per_day, id, (row) => row.day ?? ""),
      byAgent: groups(r.by_agent, id, agent),
      byAgentVersion: groups(r.by_agent_version, id, (row) => `${agent(row)} · ${row.agent_version === undefined ? "no version" : `v${row.agent_version}`}`),
      byModel: groups(r.by_model, id, (row) => row.model_name ?? row.model_key ?? ""),
      categories: groups(r.categories, id, (row) => row.category ?? ""),
    };
  });
}

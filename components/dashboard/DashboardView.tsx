import type { DashboardStats } from "@/lib/dashboard/stats";
import { formatDateTime } from "../operator/format";
import { cx, muted } from "../operator/ui";
import { ChannelSplit } from "./ChannelSplit";
import { ChartCard } from "./ChartCard";
import { CostPerDayChart } from "./CostPerDayChart";
import type { DashboardState } from "./dashboard-state";
import { DashboardFilters } from "./DashboardFilters";
import { ExperimentComparison } from "./ExperimentComparison";
import { FeedbackChart } from "./FeedbackChart";
import { KpiCards } from "./KpiCards";
import { LlmCallsChart } from "./LlmCallsChart";
import { OutboxCard } from "./OutboxCard";
import { QueuesCard } from "./QueuesCard";
import { ScoreCharts } from "./ScoreCharts";
import { TracesPerDayChart } from "./TracesPerDayChart";
import { UsageChart } from "./UsageChart";

/** The analytics dashboard: headline figures and charts, every number from dashboard_stats() in SQL. */
export function DashboardView({ state, stats }: { state: DashboardState; stats: DashboardStats }) {
  const range = stats.from || stats.to ? `${stats.from ? formatDateTime(stats.from) : "the first trace"} → ${stats.to ? formatDateTime(stats.to) : "now"} UTC` : "All time";
  return (
    <div data-testid="dashboard" data-traces={stats.totals.traces} className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 className="text-xl font-semibold tracking-tight">Dashboard</h1>
          <p className={cx("text-sm", muted)} data-testid="dashboard-range-label">{range}</p>
        </div>
      </div>
      <DashboardFilters
        state={state}
        variants={stats.abComparison.map((e) => e.experimentName)}
        compared={[stats.comparison[0]?.experimentName, stats.comparison[1]?.experimentName]}
      />
      <KpiCards totals={stats.totals} />
      <div className="grid gap-4 lg:grid-cols-5">
        <ChartCard title="Traces and tokens per day" subtitle="Bars: traces created · line: tokens of those traces" testId="chart-traces-per-day" className="lg:col-span-3">
          <TracesPerDayChart days={stats.perDay} />
        </ChartCard>
        <ChartCard title="LLM calls per session" subtitle="How many sessions made how many model calls" testId="chart-llm-calls" className="lg:col-span-2">
          <LlmCallsChart buckets={stats.llmCallsDistribution} />
        </ChartCard>
        <ChartCard title="Feedback by agent" subtitle="Share of each agent's traces" testId="chart-feedback-agent" className="lg:col-span-2">
          <FeedbackChart groups={stats.feedbackByAgent} />
        </ChartCard>
        <ChartCard title="Feedback by model" subtitle="Share of each model's traces" testId="chart-feedback-model" className="lg:col-span-3">
          <FeedbackChart groups={stats.feedbackByModel} />
        </ChartCard>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <ChartCard title="Cost per day" subtitle="Model cost (USD) of the traces created each UTC day, from the prices on llm_models" testId="chart-cost-per-day" className="lg:col-span-2">
          <CostPerDayChart days={stats.perDay} />
        </ChartCard>
        <ChartCard title="Cost by agent" subtitle="Sum of the traces' cost" testId="chart-cost-agent">
          <UsageChart groups={stats.usageByAgent} metric="cost" />
        </ChartCard>
        <ChartCard title="Cost by model" subtitle="Sum of the traces' cost" testId="chart-cost-model">
          <UsageChart groups={stats.usageByModel} metric="cost" />
        </ChartCard>
        <ChartCard title="Message votes by agent" subtitle="Visitors' thumbs up and down on agent messages" testId="chart-votes-agent">
          <UsageChart groups={stats.usageByAgent} metric="votes" />
        </ChartCard>
        <ChartCard title="Message votes by model" subtitle="Visitors' thumbs up and down on agent messages" testId="chart-votes-model">
          <UsageChart groups={stats.usageByModel} metric="votes" />
        </ChartCard>
      </div>
      <ChartCard title="Scores" subtitle="Trace scores of the range's traces, per score and source: how many, and their average (booleans: the share of true)" testId="chart-scores">
        <ScoreCharts series={stats.scores} />
      </ChartCard>
      <ChartCard title="By channel" subtitle="Traces, model calls and cost of the range per channel (web widget, WhatsApp)" testId="channel-split">
        <ChannelSplit channels={stats.channels} from={stats.from} to={stats.to} />
      </ChartCard>
      <ChartCard title="A/B comparison" subtitle="live traffic split by the model's experiment_name (not the dataset runs of Experiments); the better value of each pair is highlighted" testId="experiment-comparison">
        <ExperimentComparison comparison={stats.comparison} />
      </ChartCard>
      <OutboxCard outbox={stats.outbox} />
      <QueuesCard queues={stats.queues} />
    </div>
  );
}

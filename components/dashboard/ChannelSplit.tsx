import Link from "next/link";
import type { DashboardStats } from "@/lib/dashboard/stats";
import { formatInt, formatUsd } from "../operator/format";
import { cx, focusRing, muted } from "../operator/ui";

const label: Record<string, string> = { web: "Web", whatsapp: "WhatsApp" };

/** Traces, LLM calls, tokens and cost per channel for the range; each channel opens the explorer filtered to it. */
export function ChannelSplit({ channels, from, to }: { channels: DashboardStats["channels"]; from: string | null; to: string | null }) {
  if (channels.length === 0) return <p className={cx("text-sm", muted)}>No traces in this range.</p>;
  const explorer = (channel: string) => {
    const qs = new URLSearchParams({ channel });
    if (from) qs.set("from", from);
    if (to) qs.set("to", to);
    return `/traces?${qs}`;
  };
  return (
    <table className="w-full text-sm tabular-nums">
      <thead>
        <tr className={cx("text-left text-xs", muted)}>
          <th scope="col" className="py-1 font-medium">Channel</th>
          <th scope="col" className="py-1 text-right font-medium">Traces</th>
          <th scope="col" className="py-1 text-right font-medium">LLM calls</th>
          <th scope="col" className="py-1 text-right font-medium">Tokens</th>
          <th scope="col" className="py-1 text-right font-medium">Cost</th>
        </tr>
      </thead>
      <tbody>
        {channels.map((c) => (
          <tr key={c.channel} data-testid="channel-row" data-channel={c.channel} className="border-t border-slate-100 dark:border-slate-800">
            <th scope="row" className="py-1 text-left font-medium">
              <Link href={explorer(c.channel)} className={cx("text-indigo-700 hover:underline dark:text-indigo-300", focusRing)}>
                {label[c.channel] ?? c.channel}
              </Link>
            </th>
            <td className="py-1 text-right" data-testid="channel-traces">{formatInt(c.traces)}</td>
            <td className="py-1 text-right">{formatInt(c.llmCalls)}</td>
            <td className="py-1 text-right">{formatInt(c.totalTokens)}</td>
            <td className="py-1 text-right" title={`$${c.costUsd.toFixed(8)}`}>{formatUsd(c.costUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { ThumbDownIcon, ThumbUpIcon } from "../operator/icons";
import { formatDateTime, formatInt, formatMs } from "../operator/format";
import { cx } from "../operator/ui";
import { JsonBlock } from "./JsonBlock";

export interface DetailMessage {
  id: string;
  role: string;
  content: string;
  buttons: { label: string; action: { id: string; payload?: Record<string, unknown> } }[];
  createdAt: string;
  partial: boolean;
  metadata: Record<string, unknown>;
  /** the visitor's vote on an agent message */
  vote?: "up" | "down" | null;
  /** "Try again" replaced this reply: when, and by which message */
  supersededAt?: string | null;
  supersededBy?: string | null;
  /** the recording (a visitor's voice message) or the spoken reply: GET /api/audio/{name} */
  audioUrl?: string | null;
}

const roleStyle: Record<string, string> = {
  user: "border-sky-200 bg-sky-50/70 dark:border-sky-900/60 dark:bg-sky-950/30",
  agent: "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900",
  system: "border-amber-200 bg-amber-50/70 dark:border-amber-900/60 dark:bg-amber-950/30",
};

const shownElsewhere = new Set(["buttons", "toolOutputs", "usage", "latencyMs"]);

/** One stored message: its text (as text), reply buttons, usage, tool outputs and other metadata collapsed. */
export function MessageCard({ message }: { message: DetailMessage }) {
  const m = message.metadata;
  const usage = m.usage as { inputTokens?: number; outputTokens?: number } | undefined;
  const latency = typeof m.latencyMs === "number" ? m.latencyMs : null;
  const toolOutputs = m.toolOutputs && typeof m.toolOutputs === "object" && Object.keys(m.toolOutputs).length > 0 ? m.toolOutputs : null;
  const rest = Object.fromEntries(Object.entries(m).filter(([k]) => !shownElsewhere.has(k)));

  return (
    <li
      id={`message-${message.id}`}
      data-testid="conversation-message"
      data-role={message.role}
      data-superseded={message.supersededAt ? "" : undefined}
      className={cx("rounded-lg border px-3 py-2", roleStyle[message.role] ?? roleStyle.agent, message.supersededAt && "border-dashed")}
    >
      <div className="mb-1 flex flex-wrap items-center gap-x-2 gap-y-0.5 text-[11px] text-slate-500 dark:text-slate-400">
        <span className="font-semibold uppercase tracking-wide text-slate-700 dark:text-slate-200">{message.role}</span>
        <time dateTime={message.createdAt}>{formatDateTime(message.createdAt)}</time>
        {usage && (
          <span title="tokens in · out">
            {formatInt(usage.inputTokens ?? 0)} → {formatInt(usage.outputTokens ?? 0)} tokens
          </span>
        )}
        {latency !== null && <span>{formatMs(latency)}</span>}
        {message.vote && (
          <span
            data-testid="message-vote"
            data-vote={message.vote}
            className={cx(
              "inline-flex items-center gap-1 rounded px-1 font-medium",
              message.vote === "up" ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200",
            )}
          >
            {message.vote === "up" ? <ThumbUpIcon width="11" height="11" aria-hidden="true" /> : <ThumbDownIcon width="11" height="11" aria-hidden="true" />}
            visitor voted {message.vote}
          </span>
        )}
        {message.supersededAt && (
          <span data-testid="message-superseded" title={`replaced at ${formatDateTime(message.supersededAt)}`} className="rounded bg-slate-200 px-1 font-medium text-slate-800 dark:bg-slate-700 dark:text-slate-100">
            superseded (visitor asked to try again)
          </span>
        )}
        {message.partial && <span className="rounded bg-amber-100 px-1 font-medium text-amber-800 dark:bg-amber-950 dark:text-amber-300">partial (cut off)</span>}
      </div>
      <p data-testid="message-text" className="text-sm leading-relaxed whitespace-pre-wrap break-words text-slate-900 dark:text-slate-100">
        {message.content}
      </p>
      {message.audioUrl && (
        <audio
          controls
          preload="none"
          src={message.audioUrl}
          data-testid="message-audio"
          aria-label={message.role === "user" ? "The visitor's voice message" : "The spoken reply"}
          className="mt-2 h-8 w-full max-w-sm"
        />
      )}
      {message.buttons.length > 0 && (
        <ul aria-label="Reply buttons" className="mt-2 flex flex-wrap gap-1.5">
          {message.buttons.map((b, i) => (
            <li
              key={`${b.action.id}-${i}`}
              data-testid="message-button"
              title={`action ${b.action.id}${b.action.payload ? ` ${JSON.stringify(b.action.payload)}` : ""}`}
              className="rounded-full border border-indigo-300 px-2 py-0.5 text-[11px] font-medium text-indigo-700 dark:border-indigo-700 dark:text-indigo-300"
            >
              {b.label}
            </li>
          ))}
        </ul>
      )}
      {(toolOutputs || Object.keys(rest).length > 0) && (
        <div className="mt-2 space-y-1.5">
          {toolOutputs ? <JsonBlock label={`Tool outputs · ${Object.keys(toolOutputs).join(", ")}`} value={toolOutputs} testId="tool-outputs" /> : null}
          {Object.keys(rest).length > 0 && <JsonBlock label="Metadata" value={rest} testId="message-metadata" />}
        </div>
      )}
    </li>
  );
}

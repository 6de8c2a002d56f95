import { cx } from "../operator/ui";

const MAX_CHARS = 20_000;

/** Structured data (tool outputs, metadata) as collapsible, plain-text JSON. */
export function JsonBlock({ label, value, testId = "json-block", open = false }: { label: string; value: unknown; testId?: string; open?: boolean }) {
  let text = JSON.stringify(value, null, 2) ?? String(value);
  const cut = text.length > MAX_CHARS;
  if (cut) text = `${text.slice(0, MAX_CHARS)}\n… (${text.length - MAX_CHARS} more characters)`;
  return (
    <details data-testid={testId} open={open} className="group rounded-md border border-slate-200 bg-slate-50 text-xs dark:border-slate-800 dark:bg-slate-950/60">
      <summary className={cx("cursor-pointer select-none px-2 py-1 font-medium text-slate-600 dark:text-slate-300", "marker:text-slate-400")}>
        {label}
      </summary>
      <pre className="max-h-80 overflow-auto border-t border-slate-200 px-2 py-1.5 font-mono text-[11.5px] leading-relaxed whitespace-pre-wrap break-all text-slate-800 dark:border-slate-800 dark:text-slate-200">
        {text}
      </pre>
    </details>
  );
}

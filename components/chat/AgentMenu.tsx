"use client";

import { useId } from "react";
import type { AgentMenuState } from "./agents";
import { cx, focusRing, pillButton } from "./styles";

interface AgentMenuProps {
  menu: AgentMenuState;
  disabled: boolean;
  onChoose: (agentKey: string) => void;
  onReload: () => void;
}

/** The first screen of a chat: pick who to talk to, from the server's agent list. */
export function AgentMenu({ menu, disabled, onChoose, onReload }: AgentMenuProps) {
  const headingId = useId();
  return (
    <section data-testid="agent-menu" data-status={menu.status} aria-labelledby={headingId} aria-busy={menu.status === "loading"} className="px-1 py-2">
      <h3 id={headingId} className="text-sm font-semibold text-slate-900 dark:text-white">
        Hi there! Who would you like to talk to?
      </h3>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Pick an assistant, or just type your question below.</p>
      {menu.status === "loading" && <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">Loading assistants…</p>}
      {menu.status === "failed" && (
        <p className="mt-3 flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
          We couldn&apos;t load the assistants.
          <button type="button" data-testid="agent-menu-retry" onClick={onReload} className={cx(pillButton, "py-1")}>
            Retry
          </button>
        </p>
      )}
      {menu.status === "ready" && (
        <ul className="mt-3 space-y-2">
          {menu.agents.map((agent, index) => (
            <li key={agent.key}>
              <button
                type="button"
                data-testid={`agent-option-${agent.key}`}
                disabled={disabled}
                onClick={() => onChoose(agent.key)}
                className={cx(
                  "flex w-full items-start gap-3 rounded-xl border border-slate-200 bg-white p-3 text-left",
                  "hover:border-indigo-500 hover:bg-indigo-50 disabled:cursor-not-allowed disabled:opacity-60",
                  "dark:border-slate-700 dark:bg-slate-900 dark:hover:border-indigo-400 dark:hover:bg-slate-800",
                  focusRing,
                )}
              >
                <span aria-hidden="true" className="mt-0.5 inline-flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-xs font-bold text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100">
                  {index + 1}
                </span>
                <span className="min-w-0">
                  <span className="block break-words text-sm font-medium text-slate-900 dark:text-white">{agent.name}</span>
                  {agent.description && <span className="block break-words text-xs text-slate-600 dark:text-slate-400">{agent.description}</span>}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

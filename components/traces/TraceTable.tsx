"use client";

import { useMemo } from "react";
import { useTable, type SortingState, type Updater } from "@tanstack/react-table";
import type { SearchRowView as TraceView } from "@/lib/traces/search";
import { cx, focusRing, tableHead } from "../operator/ui";
import type { SortKey } from "./explorer-state";
import { numericColumns, traceColumns, traceTableFeatures } from "./trace-columns";

interface TraceTableProps {
  traces: TraceView[];
  sort: SortKey;
  dir: "asc" | "desc";
  agentNames: Record<string, string>;
  /** A new server-side order (the table never sorts the loaded page itself). */
  onSort: (sort: SortKey, dir: "asc" | "desc") => void;
  highlight?: ReadonlySet<string>;
  /** the search box's text: a fragment found by trigram is marked in the snippet */
  q?: string;
  /** the filtered score's name: its column is shown and sortable */
  score?: string;
}

export function TraceTable({ traces, sort, dir, agentNames, onSort, highlight, q = "", score }: TraceTableProps) {
  const columns = useMemo(() => traceColumns(agentNames, q, score), [agentNames, q, score]);
  const sorting = useMemo<SortingState>(() => [{ id: sort, desc: dir === "desc" }], [sort, dir]);

  const table = useTable({
    features: traceTableFeatures,
    columns,
    data: traces,
    getRowId: (row) => row.id,
    manualSorting: true,
    enableSortingRemoval: false,
    sortDescFirst: true,
    state: { sorting },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      const first = next[0];
      if (first) onSort(first.id as SortKey, first.desc ? "desc" : "asc");
    },
  });

  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      {/* at 1280 px every column fits (issue 22): tight cells, long names cut with the full text in their tooltip */}
      <table data-testid="trace-table" className="w-full min-w-[1000px] border-collapse text-[13px]">
        <thead className={tableHead}>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} className="border-b border-slate-200 dark:border-slate-800">
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const numeric = numericColumns.has(header.column.id);
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    className={cx("px-1.5 py-2 font-semibold whitespace-nowrap", numeric && "text-right")}
                  >
                    {header.column.getCanSort() ? (
                      <button
                        type="button"
                        onClick={header.column.getToggleSortingHandler()}
                        data-testid={`sort-${header.column.id}`}
                        data-sorted={sorted || undefined}
                        className={cx("inline-flex items-center gap-1 uppercase hover:text-slate-900 dark:hover:text-white", sorted && "text-slate-900 dark:text-white", focusRing)}
                      >
                        <table.FlexRender header={header} />
                        <span aria-hidden="true" className={cx("text-[10px]", !sorted && "opacity-30")}>
                          {sorted === "asc" ? "▲" : "▼"}
                        </span>
                      </button>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              data-testid="trace-row"
              data-trace-id={row.original.id}
              data-session-tag={row.original.sessionTag}
              className={cx(
                "border-b border-slate-100 last:border-0 hover:bg-slate-50 dark:border-slate-800/70 dark:hover:bg-slate-800/40",
                highlight?.has(row.id) && "bg-indigo-50/60 dark:bg-indigo-950/30",
              )}
            >
              {row.getAllCells().map((cell) => (
                <td
                  key={cell.id}
                  data-column={cell.column.id}
                  className={cx("px-1.5 py-1.5 align-middle", numericColumns.has(cell.column.id) && "text-right tabular-nums whitespace-nowrap")}
                >
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

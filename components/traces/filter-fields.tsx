"use client";

import type { HTMLAttributes, ReactNode } from "react";
import { cx, fieldLabel, input } from "../operator/ui";
import { useDebouncedText } from "./use-debounced-text";

// The explorer's filter fields, each one kind of control: a labelled cell, a choice among
// options ("all" first), a text committed after a pause, a yes/no.

export interface Option<K extends string = string> {
  key: K;
  name: string;
}

export function Field({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <label className={cx("block", className)}>
      <span className={fieldLabel}>{label}</span>
      <span className="mt-1 block">{children}</span>
    </label>
  );
}

/** One of `options`, or undefined for `all`. */
export function OptionFilter<K extends string>({ label, all, value, options, onChange, testId }: {
  label: string;
  all: string;
  value: K | undefined;
  options: readonly Option<K>[];
  onChange: (value: K | undefined) => void;
  testId: string;
}) {
  return (
    <Field label={label} className="md:col-span-2">
      <select value={value ?? ""} onChange={(e) => onChange((e.target.value || undefined) as K | undefined)} data-testid={testId} className={`${input} pr-7`}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.key} value={o.key}>{o.name}</option>
        ))}
      </select>
    </Field>
  );
}

/** Text committed after 400 ms of quiet or on Enter; blank is undefined. */
export function TextFilter({ label, value, onChange, testId, placeholder, inputMode, className }: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  testId: string;
  placeholder: string;
  inputMode?: HTMLAttributes<HTMLInputElement>["inputMode"];
  className?: string;
}) {
  const text = useDebouncedText(value ?? "", (v) => onChange(v || undefined), 400);
  return (
    <Field label={label} className="md:col-span-2">
      <input
        type="text"
        inputMode={inputMode}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={text.text}
        onChange={(e) => text.setText(e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && text.flush()}
        data-testid={testId}
        className={cx(input, className)}
      />
    </Field>
  );
}

export function CheckFilter({ label, checked, onChange, testId }: { label: string; checked: boolean; onChange: (checked: boolean) => void; testId: string }) {
  return (
    <div className="flex items-end md:col-span-2">
      <label className="flex h-9 items-center gap-1.5 text-sm text-slate-700 dark:text-slate-200">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} className="h-4 w-4 accent-rose-600" />
        {label}
      </label>
    </div>
  );
}

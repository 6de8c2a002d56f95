"use client";

import { useEffect, useRef, useState } from "react";
import { copyText } from "../clipboard";
import { CheckIcon, CopyIcon, RetryIcon, ThumbDownIcon, ThumbUpIcon } from "./icons";
import { focusRing } from "./styles";
import type { Vote } from "@/lib/chat/wire";

const shape = `inline-flex h-8 w-8 items-center justify-center rounded-full disabled:cursor-not-allowed disabled:opacity-50 ${focusRing}`;
const base = `${shape} text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-white`;
const chosen = `${shape} bg-indigo-600 text-white hover:bg-indigo-700 dark:bg-indigo-300 dark:text-slate-900 dark:hover:bg-indigo-200`;

/** Copies one agent message's text (its Markdown source). */
export function CopyMessageButton({ text }: { text: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  async function copy() {
    setCopied(await copyText(text));
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(null), 2000);
  }

  const label = copied === true ? "Copied" : copied === false ? "Couldn't copy" : "Copy message";
  return (
    <button type="button" data-testid="copy-message" data-copied={copied === true ? "" : undefined} aria-label={label} title={label} onClick={copy} className={base}>
      {copied ? <CheckIcon /> : <CopyIcon />}
    </button>
  );
}

/** "Try again": asks the agent again for the visitor's last message (the last reply only). */
export function TryAgainButton({ onPress }: { onPress: () => void }) {
  return (
    <button type="button" data-testid="try-again" aria-label="Try again" title="Try again" onClick={onPress} className={base}>
      <RetryIcon />
    </button>
  );
}

interface VoteButtonsProps {
  vote: Vote | null;
  /** No vote yet possible (the reply has no server id). */
  disabled: boolean;
  onVote: (vote: Vote | null) => void;
}

const voteChoices = [
  { vote: "up", label: "Good reply", Icon: ThumbUpIcon },
  { vote: "down", label: "Bad reply", Icon: ThumbDownIcon },
] as const;

/** Thumbs up/down on one agent message; pressing the chosen one again clears it. */
export function VoteButtons({ vote, disabled, onVote }: VoteButtonsProps) {
  return (
    <span role="group" aria-label="Rate this reply" className="inline-flex items-center">
      {voteChoices.map(({ vote: choice, label, Icon }) => (
        <button
          key={choice}
          type="button"
          data-testid={`vote-${choice}`}
          aria-label={label}
          title={label}
          aria-pressed={vote === choice}
          disabled={disabled}
          onClick={() => onVote(vote === choice ? null : choice)}
          className={vote === choice ? chosen : base}
        >
          <Icon />
        </button>
      ))}
    </span>
  );
}

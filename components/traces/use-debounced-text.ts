"use client";

import { useCallback, useEffect, useState } from "react";

/**
 * A text field bound to a URL value: typing commits after `delay` ms of quiet
 * (or at once with flush()); a change of the URL value from elsewhere (clear
 * filters, another link) replaces the text, but our own pending commit never
 * overwrites what is being typed.
 */
export function useDebouncedText(value: string, commit: (text: string) => void, delay = 250) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  const [committed, setCommitted] = useState(value);

  if (value !== seen) {
    setSeen(value);
    if (value !== committed) {
      setText(value);
      setCommitted(value);
    }
  }

  const flush = useCallback(() => {
    const next = text.trim();
    if (next === committed) return;
    setCommitted(next);
    commit(next);
  }, [text, committed, commit]);

  useEffect(() => {
    if (text.trim() === committed) return;
    const timer = setTimeout(flush, delay);
    return () => clearTimeout(timer);
  }, [text, committed, flush, delay]);

  return { text, setText, flush };
}

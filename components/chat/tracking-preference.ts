// The visitor's analytics-tracking choice, read from storage without a
// hydration mismatch (the server renders the default: on).

import { useCallback, useSyncExternalStore } from "react";
import { chatStorage } from "./storage";

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key.startsWith("threadline.")) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export function useTrackingPreference(): [boolean, (enabled: boolean) => void] {
  const enabled = useSyncExternalStore(subscribe, chatStorage.tracking, () => true);
  const setEnabled = useCallback((next: boolean) => {
    chatStorage.setTracking(next);
    for (const listener of listeners) listener();
  }, []);
  return [enabled, setEnabled];
}

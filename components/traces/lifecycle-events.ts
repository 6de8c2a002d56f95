// The lifecycle as the trace page lists it. A session started by an agent switch records two
// events, `started` and `switched` (both `agent_switch`; a handoff's `switched` says `via: handoff`):
// one change, so it is listed once, as `started`, carrying how it came about.

export interface LifecycleEvent {
  id: number | string;
  sessionId: string;
  event: string;
  reason: string | null;
  detail?: unknown;
}

export function lifecycleEvents<E extends LifecycleEvent>(events: readonly E[]): (E & { via: string | null })[] {
  const switched = new Map<string, E>();
  for (const e of events) if (e.event === "switched") switched.set(`${e.sessionId}:${e.reason}`, e);
  const started = new Set(events.filter((e) => e.event === "started").map((e) => `${e.sessionId}:${e.reason}`));
  return events
    .filter((e) => !(e.event === "switched" && started.has(`${e.sessionId}:${e.reason}`)))
    .map((e) => {
      const twin = e.event === "started" ? switched.get(`${e.sessionId}:${e.reason}`) : undefined;
      const via = (twin?.detail as { via?: unknown } | undefined)?.via;
      return { ...e, via: typeof via === "string" ? via : null };
    });
}

import type { traceDetail } from "@/lib/traces/detail";

/** GET /api/traces/{id}: the trace, its session, messages, lifecycle events, the visitor's sessions. */
export type TraceDetail = Awaited<ReturnType<typeof traceDetail>>;

import type { ReviewItemView, ReviewQueueView } from "@/lib/reviews/queues";
import type { TraceDetail } from "../traces/detail-types";
import { sendJson } from "../operator/send-json";

// The reviewing screen's calls to the review queues API (docs/architecture.md, "Review queues").

export type Leased = { item: ReviewItemView; queue: ReviewQueueView };

/** This browser tab's reviewing seat: two tabs (or two people sharing the admin login) hold two leases. */
export function reviewSeat(): string {
  const key = "threadline-review-seat";
  let seat = sessionStorage.getItem(key);
  if (!seat) {
    seat = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    sessionStorage.setItem(key, seat);
  }
  return seat;
}

/** The next item leased to this seat, or null when none is free (204). */
export async function leaseNext(queueId: string, seat: string): Promise<Leased | null> {
  const res = await fetch(`/api/review-queues/${queueId}/next`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ seat }),
  });
  if (res.status === 204) return null;
  const answer = (await res.json().catch(() => null)) as (Leased & { error?: { message?: string } }) | null;
  if (!res.ok || !answer) throw new Error(answer?.error?.message ?? `The request failed (${res.status}).`);
  return answer;
}

export function finishItem(queueId: string, itemId: string, how: "complete" | "skip", seat: string, scores?: { name: string; value: string }[]) {
  return sendJson<Leased>(`/api/review-queues/${queueId}/items/${itemId}/${how}`, "POST", { seat, ...(scores ? { scores } : {}) });
}

export function previousItem(queueId: string, seat: string, before?: string) {
  return sendJson<{ item: ReviewItemView | null }>(`/api/review-queues/${queueId}/previous`, "POST", { seat, ...(before ? { before } : {}) });
}

export async function traceOf(traceId: string): Promise<TraceDetail> {
  const res = await fetch(`/api/traces/${traceId}`);
  if (!res.ok) throw new Error(`The trace could not be loaded (${res.status}).`);
  return (await res.json()) as TraceDetail;
}

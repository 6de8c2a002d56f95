import type { z } from "zod";
import type { QueueName } from "../db/rpc/queues";
import type { Database } from "../db/types";
import { log } from "../log";

// The one poller of the four Postgres queues (docs/architecture.md, "Queues"). A consumer says which
// queue, how to read a claimed row and how to work rows; the poller claims (leased, skip locked: any
// number of instances may run), works, and settles each row through queue_complete / queue_fail:
// done; a permanent failure to the dead letter at once; a deferral (a rate limit) due again then;
// anything else retried with the one backoff until the attempt cap, then the dead letter.

export type Outcome =
  | { ok: true }
  | { ok: false; error: string; permanent?: boolean; retryAfterSeconds?: number };

export const done: Outcome = { ok: true };

export interface Backoff {
  baseMs: number;
  maxMs: number;
  /** Attempts before the dead letter (the queue's SQL default when unset). */
  maxAttempts?: number;
}

export interface QueueConsumer<Row extends { id: string | number }> {
  queue: QueueName;
  /** A claimed row as the consumer reads it; an unreadable row goes to the dead letter. */
  row: z.ZodType<Row>;
  batch: number;
  leaseSeconds: number;
  backoff: Backoff;
  /** Works the claimed rows; one outcome per row, in the same order. */
  work(rows: Row[]): Promise<Outcome[]>;
}

export interface RunResult {
  claimed: number;
  done: number;
  retrying: number;
  dead: number;
}

export interface QueueWorker {
  /** Claims and works batches until the queue has nothing due (only `ids` when given); one run at a time. */
  run(ids?: string[], maxBatches?: number): Promise<RunResult>;
}

/** Is an HTTP status a permanent refusal? 4xx but 408 (timeout) and 429 (slow down); no status: transient. */
export function permanentStatus(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export function failure(error: unknown, options: { permanent?: boolean; retryAfterSeconds?: number } = {}): Outcome {
  return { ok: false, error: String((error as Error)?.message ?? error).slice(0, 1000), ...options };
}

/** Works rows one by one with `fn` (a thrown error is the row's failure, `classify` says which kind). */
export function oneByOne<Row>(fn: (row: Row) => Promise<Outcome | void>, classify: (error: unknown) => Outcome): (rows: Row[]) => Promise<Outcome[]> {
  return async (rows) => {
    const outcomes: Outcome[] = [];
    for (const row of rows) outcomes.push(await fn(row).then((o) => o ?? done, classify));
    return outcomes;
  };
}

export function createQueueWorker<Row extends { id: string | number }>(db: Database, consumer: QueueConsumer<Row>): QueueWorker {
  const { queue, backoff } = consumer;

  async function settle(rows: { id: string | number }[], outcomes: Outcome[], total: RunResult): Promise<void> {
    const finished = rows.filter((_, i) => outcomes[i]?.ok !== false).map((r) => r.id);
    if (finished.length) total.done += (await db.rpc("queue_complete", { p_queue: queue, p_ids: finished })).completed;
    for (const [i, o] of outcomes.entries()) {
      if (o.ok) continue;
      const r = await db.rpc("queue_fail", {
        p_queue: queue, p_ids: [rows[i].id], p_error: o.error, p_permanent: o.permanent ?? false,
        p_retry_after_seconds: o.retryAfterSeconds ?? null, p_base_ms: backoff.baseMs, p_max_ms: backoff.maxMs,
        p_max_attempts: backoff.maxAttempts ?? null,
      });
      total.dead += r.dead;
      total.retrying += r.retrying;
      if (r.dead) log("queue.dead_letter", { queue, id: rows[i].id, permanent: o.permanent ?? false, error: o.error }, "error");
      else log("queue.retrying", { queue, id: rows[i].id, error: o.error }, "warn");
    }
  }

  async function batch(ids: string[] | undefined, total: RunResult): Promise<number> {
    const raw = await db.rpc("queue_claim", { p_queue: queue, p_limit: consumer.batch, p_lease_seconds: consumer.leaseSeconds, p_ids: ids ?? null });
    total.claimed += raw.length;
    const readable: Row[] = [];
    const unreadable: { id: string | number }[] = [];
    for (const r of raw) {
      const parsed = consumer.row.safeParse(r);
      if (parsed.success) readable.push(parsed.data);
      else unreadable.push({ id: (r as { id: string | number }).id });
      if (!parsed.success) log("queue.unreadable_row", { queue, id: (r as { id?: unknown }).id, problem: parsed.error.issues[0]?.message }, "error");
    }
    await settle(unreadable, unreadable.map(() => failure("unreadable row", { permanent: true })), total);
    if (readable.length) await settle(readable, await consumer.work(readable), total);
    return raw.length;
  }

  let running: Promise<RunResult> | null = null;
  let again = false;

  async function runOnce(ids: string[] | undefined, maxBatches: number, total: RunResult): Promise<RunResult> {
    const retryingBefore = total.retrying;
    for (let i = 0; i < maxBatches; i++) {
      const claimed = await batch(ids, total);
      if (claimed < consumer.batch || total.retrying > retryingBefore) break;
    }
    return total;
  }

  return {
    run(ids, maxBatches = 20) {
      if (running) {
        // a run is going: one more after it picks up what arrived meanwhile
        again = true;
        return running;
      }
      running = (async () => {
        try {
          // the figures of every pass this run made
          const total: RunResult = { claimed: 0, done: 0, retrying: 0, dead: 0 };
          do {
            again = false;
            await runOnce(ids, maxBatches, total);
            ids = undefined;
          } while (again);
          return total;
        } finally {
          running = null;
        }
      })();
      return running;
    },
  };
}

type Holder = { [key: symbol]: { stop(): void } | undefined };

/** Polls a queue on an unref'd timer, once per process (keyed by queue); the timer never overlaps runs. */
export function pollQueue(worker: QueueWorker, queue: QueueName, pollMs: number): { stop(): void } {
  const holder = globalThis as unknown as Holder;
  const key = Symbol.for(`threadline.queue.${queue}`);
  const existing = holder[key];
  if (existing) return existing;
  const timer = setInterval(() => {
    worker.run().catch((error) => log("queue.poll_failed", { queue, error: String((error as Error)?.message ?? error) }, "warn"));
  }, pollMs);
  timer.unref();
  const poller = {
    stop() {
      clearInterval(timer);
      holder[key] = undefined;
    },
  };
  holder[key] = poller;
  return poller;
}

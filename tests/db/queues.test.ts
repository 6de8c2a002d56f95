import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { backends, databaseFor, type TestDatabase } from "../support/databases";

// The one queue mechanism (docs/architecture.md, "Queues"): claim with a lease, complete, fail with
// backoff up to the attempt cap, the dead letter, the figures per queue, and the fair inbox.

const audioNames = (n: number) => Array.from({ length: n }, () => `${randomUUID()}.ogg`);

async function queueAudio(t: TestDatabase, names: string[]): Promise<void> {
  await t.sql("insert into public.audio_deletions (name) select unnest($1::text[])", [names]);
}

const ids = (rows: unknown[]) => (rows as { id: string }[]).map((r) => String(r.id));

async function receive(t: TestDatabase, from: string, n: number): Promise<string[]> {
  const messages = Array.from({ length: n }, (_, i) => ({ id: `wamid.${randomUUID()}`, from, message: { type: "text", text: `m${i}` } }));
  // one at a time, so created_at orders a sender's messages
  for (const m of messages) await t.db.rpc("whatsapp_receive", { p_messages: [m] });
  return messages.map((m) => m.id);
}

const sender = () => `1555${Math.floor(Math.random() * 1e8).toString().padStart(8, "0")}`;

describe.each(backends)("the queue API on $name", ({ name, open }) => {
  const t = databaseFor(open);

  it("leases claimed rows: a second claim gets none of them, and a completed row is gone", async () => {
    const names = audioNames(3);
    await queueAudio(t, names);
    const claimed = ids(await t.db.rpc("queue_claim", { p_queue: "audio_deletions", p_limit: 100, p_ids: names }));
    expect(claimed.sort()).toEqual([...names].sort());
    expect(await t.db.rpc("queue_claim", { p_queue: "audio_deletions", p_ids: names })).toEqual([]);
    expect(await t.db.rpc("queue_complete", { p_queue: "audio_deletions", p_ids: names })).toEqual({ completed: 3 });
    const [left] = await t.sql<{ n: number }>("select count(*)::int as n from public.audio_deletions where name = any($1)", [names]);
    expect(left.n).toBe(0);
  });

  it("two claimers never get the same row", async () => {
    const names = audioNames(120);
    await queueAudio(t, names);
    const batches = await Promise.all(Array.from({ length: 8 }, () => t.db.rpc("queue_claim", { p_queue: "audio_deletions", p_limit: 25, p_ids: names })));
    const all = batches.flatMap(ids);
    expect(new Set(all).size).toBe(all.length);
    if (name === "postgres") expect(all.length).toBe(120);
    await t.db.rpc("queue_complete", { p_queue: "audio_deletions", p_ids: names });
  });

  it("a permanent failure is a dead letter at once; a transient one backs off until the attempt cap", async () => {
    const [permanent, transient] = [audioNames(1), audioNames(1)];
    await queueAudio(t, [...permanent, ...transient]);
    expect(await t.db.rpc("queue_claim", { p_queue: "audio_deletions", p_ids: [...permanent, ...transient] })).toHaveLength(2);
    expect(await t.db.rpc("queue_fail", { p_queue: "audio_deletions", p_ids: permanent, p_error: "400 bad request", p_permanent: true })).toEqual({ dead: 1, retrying: 0 });
    expect(await t.db.rpc("queue_fail", { p_queue: "audio_deletions", p_ids: transient, p_error: "503", p_base_ms: 1, p_max_ms: 1, p_max_attempts: 3 }))
      .toEqual({ dead: 0, retrying: 1 });
    for (let attempt = 2; attempt <= 3; attempt++) {
      await new Promise((r) => setTimeout(r, 15));
      const rows = await t.db.rpc("queue_claim", { p_queue: "audio_deletions", p_ids: [...permanent, ...transient] });
      // the dead letter is never claimed again
      expect(rows).toEqual([{ id: transient[0], attempts: attempt }]);
      const r = await t.db.rpc("queue_fail", { p_queue: "audio_deletions", p_ids: transient, p_error: "503", p_base_ms: 1, p_max_ms: 1, p_max_attempts: 3 });
      expect(r).toEqual(attempt < 3 ? { dead: 0, retrying: 1 } : { dead: 1, retrying: 0 });
    }
    await new Promise((r) => setTimeout(r, 15));
    expect(await t.db.rpc("queue_claim", { p_queue: "audio_deletions", p_ids: [...permanent, ...transient] })).toEqual([]);
    const status = await t.db.rpc("queue_status");
    expect(status.audio_deletions.dead).toBeGreaterThanOrEqual(2);
    expect(status.audio_deletions.last_dead).toMatchObject({ id: transient[0], attempts: 3, error: "503" });
    expect(Object.keys(status).sort()).toEqual(["audio_deletions", "evaluation_jobs", "experiment_items", "otlp_outbox", "whatsapp_inbox", "whatsapp_outbox"]);
  });

  it("backs off exponentially from the attempts; a deferred row is due then and its attempt is not counted", async () => {
    const [row] = audioNames(1);
    await queueAudio(t, [row]);
    await t.sql("update public.audio_deletions set attempts = 4 where name = $1", [row]);
    await t.db.rpc("queue_claim", { p_queue: "audio_deletions", p_ids: [row] });
    await t.db.rpc("queue_fail", { p_queue: "audio_deletions", p_ids: [row], p_error: "slow", p_base_ms: 1000, p_max_ms: 60_000 });
    // 5th attempt: 1 s * 2^4 = 16 s, ±20%
    const [a] = await t.sql<{ s: number; attempts: number }>(
      "select extract(epoch from next_attempt_at - clock_timestamp())::float8 as s, attempts from public.audio_deletions where name = $1", [row]);
    expect(a.s).toBeGreaterThan(12);
    expect(a.s).toBeLessThan(20);
    await t.sql("update public.audio_deletions set next_attempt_at = now() where name = $1", [row]);
    await t.db.rpc("queue_claim", { p_queue: "audio_deletions", p_ids: [row] });
    await t.db.rpc("queue_fail", { p_queue: "audio_deletions", p_ids: [row], p_error: "rate limited", p_retry_after_seconds: 30 });
    const [b] = await t.sql<{ s: number; attempts: number }>(
      "select extract(epoch from next_attempt_at - clock_timestamp())::float8 as s, attempts from public.audio_deletions where name = $1", [row]);
    expect(b.attempts).toBe(a.attempts);
    expect(b.s).toBeGreaterThan(28);
    expect(b.s).toBeLessThan(31);
  });

  it("an unknown queue is a bad request", async () => {
    await expect(t.sql("select public.queue_claim('nope')")).rejects.toThrow(/bad_request:queue/);
  });
});

describe.each(backends)("the fair WhatsApp inbox on $name", ({ open }) => {
  const t = databaseFor(open);

  async function claimAll(limit: number): Promise<{ id: string; wa_id: string }[]> {
    return (await t.db.rpc("queue_claim", { p_queue: "whatsapp_inbox", p_limit: limit })) as { id: string; wa_id: string }[];
  }

  it("one sender's backlog does not starve the others: one row per sender per claim, in each sender's order", async () => {
    const busy = [sender(), sender(), sender()];
    const quiet = [sender(), sender(), sender(), sender()];
    const backlog = new Map<string, string[]>();
    for (const s of busy) backlog.set(s, await receive(t, s, 12));
    const waiting = new Set<string>();
    for (const s of quiet) for (const id of await receive(t, s, 1)) waiting.add(id);

    const first = await claimAll(5);
    expect(new Set(first.map((r) => r.wa_id)).size).toBe(5);
    // every busy sender's first message, in order
    for (const s of busy) expect(first.find((r) => r.wa_id === s)?.id).toBe(backlog.get(s)![0]);
    await t.db.rpc("queue_complete", { p_queue: "whatsapp_inbox", p_ids: first.map((r) => r.id) });
    const second = await claimAll(5);
    await t.db.rpc("queue_complete", { p_queue: "whatsapp_inbox", p_ids: second.map((r) => r.id) });
    // all four quiet senders were answered within the first two claims (in arrival order: 40 claims)
    const served = [...first, ...second].map((r) => r.id).filter((id) => waiting.has(id));
    expect(served.length).toBe(4);
    // a claimed row holds its sender: nothing more of theirs until it is settled
    const third = await claimAll(5);
    const fourth = await claimAll(5);
    expect(fourth).toEqual([]);
    expect(third.map((r) => r.id).sort()).toEqual(busy.map((s) => backlog.get(s)![2]).sort());
    await t.db.rpc("queue_complete", { p_queue: "whatsapp_inbox", p_ids: third.map((r) => r.id) });
  });

  it("a rate-limited row waits behind the rows that arrived while it waited", async () => {
    // drain what an earlier test left
    for (let rows = await claimAll(100); rows.length; rows = await claimAll(100)) {
      await t.db.rpc("queue_complete", { p_queue: "whatsapp_inbox", p_ids: rows.map((r) => r.id) });
    }
    const [a, b] = [sender(), sender()];
    const [limited] = await receive(t, a, 1);
    expect((await claimAll(1)).map((r) => r.id)).toEqual([limited]);
    await t.db.rpc("queue_fail", { p_queue: "whatsapp_inbox", p_ids: [limited], p_error: "rate_limit:chat", p_retry_after_seconds: 1 });
    const [later] = await receive(t, b, 1);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await claimAll(1)).map((r) => r.id)).toEqual([later]);
    expect((await claimAll(1)).map((r) => r.id)).toEqual([limited]);
  });

  it("a sender's dead message does not hold back their next one", async () => {
    const s = sender();
    const [dead, next] = await receive(t, s, 2);
    expect((await t.db.rpc("queue_claim", { p_queue: "whatsapp_inbox", p_ids: [dead, next] })).map((r) => (r as { id: string }).id)).toEqual([dead]);
    await t.db.rpc("queue_fail", { p_queue: "whatsapp_inbox", p_ids: [dead], p_error: "bad", p_permanent: true });
    expect((await t.db.rpc("queue_claim", { p_queue: "whatsapp_inbox", p_ids: [dead, next] })).map((r) => (r as { id: string }).id)).toEqual([next]);
  });
});

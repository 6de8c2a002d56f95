import type pg from "pg";
import { timed } from "./bulk";
import type { MessageLoad } from "./seed-traces";

// Messages for `npm run bench:search`'s content search (docs/performance.md, "Content search"):
// BENCH_MESSAGES per trace (default 10: 1,000,000 traces → 10,000,000 messages), visitor and agent
// turns of 6–20 words drawn from a shop's vocabulary, so a common word ("refund") is in about one
// message in ten, and one message in a thousand carries a rare order code (`zx` + 6 digits).
//
// At most BENCH_MESSAGE_TRACES traces (default 1,000,000, the newest) get messages: 10,000,000 messages
// at 1,000,000 traces and also at 10,000,000 (docs/performance.md, "10 million traces": what fits the
// disk and the load's time, and the same message table as the 1,000,000-trace run).
//
// Loaded with the traces, as any bulk load does (scripts/bench/seed-traces.ts): the message indexes,
// keys and foreign keys are dropped for the load and rebuilt after, and the one insert trigger that
// could change a row, the PII masking, is off for the load when PII_MASKING is not `all` (it then does
// nothing; the others act on voice, WhatsApp and reply messages, which the bench has none of, and stay
// on). scripts/bench/load-check.ts checks at a small size that the rows equal what the triggers store.

export const benchWords = (
  "refund return exchange order tent stove lantern headlamp mug sleeping bag backpack boots jacket " +
  "delivery parcel tracking shipping price discount size colour warranty broken damaged late cancel " +
  "payment card invoice receipt store pickup stock available lighter waterproof warm cheap best " +
  "recommend compare weight battery charge camping hiking family kids winter summer rain wind " +
  "the a for my i want need please can you how when where which is it this that with and to of " +
  "thanks hello help question problem address email phone account login password gift card voucher"
).split(" ");

export const messageTable = "public.conversation_messages";
/** Texts in the pool per message position. */
const POOL = 20_000;

/** The insert trigger the message load switches off: the PII masking, when PII_MASKING is not `all` (it then does nothing). */
export async function replacedMessageTriggers(client: pg.Client): Promise<Record<string, string[]>> {
  const { rows: [privacy] } = await client.query<{ all: boolean }>(
    "select exists (select 1 from public.privacy_settings s where s.id and s.pii_masking = 'all') as all",
  );
  return privacy.all ? {} : { [messageTable]: ["conversation_messages_mask_pii"] };
}

/**
 * The messages' rows (their indexes and keys are the caller's: scripts/bench/seed-traces.ts). The texts
 * come from a pool generated once (POOL texts per message position k, of the position's word count),
 * picked at random per message; one message in a thousand gets its own rare code. The two connections
 * insert at once, the older and the newer half of the sessions, each in time order (a row's cost is
 * mostly its generated tsvector, which no statement can share).
 */
export async function insertMessages(clients: pg.Client[], load: MessageLoad): Promise<void> {
  const [client] = clients;
  await client.query("drop table if exists public.bench_message_pool");
  await timed(
    client,
    "message text pool",
    `create unlogged table public.bench_message_pool as
     select (k - 1) * $3 + p as id,
            array_to_string(array(select ($2::text[])[1 + floor(random() * cardinality($2::text[]))::int]
                                    from generate_series(1, 6 + ((k * 7 + 36) % 15)) w where p >= 0), ' ') as content
       from generate_series(1, $1) k, generate_series(0, $3 - 1) p`,
    [load.perTrace, benchWords, POOL],
  );
  await client.query("alter table public.bench_message_pool add primary key (id)");
  await client.query("analyze public.bench_message_pool");
  const { rows: [span] } = await client.query<{ lo: string; mid: string }>(
    `select min(started_at)::text as lo, percentile_disc(0.5) within group (order by started_at)::text as mid
       from (select c.started_at from public.conversation_sessions c order by c.started_at desc limit $1) s`,
    [load.maxTraces],
  );
  const insert = (c: pg.Client, label: string, from: string, to: string | null) =>
    timed(
      c,
      label,
      `insert into public.conversation_messages (session_id, user_id, role, content, created_at)
       select m.id, m.user_id, case when m.k % 2 = 1 then 'user' else 'agent' end,
              p.content || case when m.rare < 0.001 then ' zx' || lpad(floor(m.rare * 1e9)::int::text, 6, '0') else '' end,
              m.started_at + m.k * interval '5 seconds'
         from (select s.id, s.user_id, s.started_at, k, (k - 1) * $4 + floor(random() * $4)::int as pick, random() as rare
                 from public.conversation_sessions s cross join generate_series(1, $3) k
                where s.started_at >= $1::timestamptz and ($2::timestamptz is null or s.started_at < $2::timestamptz)
                order by s.started_at, k offset 0) m
         join public.bench_message_pool p on p.id = m.pick`, // the pool is hashed: the messages keep their time order
      [from, to, load.perTrace, POOL],
    );
  await Promise.all([
    insert(client, `messages, older half (${load.perTrace} per trace, newest ${load.maxTraces.toLocaleString("en")} traces)`, span.lo, span.mid),
    insert(clients[1] ?? client, "messages, newer half", span.mid, null),
  ]);
  await client.query("drop table public.bench_message_pool");
}

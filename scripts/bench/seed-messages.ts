import type pg from "pg";
import { progress } from "./common";

// Messages for `npm run bench:search`'s content search (docs/performance.md, "Content search"):
// BENCH_MESSAGES per trace (default 10: 1,000,000 traces → 10,000,000 messages), visitor and agent
// turns of 6–20 words drawn from a shop's vocabulary, so a common word ("refund") is in about one
// message in ten, and one message in a thousand carries a rare order code (`zx` + 6 digits).
//
// Fast path that changes no semantics of the search: the message indexes that back no constraint are
// dropped for the load and rebuilt after (the GIN indexes build far faster at once), and triggers are
// off for the load (session_replication_role = replica: the data is consistent and has no PII, and
// no reply of it is sent anywhere).

export const benchWords = (
  "refund return exchange order tent stove lantern headlamp mug sleeping bag backpack boots jacket " +
  "delivery parcel tracking shipping price discount size colour warranty broken damaged late cancel " +
  "payment card invoice receipt store pickup stock available lighter waterproof warm cheap best " +
  "recommend compare weight battery charge camping hiking family kids winter summer rain wind " +
  "the a for my i want need please can you how when where which is it this that with and to of " +
  "thanks hello help question problem address email phone account login password gift card voucher"
).split(" ");

export async function seedMessages(client: pg.Client, perTrace: number): Promise<void> {
  if (perTrace <= 0) return;
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def from pg_index i
      where i.indrelid = 'public.conversation_messages'::regclass
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid) order by 1`,
  );
  for (const ix of indexes) await client.query(`drop index ${ix.name}`);
  const started = performance.now();
  await client.query("set session_replication_role = replica");
  await client.query(
    `insert into public.conversation_messages (session_id, user_id, role, content, created_at)
     select s.id, s.user_id, case when k % 2 = 1 then 'user' else 'agent' end,
            array_to_string(array(select ($2::text[])[1 + floor(random() * cardinality($2::text[]))::int]
                                    from generate_series(1, 6 + ((k * 7 + length(s.user_id)) % 15)) w where k > 0), ' ')
              || case when random() < 0.001 then ' zx' || lpad(floor(random() * 1000000)::text, 6, '0') else '' end,
            s.started_at + make_interval(secs => k * 5)
       from public.conversation_sessions s cross join generate_series(1, $1) k
      order by s.started_at, k`,
    [perTrace, benchWords],
  );
  await client.query("set session_replication_role = origin");
  progress(`messages: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const ix of indexes) {
    const t = performance.now();
    await client.query(ix.def);
    progress(`recreate ${ix.name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  await client.query("vacuum (analyze) public.conversation_messages");
}

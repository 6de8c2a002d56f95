// npx tsx scripts/bench/trigger-ab.ts — a before/after of one trigger definition on Threadline's two calls
// (statements only, 1 client): PostgreSQL CPU per continued turn with the WhatsApp reply trigger as it
// is (WHEN role = 'agent' and user_id like 'wa\_%') and as it was (WHEN role = 'agent'), alternated
// AB AB AB so a loaded machine's drift hits both alike. BENCH_SECONDS per leg (default 5).
import { fmt, progress } from "./common";
import { postmasterPid } from "./cpu";
import { runTurns, threadlineTurn } from "./peer";
import { runBenchmark, startDatabaseClient, type Stops } from "./stack";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const trigger = (when: string) => `drop trigger conversation_messages_whatsapp_reply on public.conversation_messages;
  create constraint trigger conversation_messages_whatsapp_reply after insert on public.conversation_messages
  deferrable initially deferred for each row when (${when}) execute function private.whatsapp_on_reply()`;
const legs = [
  ["now: role = 'agent' and user_id like 'wa\\_%'", "new.role = 'agent' and new.user_id like 'wa\\_%'"],
  ["before: role = 'agent'", "new.role = 'agent'"],
] as const;

async function main(stops: Stops) {
  const { postgres, dbUrl, client } = await startDatabaseClient(stops, "bench-ab");
  const pgPid = postmasterPid(postgres.dir);
  const sessions: { userId: string; sessionId: string }[] = [];
  for (let i = 0; i < 64; i++) {
    const userId = `bench-ab-${i}`;
    const { rows } = await client.query("select public.begin_turn(p_user_id => $1, p_message => 'hello') as r", [userId]);
    await client.query("select public.finish_turn(p_user_message_id => $1, p_content => 'Hi!')", [rows[0].r.user_message.id]);
    sessions.push({ userId, sessionId: rows[0].r.session.id });
  }
  const sizes = { userMessages: ["I need a light tent", "thanks!"], reply: "Here are three tents that fit.", replyMetadata: { buttons: [] } };
  const results = new Map<string, number[]>();
  for (let round = 0; round < 3; round++) {
    for (const [name, when] of legs) {
      await client.query(trigger(when));
      progress(`${name}, round ${round + 1}, ${seconds} s`);
      const r = await runTurns(dbUrl, 1, seconds, pgPid, threadlineTurn(sessions, sizes));
      results.set(name, [...(results.get(name) ?? []), r.pgCpuMsPerTurn]);
    }
  }
  for (const [name, list] of results) console.log(`- ${name}: PostgreSQL CPU ms per turn ${list.map((v) => fmt(v, 3)).join(", ")}`);
}

runBenchmark(main);

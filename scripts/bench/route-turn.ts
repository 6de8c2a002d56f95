import { randomUUID } from "node:crypto";
import pg from "pg";
import { searchKeywords } from "../../lib/agents/keywords";
import { workloadMessage } from "./http";
import type { Turn } from "./peer";

// The chat route's continued turn without HTTP (docs/performance.md, "Why an HTTP turn costs PostgreSQL
// more than its replay"): the calls lib/chat sends for `npm run bench`'s continue scenario, as the route
// sends them, from one client. peer.ts's threadlineTurn replays begin_turn (user, message, session) and
// finish_turn with three fixed steps; the route's turn over HTTP also searches the catalog in 3 turns of 4
// (the workload's wordings), stores 4.0 steps per turn (a search turn: three generations, search_catalog
// and offer_choices; small talk: one generation) and passes a clientMessageId, request id, address, model
// and limits to begin_turn.

/** Steps of one stored HTTP turn of each shape (a catalog search's, small talk's), to replay as the route sends them. */
export async function httpShapes(url: string): Promise<{ search: Record<string, unknown>[]; talk: Record<string, unknown>[]; metadata: unknown; reply: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // the steps of one stored turn of the most common step count among turns that searched the catalog (or not)
    const shape = async (searched: boolean) => {
      const { rows: [r] } = await client.query(
        `with m as (select o.message_id, count(*) as n, bool_or(o.kind = 'tool' and o.name = 'search_catalog') as searched
                      from public.llm_observations o group by o.message_id),
              usual as (select mode() within group (order by m.n) as n from m where m.searched = $1)
         select jsonb_agg(to_jsonb(o) - 'search_vector' - 'trace_id' - 'session_id' - 'user_id' - 'message_id' - 'created_at' order by o.position) as steps
           from public.llm_observations o
          where o.message_id = (select m.message_id from m, usual where m.searched = $1 and m.n = usual.n limit 1)`,
        [searched],
      );
      return r.steps as Record<string, unknown>[] | null;
    };
    const { rows: [m] } = await client.query<{ content: string; metadata: unknown }>(
      "select content, metadata from public.conversation_messages where role = 'agent' and metadata -> 'tools' ? 'search_catalog' limit 1",
    );
    const [search, talk] = [await shape(true), await shape(false)];
    if (!search || !talk || !m) throw new Error("route-turn: no stored HTTP turn that searched the catalog, or none that did not, to take the steps from");
    return { search, talk, metadata: m.metadata, reply: m.content };
  } finally {
    await client.end();
  }
}

const renumbered = (steps: Record<string, unknown>[]) => {
  const ids = new Map(steps.map((st) => [st.id as string, randomUUID()]));
  return steps.map((st) => ({ ...st, id: ids.get(st.id as string), parent_id: st.parent_id ? ids.get(st.parent_id as string) : null }));
};

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

/**
 * The route's turn without HTTP: begin_turn with the route's arguments (a clientMessageId, request id,
 * address, model, limits 0), search_catalog in 3 turns of 4 (a new wording each), finish_turn with
 * the steps a stored HTTP turn of that shape has; named statements as lib/db/postgres.ts sends them.
 * `think`: ms between the calls (the model's run over HTTP), slept or spun on this process's core.
 */
export function routeTurn(sessions: { userId: string; sessionId: string }[], shapes: Awaited<ReturnType<typeof httpShapes>>, think = 0, busy = false): Turn {
  const wait = async () => (think === 0 ? undefined : busy ? spin(think) : pause(think));
  return async (c, i) => {
    const s = sessions[i % sessions.length];
    const message = workloadMessage(i);
    const search = i % 4 !== 3;
    const begin = await c.query({
      name: "route_begin",
      text: "select public.begin_turn(p_user_id => $1, p_message => $2, p_session_id => $3, p_default_agent => $4, p_model_key => $5, p_tracking => $6, p_client_message_id => $7, p_idle_minutes => $8, p_rate_limit => $9, p_client_ip => $10, p_ip_rate_limit => $11, p_request_id => $12) as result",
      values: [s.userId, message, s.sessionId, "product_recommendation", "offline", true, randomUUID(), 1440, 0, "127.0.0.1", 0, randomUUID()],
    });
    const question = (begin.rows[0].result as { user_message: { id: string } }).user_message.id;
    await wait();
    if (search) {
      await c.query({ name: "route_search", text: "select public.search_catalog(p_query => $1, p_limit => $2) as result", values: [searchKeywords(message).join(" "), 3] });
      await wait();
    }
    await c.query({
      name: "route_finish",
      text: "select public.finish_turn(p_user_message_id => $1, p_content => $2, p_metadata => $3, p_input_tokens => $4, p_output_tokens => $5, p_latency_ms => $6, p_partial => $7, p_observations => $8) as result",
      values: [question, shapes.reply, JSON.stringify(shapes.metadata), 712, 116, 400, false, JSON.stringify(renumbered(search ? shapes.search : shapes.talk))],
    });
    await wait();
    return search ? 3 : 2;
  };
}

/** A turn followed by a pause of 3 × think ms (what routeTurn sleeps in all: after each of its calls). */
export const sleepy = (turn: Turn, think: number): Turn => async (c, i) => {
  const sent = await turn(c, i);
  await pause(3 * think);
  return sent;
};


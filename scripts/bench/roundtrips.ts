import pg from "pg";

// Database round trips per chat turn, counted by pg_stat_statements (top-level
// statements only, i.e. what the app sent over the wire), and the rows the
// scenario wrote. The monitor connects as its own role so its own queries can
// be left out of the count.

export interface Counts {
  turns: number;
  sessions: number;
  traces: number;
}

export interface RoundTrips extends Counts {
  /** statement (SQL function name, or the statement's start) → calls and server time */
  statements: { name: string; calls: number; totalMs: number }[];
  calls: number;
  /**
   * Statements of deferred constraint triggers (the OTLP export, the WhatsApp outbox): they run
   * at COMMIT inside the server, so pg_stat_statements sees them as top-level, but no client
   * sent them: not round trips.
   */
  atCommit: { name: string; calls: number; totalMs: number }[];
}

/** What the app sends: `select public.fn(p_arg => $1, …)` (lib/db/types.ts namedCall). */
const sentByClient = (query: string) => /^\s*select\s+public\.[a-z_0-9]+\(/i.test(query);

export class Monitor {
  private constructor(private client: pg.Client) {}

  static async connect(adminUrl: string): Promise<Monitor> {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query("create extension if not exists pg_stat_statements");
    await admin.query("do $$ begin if not exists (select 1 from pg_roles where rolname = 'bench_monitor') then create role bench_monitor login superuser; end if; end $$");
    await admin.end();
    const url = new URL(adminUrl);
    url.username = "bench_monitor";
    const client = new pg.Client({ connectionString: url.toString(), application_name: "bench-monitor" });
    await client.connect();
    return new Monitor(client);
  }

  async counts(): Promise<Counts> {
    const { rows } = await this.client.query(
      `select (select count(*) from public.conversation_messages where role = 'user')::int as turns,
              (select count(*) from public.conversation_sessions)::int as sessions,
              (select count(*) from public.llm_traces)::int as traces`,
    );
    return rows[0] as Counts;
  }

  async reset(): Promise<Counts> {
    await this.waitIdle();
    await this.client.query("select pg_stat_statements_reset()");
    return this.counts();
  }

  /**
   * Waits until the app is done with the requests autocannon left outstanding when it
   * stopped: a turn between its two calls holds no statement, so first give them time,
   * then wait until no statement of the app is running.
   */
  async waitIdle(): Promise<void> {
    await new Promise((r) => setTimeout(r, 750));
    for (let i = 0; i < 100; i++) {
      const { rows } = await this.client.query(
        "select count(*)::int as n from pg_stat_activity where application_name = 'threadline' and state <> 'idle'",
      );
      if (rows[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async read(before: Counts): Promise<RoundTrips> {
    await this.waitIdle();
    const after = await this.counts();
    const { rows } = await this.client.query(
      `select s.query, s.calls::int as calls, s.total_exec_time as total_ms
         from pg_stat_statements s
        where s.dbid = (select oid from pg_database where datname = current_database())
          and s.userid <> (select oid from pg_roles where rolname = 'bench_monitor')
          and s.toplevel`,
    );
    const group = (list: { query: string; calls: number; total_ms: number }[]) => {
      const byName = new Map<string, { name: string; calls: number; totalMs: number }>();
      for (const r of list) {
        const name = /public\.([a-z_]+)\(/.exec(r.query)?.[1] ?? r.query.replace(/\s+/g, " ").slice(0, 40);
        const entry = byName.get(name) ?? { name, calls: 0, totalMs: 0 };
        entry.calls += r.calls;
        entry.totalMs += r.total_ms;
        byName.set(name, entry);
      }
      return [...byName.values()].sort((a, b) => b.calls - a.calls);
    };
    const all = rows as { query: string; calls: number; total_ms: number }[];
    const statements = group(all.filter((r) => sentByClient(r.query)));
    return {
      atCommit: group(all.filter((r) => !sentByClient(r.query))),
      turns: after.turns - before.turns,
      sessions: after.sessions - before.sessions,
      traces: after.traces - before.traces,
      statements,
      calls: statements.reduce((a, s) => a + s.calls, 0),
    };
  }

  async serverVersion(): Promise<string> {
    const { rows } = await this.client.query("show server_version");
    return rows[0].server_version as string;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

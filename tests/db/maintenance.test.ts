import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { startMaintenance } from "@/lib/chat/maintenance";
import { createPostgresDatabase } from "@/lib/db/postgres";
import { migratePostgres } from "@/lib/db/postgres-migrate";
import { openPostgres } from "../support/databases";
import { visitor } from "./turn-helpers";

// The maintenance job on PostgreSQL: pg_cron runs it where it lives (docs/architecture.md,
// "Session lifecycle"), and instances running it at once close each idle session exactly once.

describe("session maintenance on PostgreSQL", () => {
  it("the migration schedules run_maintenance with pg_cron in pg_cron's database, and the app leaves it to pg_cron", async () => {
    const base = inject("pgUrl");
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    const { rows: [setting] } = await admin.query<{ db: string }>("select current_setting('cron.database_name', true) as db");
    await admin.end();
    expect(setting.db).toBeTruthy(); // the test server preloads pg_cron (tests/support/postgres.ts)
    const url = base.replace(/\/[^/]*$/, `/${setting.db}`);
    await migratePostgres(url);
    const db = createPostgresDatabase(url);
    try {
      const { rows: jobs } = await db.pool.query("select jobname, schedule, command, database, active from cron.job where jobname = 'threadline-maintenance'");
      expect(jobs).toEqual([{ jobname: "threadline-maintenance", schedule: "* * * * *", command: "select public.run_maintenance()", database: setting.db, active: true }]);
      expect(await db.rpc("maintenance_scheduler")).toMatchObject({ scheduler: "pg_cron", job: "threadline-maintenance" });
      // as Supabase installs it: in pg_catalog, never in public (its linter's extension_in_public)
      const { rows: [ext] } = await db.pool.query("select extnamespace::regnamespace::text as schema from pg_extension where extname = 'pg_cron'");
      expect(ext).toEqual({ schema: "pg_catalog" });
      // the scheduled command itself runs clean
      await db.pool.query(jobs[0].command);
      // RETENTION_DAYS' job runs beside it (docs/performance.md, "Retention")
      const { rows: retention } = await db.pool.query("select schedule, command, active from cron.job where jobname = 'threadline-retention'");
      expect(retention).toEqual([{ schedule: "* * * * *", command: "select public.apply_retention()", active: true }]);
      await db.pool.query(retention[0].command);
      const job = await startMaintenance(db, { intervalSeconds: 60, idleMinutes: 1440 });
      expect(job.scheduler).toBe("pg_cron");
      expect(await job.firstRun).toBeNull();
      job.stop();
    } finally {
      await db.close();
    }
  });

  it("a role without pg_read_all_settings migrates too: pg_cron's settings are read inside a handler, the app's timer runs the job", async () => {
    const base = inject("pgUrl");
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    const name = `nopriv_${process.pid}_${Date.now().toString(36)}`;
    try {
      // like Supabase's postgres: not a superuser, a member of the owner of the default privileges
      await admin.query(`do $$ begin
        if not exists (select 1 from pg_roles where rolname = 'tl_migrator') then create role tl_migrator login createrole; end if;
      end $$`);
      await admin.query("grant postgres to tl_migrator");
      await admin.query(`create database ${name} owner tl_migrator`);
      const url = new URL(base.replace(/\/[^/]*$/, `/${name}`));
      url.username = "tl_migrator";
      const result = await migratePostgres(url.toString());
      expect(result).toBeTruthy();
      const db = createPostgresDatabase(url.toString());
      try {
        expect(await db.rpc("maintenance_scheduler")).toMatchObject({ scheduler: "app" });
      } finally {
        await db.close();
      }
    } finally {
      await admin.end();
    }
  });

  it("several instances running close_idle_sessions at once close each idle session exactly once", async () => {
    const t = await openPostgres();
    try {
      const prefix = `${visitor()}-`;
      await t.sql(
        `select public.start_session($1 || g, 'web', 'sales_pitch', (select id from public.llm_models where key = 'offline'), true, 'first_message')
           from generate_series(1, 150) g`, [prefix]);
      await t.sql(
        `insert into conversation_messages (session_id, user_id, role, content)
         select s.id, s.user_id, 'user', 'hi' from conversation_sessions s where s.user_id like $1 || '%'`, [prefix]);
      await t.sql(
        `update conversation_sessions set started_at = now() - interval '3 days', last_activity_at = now() - interval '2 days'
          where user_id like $1 || '%'`, [prefix]);
      const runs = await Promise.all(
        Array.from({ length: 4 }, () => t.db.rpc("close_idle_sessions", { p_idle_minutes: 60, p_batch: 7 })),
      );
      const closed = runs.flatMap((r) => r.sessions.map((s) => s.session_id));
      expect(closed).toHaveLength(150);
      expect(new Set(closed).size).toBe(150);
      const [counts] = await t.sql<{ active: number; expired_events: number; sessions_with_one: number }>(
        `select (select count(*)::int from conversation_sessions where user_id like $1 || '%' and is_active) as active,
                (select count(*)::int from session_events where user_id like $1 || '%' and event = 'expired') as expired_events,
                (select count(*)::int from (select session_id from session_events where user_id like $1 || '%' and event = 'expired'
                                             group by session_id having count(*) = 1) one) as sessions_with_one`, [prefix]);
      expect(counts).toEqual({ active: 0, expired_events: 150, sessions_with_one: 150 });
    } finally {
      await t.close();
    }
  });
});

-- Maintenance: run_maintenance() (closes idle sessions, drops old rate-limit windows) and the
-- pg_cron schedule that runs it and apply_retention() every minute where pg_cron can run (the app
-- uses a timer elsewhere). docs/architecture.md, "Session lifecycle".

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- Who runs run_maintenance here: `pg_cron` when a cron job in this database calls it, else `app`.
CREATE FUNCTION public.maintenance_scheduler() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $_$
declare
  v_job jsonb;
begin
  if to_regclass('cron.job') is not null then
    begin
      execute $q$select jsonb_build_object('job', j.jobname, 'schedule', j.schedule, 'command', j.command)
                   from cron.job j
                  where j.command ilike '%run_maintenance%' and j.database = current_database() and j.active
                  order by j.jobid limit 1$q$
         into v_job;
    exception when insufficient_privilege then
      v_job := null;
    end;
  end if;
  return case when v_job is null then jsonb_build_object('scheduler', 'app')
              else jsonb_build_object('scheduler', 'pg_cron') || v_job end;
end
$_$;

REVOKE ALL ON FUNCTION public.maintenance_scheduler() FROM PUBLIC;
GRANT ALL ON FUNCTION public.maintenance_scheduler() TO service_role;

-- One row: SESSION_IDLE_MINUTES as the app last configured it (configure_maintenance);
-- run_maintenance() reads it when called without an argument (the pg_cron job).
create table public.maintenance_settings (
  id boolean primary key default true constraint maintenance_settings_one_row check (id),
  session_idle_minutes integer not null default 1440
    constraint maintenance_settings_idle_minutes check (session_idle_minutes between 1 and 525600),
  updated_at timestamptz not null default now()
);
alter table public.maintenance_settings enable row level security;
grant all on table public.maintenance_settings to service_role;
insert into public.maintenance_settings (id) values (true);

-- Stores SESSION_IDLE_MINUTES (every app instance at start) where run_maintenance() without an
-- argument reads it.
create function public.configure_maintenance(p_idle_minutes integer) returns jsonb
  language plpgsql
  set search_path = ''
as $$
begin
  if p_idle_minutes is null or p_idle_minutes not between 1 and 525600 then
    raise exception using errcode = 'PT400', message = 'bad_request:maintenance',
      detail = 'Idle minutes must be between 1 and 525600.';
  end if;
  update public.maintenance_settings m set session_idle_minutes = p_idle_minutes, updated_at = now()
   where m.id and m.session_idle_minutes <> p_idle_minutes;
  return jsonb_build_object('session_idle_minutes', p_idle_minutes);
end
$$;
revoke all on function public.configure_maintenance(integer) from public;
grant execute on function public.configure_maintenance(integer) to service_role;

-- The periodic job: closes sessions idle longer than p_idle_minutes (default: maintenance_settings,
-- i.e. SESSION_IDLE_MINUTES) and forgets finished rate-limit windows.
create function public.run_maintenance(p_idle_minutes integer default null, p_batch integer default 500) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_idle jsonb;
  v_windows integer;
begin
  v_idle := public.close_idle_sessions(
    coalesce(p_idle_minutes, (select m.session_idle_minutes from public.maintenance_settings m where m.id), 1440), p_batch);
  delete from public.rate_limit_buckets b where b.window_start < date_trunc('minute', now()) - interval '1 minute';
  get diagnostics v_windows = row_count;
  return v_idle || jsonb_build_object('rate_limit_windows_deleted', v_windows);
end
$$;
revoke all on function public.run_maintenance(integer, integer) from public;
grant execute on function public.run_maintenance(integer, integer) to service_role;

-- run_maintenance() and apply_retention() every minute with pg_cron where it can run here: the
-- extension is installed on the server, preloaded (shared_preload_libraries), and this is the
-- database pg_cron lives in (cron.database_name; `postgres` on Supabase). Anywhere else
-- (embedded PGlite, a server without pg_cron) the app runs both on a timer instead
-- (docs/architecture.md, "Session lifecycle").
do $$
declare
  v_preload text;
  v_cron_db text;
begin
  if not exists (select 1 from pg_available_extensions e where e.name = 'pg_cron') then
    raise notice 'pg_cron is not installed: the app runs maintenance on a timer';
    return;
  end if;
  begin
    v_preload := current_setting('shared_preload_libraries');
  exception when others then
    v_preload := null; -- not readable by this role; pg_cron's own setting below tells whether it is loaded
  end;
  begin
    v_cron_db := current_setting('cron.database_name', true);
  exception when others then
    v_cron_db := null; -- superuser-only (pg_read_all_settings): missing_ok does not cover that
  end;
  if (v_preload is not null and v_preload !~ '(^|,)\s*"?pg_cron"?\s*(,|$)') or (v_preload is null and v_cron_db is null) then
    raise notice 'pg_cron is not preloaded: the app runs maintenance on a timer';
    return;
  end if;
  if current_database() <> coalesce(v_cron_db, 'postgres') then
    raise notice 'pg_cron lives in database %, not here: the app runs maintenance on a timer', coalesce(v_cron_db, 'postgres');
    return;
  end if;
  create extension if not exists pg_cron with schema pg_catalog; -- as Supabase installs it, never in public
  -- scheduling under an existing name replaces that job, so re-running this is harmless
  perform cron.schedule('threadline-maintenance', '* * * * *', 'select public.run_maintenance()');
  perform cron.schedule('threadline-retention', '* * * * *', 'select public.apply_retention()');
end
$$;

-- The API roles: a Supabase project's default privileges grant anon and authenticated everything on
-- new tables, sequences and functions of `postgres` in public (00 takes the defaults back for what
-- comes after it); they keep only SELECT on the tables their RLS policies filter
-- (supabase/tests/database/02_security.test.sql).
revoke all on all tables in schema public from anon, authenticated;
revoke all on all sequences in schema public from anon, authenticated;
revoke all on all functions in schema public from anon, authenticated;
revoke all on all tables in schema private from anon, authenticated;
revoke all on all sequences in schema private from anon, authenticated;
revoke all on all functions in schema private from anon, authenticated;
grant select on table public.conversation_messages, public.conversation_sessions, public.flow_states, public.llm_models,
  public.llm_observations, public.llm_traces, public.products, public.session_events to anon, authenticated;

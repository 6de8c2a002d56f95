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

-- The periodic job (pg_cron where it exists, else the app's timer): close idle sessions,
-- forget rate-limit windows that are over.
CREATE FUNCTION public.run_maintenance(p_idle_minutes integer DEFAULT 1440, p_batch integer DEFAULT 500) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_idle jsonb;
  v_windows integer;
begin
  v_idle := public.close_idle_sessions(p_idle_minutes, p_batch);
  delete from public.rate_limit_buckets b where b.window_start < date_trunc('minute', now()) - interval '1 minute';
  get diagnostics v_windows = row_count;
  return v_idle || jsonb_build_object('rate_limit_windows_deleted', v_windows);
end
$$;

REVOKE ALL ON FUNCTION public.run_maintenance(p_idle_minutes integer, p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.run_maintenance(p_idle_minutes integer, p_batch integer) TO service_role;

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
  v_cron_db := current_setting('cron.database_name', true);
  if (v_preload is not null and v_preload !~ '(^|,)\s*"?pg_cron"?\s*(,|$)') or (v_preload is null and v_cron_db is null) then
    raise notice 'pg_cron is not preloaded: the app runs maintenance on a timer';
    return;
  end if;
  if current_database() <> coalesce(v_cron_db, 'postgres') then
    raise notice 'pg_cron lives in database %, not here: the app runs maintenance on a timer', coalesce(v_cron_db, 'postgres');
    return;
  end if;
  create extension if not exists pg_cron;
  -- scheduling under an existing name replaces that job, so re-running this is harmless
  perform cron.schedule('threadline-maintenance', '* * * * *', 'select public.run_maintenance()');
  perform cron.schedule('threadline-retention', '* * * * *', 'select public.apply_retention()');
end
$$;

-- Schedules run_maintenance() every minute with pg_cron where it can run here: the extension is
-- installed on the server, preloaded (shared_preload_libraries), and this is the database pg_cron
-- lives in (cron.database_name; `postgres` on Supabase). Anywhere else (embedded PGlite, a server
-- without pg_cron) the app runs it on a timer instead (docs/architecture.md, "Session lifecycle").

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
end
$$;

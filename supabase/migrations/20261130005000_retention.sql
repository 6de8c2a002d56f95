-- Retention (docs/performance.md, "Retention"): with RETENTION_DAYS set, messages, observations
-- and voice transcripts older than the limit are removed on a schedule, while each trace keeps
-- its counters, cost, feedback and tag and is marked `conversation_removed_at`. The app writes
-- the setting into retention_settings at start (configure_retention; null = keep everything);
-- apply_retention() removes one bounded batch per table per call, pg_cron runs it every minute
-- where it runs the maintenance job (20261129003100_maintenance_schedule.sql), the app's
-- maintenance timer otherwise. Where a table is partitioned by pg_partman, whole partitions past
-- the limit are dropped first (private.retention_drop_observation_partitions), the batch removes the rest.
-- The dashboard rollup is built from llm_traces, which retention never deletes: it stays exact.

alter table public.llm_traces add column conversation_removed_at timestamptz;

create table public.retention_settings (
  id boolean primary key default true check (id),
  -- null: keep everything
  retention_days integer check (retention_days between 1 and 36500),
  updated_at timestamptz not null default now()
);
insert into public.retention_settings (id) values (true);
alter table public.retention_settings enable row level security;
revoke all on public.retention_settings from anon, authenticated;
grant all on public.retention_settings to service_role;

-- The batches find old rows through block-range indexes: rows are appended in time order, so a
-- BRIN index of a few pages answers "older than the limit" while costing a turn's inserts next to
-- nothing (a B-tree would add one index insert per message and per step to every turn).
create index conversation_messages_created on public.conversation_messages using brin (created_at);
create index llm_observations_created on public.llm_observations using brin (created_at);
-- Deleting a message or a step runs its foreign keys' actions (its replies, superseded_by set
-- null, the WhatsApp outbox row, a tool step under its generation): without these each deleted
-- row scanned the whole referencing table (conversation_messages_one_reply cannot serve reply_to:
-- it leaves out superseded replies). Partial: only the rows that do reference something.
create index conversation_messages_reply_to on public.conversation_messages (reply_to) where reply_to is not null;
create index conversation_messages_superseded_by on public.conversation_messages (superseded_by) where superseded_by is not null;
create index whatsapp_outbox_message on public.whatsapp_outbox (message_id) where message_id is not null;
create index llm_observations_parent on public.llm_observations (parent_id) where parent_id is not null;

create or replace function public.configure_retention(p_days integer)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_days is not null and (p_days < 1 or p_days > 36500) then
    raise exception using errcode = 'PT400', message = 'bad_request:retention',
      detail = 'Retention days must be between 1 and 36500, or null to keep everything.';
  end if;
  update public.retention_settings r set retention_days = p_days, updated_at = now()
   where r.id and r.retention_days is distinct from p_days;
  return jsonb_build_object('retention_days', p_days);
end
$$;

-- Whole monthly partitions of llm_observations entirely older than p_days, dropped through
-- pg_partman (their traces marked first); 0 where the table is not partitioned or pg_partman does
-- not manage it, which is the case today (docs/performance.md, "Partitioning").
create or replace function private.retention_drop_observation_partitions(p_days integer)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_managed integer;
  v_dropped integer;
begin
  if to_regclass('partman.part_config') is null then
    return 0;
  end if;
  execute 'select count(*)::int from partman.part_config c where c.parent_table = $1' into v_managed using 'public.llm_observations';
  if v_managed = 0 then
    return 0;
  end if;
  update public.llm_traces t set conversation_removed_at = now()
   where t.conversation_removed_at is null
     and t.id in (select o.trace_id from public.llm_observations o where o.created_at < now() - make_interval(days => p_days));
  execute 'select partman.drop_partition_time($1, $2, p_keep_table => false)'
     into v_dropped using 'public.llm_observations', make_interval(days => p_days);
  return coalesce(v_dropped, 0);
end
$$;

-- One bounded batch per table (any old rows, not necessarily the oldest): observations, then messages (a message stays while a reply or a
-- step of its turn is younger than the limit, so nothing younger is touched by a cascade), then
-- voice transcripts whose message is gone or old. `more` says another call has work.
create or replace function public.apply_retention(p_batch integer default 10000)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_days integer;
  v_cutoff timestamptz;
  v_partitions integer := 0;
  v_observations integer := 0;
  v_messages integer := 0;
  v_voice integer := 0;
begin
  if p_batch is null or p_batch < 1 then
    raise exception using errcode = 'PT400', message = 'bad_request:retention', detail = 'The batch size must be at least 1.';
  end if;
  select r.retention_days into v_days from public.retention_settings r where r.id;
  if v_days is null then
    return jsonb_build_object('retention_days', null, 'cutoff', null, 'partitions_dropped', 0,
      'observations_deleted', 0, 'messages_deleted', 0, 'voice_messages_deleted', 0, 'more', false);
  end if;
  v_cutoff := now() - make_interval(days => v_days);

  -- traces whose steps or messages go keep their figures and get the marker
  v_partitions := private.retention_drop_observation_partitions(v_days);

  with old as (
    select o.id, o.created_at from public.llm_observations o
     where o.created_at < v_cutoff limit p_batch
  ), gone as (
    delete from public.llm_observations o using old where o.id = old.id and o.created_at = old.created_at
    returning o.trace_id
  ), marked as (
    update public.llm_traces t set conversation_removed_at = now()
     where t.conversation_removed_at is null and t.id in (select g.trace_id from gone g)
  )
  select count(*)::int into v_observations from gone;

  with old as (
    select m.id from public.conversation_messages m
     where m.created_at < v_cutoff
       and not exists (select 1 from public.conversation_messages r where r.reply_to = m.id and r.created_at >= v_cutoff)
       and not exists (select 1 from public.llm_observations o where o.message_id = m.id and o.created_at >= v_cutoff)
     limit p_batch
  ), gone as (
    delete from public.conversation_messages m using old where m.id = old.id
    returning m.session_id
  ), marked as (
    update public.llm_traces t set conversation_removed_at = now()
     where t.conversation_removed_at is null and t.session_id in (select g.session_id from gone g)
  )
  select count(*)::int into v_messages from gone;

  with old as (
    select v.user_id, v.client_message_id from public.voice_messages v
     where v.created_at < v_cutoff
       and not exists (select 1 from public.conversation_messages m
                        where m.user_id = v.user_id and m.client_message_id = v.client_message_id and m.created_at >= v_cutoff)
     limit p_batch
  ), gone as (
    delete from public.voice_messages v using old
     where v.user_id = old.user_id and v.client_message_id = old.client_message_id
    returning 1
  )
  select count(*)::int into v_voice from gone;

  return jsonb_build_object('retention_days', v_days, 'cutoff', v_cutoff, 'partitions_dropped', v_partitions,
    'observations_deleted', v_observations, 'messages_deleted', v_messages, 'voice_messages_deleted', v_voice,
    'more', v_observations = p_batch or v_messages = p_batch or v_voice = p_batch);
end
$$;

revoke execute on function public.configure_retention(integer), public.apply_retention(integer),
  private.retention_drop_observation_partitions(integer) from public, anon, authenticated;
grant execute on function public.configure_retention(integer), public.apply_retention(integer),
  private.retention_drop_observation_partitions(integer) to service_role;

-- Scheduled like the maintenance job: pg_cron where it runs in this database, the app otherwise.
do $$
begin
  if to_regclass('cron.job') is null then
    return;
  end if;
  if not exists (select 1 from cron.job j where j.jobname = 'threadline-maintenance' and j.database = current_database()) then
    return;
  end if;
  perform cron.schedule('threadline-retention', '* * * * *', 'select public.apply_retention()');
end
$$;

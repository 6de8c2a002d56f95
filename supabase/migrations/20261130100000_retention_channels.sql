-- RETENTION_DAYS also reaches the channels' copies of what visitors said and were told
-- (docs/performance.md, "Retention"). Older than the limit:
-- - a processed WhatsApp inbox row keeps its WhatsApp message id, the exactly-once key (a late
--   re-delivery must still find it and be dropped), but loses the message it carried;
-- - a WhatsApp outbox row goes (sent, or past WhatsApp's 24-hour window to reply anyway);
-- - an OTLP outbox row not delivered yet goes, counted in privacy_settings.otlp_dropped like the
--   rows the outbox cap drops.
-- Unprocessed inbox rows stay: nothing a visitor said is dropped before it was answered.

create index whatsapp_inbox_retention on public.whatsapp_inbox (created_at)
  where processed_at is not null and message <> '{}'::jsonb;
create index whatsapp_outbox_created on public.whatsapp_outbox (created_at);
create index otlp_outbox_created on public.otlp_outbox (created_at);

-- One bounded batch per table; the counts of what it removed.
create function private.retention_channels(p_cutoff timestamptz, p_batch integer) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_inbox integer;
  v_outbox integer;
  v_otlp integer;
begin
  with old as (
    select i.wa_message_id from public.whatsapp_inbox i
     where i.created_at < p_cutoff and i.processed_at is not null and i.message <> '{}'::jsonb
     limit p_batch
  )
  update public.whatsapp_inbox i set message = '{}'::jsonb from old where i.wa_message_id = old.wa_message_id;
  get diagnostics v_inbox = row_count;

  delete from public.whatsapp_outbox o
   where o.id in (select x.id from public.whatsapp_outbox x where x.created_at < p_cutoff limit p_batch for update skip locked);
  get diagnostics v_outbox = row_count;

  delete from public.otlp_outbox o
   where o.id in (select x.id from public.otlp_outbox x where x.created_at < p_cutoff limit p_batch for update skip locked);
  get diagnostics v_otlp = row_count;
  if v_otlp > 0 then
    update public.privacy_settings s set otlp_dropped = s.otlp_dropped + v_otlp where s.id;
  end if;

  return jsonb_build_object('whatsapp_inbox_cleared', v_inbox, 'whatsapp_outbox_deleted', v_outbox, 'otlp_outbox_deleted', v_otlp);
end
$$;

create or replace function public.apply_retention(p_batch integer default 10000) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_days integer;
  v_cutoff timestamptz;
  v_partitions integer := 0;
  v_observations integer := 0;
  v_messages integer := 0;
  v_voice integer := 0;
  v_channels jsonb := jsonb_build_object('whatsapp_inbox_cleared', 0, 'whatsapp_outbox_deleted', 0, 'otlp_outbox_deleted', 0);
begin
  if p_batch is null or p_batch < 1 then
    raise exception using errcode = 'PT400', message = 'bad_request:retention', detail = 'The batch size must be at least 1.';
  end if;
  select r.retention_days into v_days from public.retention_settings r where r.id;
  if v_days is null then
    return jsonb_build_object('retention_days', null, 'cutoff', null, 'partitions_dropped', 0,
      'observations_deleted', 0, 'messages_deleted', 0, 'voice_messages_deleted', 0, 'more', false) || v_channels;
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

  v_channels := private.retention_channels(v_cutoff, p_batch);

  return jsonb_build_object('retention_days', v_days, 'cutoff', v_cutoff, 'partitions_dropped', v_partitions,
    'observations_deleted', v_observations, 'messages_deleted', v_messages, 'voice_messages_deleted', v_voice,
    'more', v_observations = p_batch or v_messages = p_batch or v_voice = p_batch
            or exists (select 1 from jsonb_each(v_channels) c where c.value::int = p_batch)) || v_channels;
end
$$;

revoke execute on function private.retention_channels(timestamptz, integer) from public, anon, authenticated;

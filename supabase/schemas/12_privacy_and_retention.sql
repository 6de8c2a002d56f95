-- Privacy and retention: PII masking, the privacy and retention settings, a visitor's export and
-- erasure (with the erasures log), and the retention job with its bounded batches.
-- docs/privacy.md.

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- One row per erasure, without personal data: the opaque id the traces now carry, and counts.
CREATE TABLE public.erasures (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    opaque_id text NOT NULL,
    requested_by text NOT NULL,
    counts jsonb DEFAULT '{}'::jsonb NOT NULL,
    erased_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT erasures_opaque_id_check CHECK ((opaque_id ~ '^erased_[0-9a-f]{32}$'::text)),
    CONSTRAINT erasures_requested_by_check CHECK ((requested_by = ANY (ARRAY['operator'::text, 'visitor'::text, 'sql'::text])))
);

ALTER TABLE ONLY public.erasures
    ADD CONSTRAINT erasures_opaque_id_key UNIQUE (opaque_id);

ALTER TABLE ONLY public.erasures
    ADD CONSTRAINT erasures_pkey PRIMARY KEY (id);

ALTER TABLE public.erasures ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.erasures TO service_role;

-- One row: what every instance was configured with (the last instance to start wins).
CREATE TABLE public.privacy_settings (
    id boolean DEFAULT true NOT NULL,
    pii_masking text DEFAULT 'off'::text NOT NULL,
    otlp_enabled boolean DEFAULT false NOT NULL,
    otlp_capture_content boolean DEFAULT false NOT NULL,
    otlp_outbox_cap integer DEFAULT 10000 NOT NULL,
    otlp_dropped bigint DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT privacy_settings_id_check CHECK (id),
    CONSTRAINT privacy_settings_otlp_dropped_check CHECK ((otlp_dropped >= 0)),
    CONSTRAINT privacy_settings_otlp_outbox_cap_check CHECK (((otlp_outbox_cap >= 1) AND (otlp_outbox_cap <= 10000000))),
    CONSTRAINT privacy_settings_pii_masking_check CHECK ((pii_masking = ANY (ARRAY['off'::text, 'export'::text, 'all'::text])))
);

ALTER TABLE ONLY public.privacy_settings
    ADD CONSTRAINT privacy_settings_pkey PRIMARY KEY (id);

ALTER TABLE public.privacy_settings ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.privacy_settings TO service_role;

-- One row: how many days traces and conversations are kept (null keeps everything). docs/privacy.md.
CREATE TABLE public.retention_settings (
    id boolean DEFAULT true NOT NULL,
    retention_days integer,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT retention_settings_id_check CHECK (id),
    CONSTRAINT retention_settings_retention_days_check CHECK (((retention_days >= 1) AND (retention_days <= 36500)))
);

ALTER TABLE ONLY public.retention_settings
    ADD CONSTRAINT retention_settings_pkey PRIMARY KEY (id);

ALTER TABLE public.retention_settings ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.retention_settings TO service_role;

-- Erasure covers the channels (docs/privacy.md, "A visitor's data"; docs/channels.md): when
-- erase_visitor hands a visitor's sessions to an opaque id, the same transaction deletes what the
-- WhatsApp inbox and outbox and the voice registrations hold about them (their text and wa_id).
CREATE FUNCTION private.erase_channel_data() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  delete from public.whatsapp_inbox i where i.wa_id = old.user_id;
  delete from public.whatsapp_outbox o where o.wa_id = old.user_id;
  delete from public.voice_messages v where v.user_id = old.user_id;
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.erase_channel_data() FROM PUBLIC;
GRANT ALL ON FUNCTION private.erase_channel_data() TO service_role;

CREATE TRIGGER conversation_sessions_erase_channels AFTER UPDATE OF user_id ON public.conversation_sessions FOR EACH ROW WHEN (((new.user_id ~~ 'erased\_%'::text) AND (old.user_id !~~ 'erased\_%'::text))) EXECUTE FUNCTION private.erase_channel_data();

-- Luhn checksum of a digit string (card-like numbers).
CREATE FUNCTION private.luhn_ok(p_digits text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path TO ''
    AS $_$
declare
  v_sum integer := 0;
  v_digit integer;
  v_double boolean := false;
begin
  if p_digits !~ '^[0-9]+$' then
    return false;
  end if;
  for i in reverse length(p_digits)..1 loop
    v_digit := substr(p_digits, i, 1)::integer;
    if v_double then
      v_digit := v_digit * 2;
      if v_digit > 9 then
        v_digit := v_digit - 9;
      end if;
    end if;
    v_sum := v_sum + v_digit;
    v_double := not v_double;
  end loop;
  return v_sum % 10 = 0;
end
$_$;

REVOKE ALL ON FUNCTION private.luhn_ok(p_digits text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.luhn_ok(p_digits text) TO service_role;

-- Masks emails, card-like numbers (13–19 digits passing Luhn), street addresses
-- and phone numbers (7–15 digits) as [email], [card], [address], [phone].
CREATE FUNCTION private.mask_pii(p_text text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
declare
  v text := p_text;
  v_match text[];
  v_digits text;
  v_part text;
  v_word text;
begin
  if v is null or v = '' then
    return v;
  end if;
  v := regexp_replace(v, '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}', '[email]', 'g');
  for v_match in select regexp_matches(v, '\d(?:[ -]?\d){12,18}', 'g') loop
    v_digits := regexp_replace(v_match[1], '\D', '', 'g');
    if length(v_digits) between 13 and 19 and private.luhn_ok(v_digits) then
      v := replace(v, v_match[1], '[card]');
    end if;
  end loop;
  v := regexp_replace(v,
    '\m\d{1,5}[A-Za-z]?\s+(?:[A-Z][A-Za-z''.-]*\s+){1,4}'
    || '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy'
    || '|Highway|Hwy|Square|Sq|street|avenue|boulevard)\M\.?',
    '[address]', 'g');
  for v_match in select regexp_matches(v, '(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d[\d .-]{5,}\d', 'g') loop
    if private.phone_like(v_match[1]) then
      v := replace(v, v_match[1], '[phone]');
    elsif length(regexp_replace(v_match[1], '\D', '', 'g')) > 15 then
      -- several numbers in a row: split before each "+" or "(", then at spaces
      for v_part in select regexp_split_to_table(v_match[1], '\s+(?=[+(])') loop
        if private.phone_like(v_part) then
          v := replace(v, v_part, '[phone]');
        else
          for v_word in select regexp_split_to_table(v_part, '\s+') loop
            if private.phone_like(v_word) then
              v := replace(v, v_word, '[phone]');
            end if;
          end loop;
        end if;
      end loop;
    end if;
  end loop;
  return v;
end
$$;

REVOKE ALL ON FUNCTION private.mask_pii(p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.mask_pii(p_text text) TO service_role;

-- The same for every string inside a jsonb value (keys and non-strings are kept).
CREATE FUNCTION private.mask_pii_jsonb(p_value jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  case jsonb_typeof(p_value)
    when 'string' then
      return to_jsonb(private.mask_pii(p_value #>> '{}'));
    when 'array' then
      return coalesce((select jsonb_agg(private.mask_pii_jsonb(e.value) order by e.n)
                         from jsonb_array_elements(p_value) with ordinality as e (value, n)), '[]'::jsonb);
    when 'object' then
      return coalesce((select jsonb_object_agg(e.key, private.mask_pii_jsonb(e.value))
                         from jsonb_each(p_value) as e (key, value)), '{}'::jsonb);
    else
      return p_value;
  end case;
end
$$;

REVOKE ALL ON FUNCTION private.mask_pii_jsonb(p_value jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.mask_pii_jsonb(p_value jsonb) TO service_role;

-- With PII_MASKING=all, message text is stored masked (the order flow keeps the
-- contact details it needs in its own flow state, which is not message text).
CREATE FUNCTION private.mask_stored_message() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if exists (select 1 from public.privacy_settings s where s.id and s.pii_masking = 'all') then
    new.content := private.mask_pii(new.content);
  end if;
  return new;
end
$$;

REVOKE ALL ON FUNCTION private.mask_stored_message() FROM PUBLIC;
GRANT ALL ON FUNCTION private.mask_stored_message() TO service_role;

CREATE TRIGGER conversation_messages_mask_pii BEFORE INSERT OR UPDATE OF content ON public.conversation_messages FOR EACH ROW EXECUTE FUNCTION private.mask_stored_message();

-- What every output calls on message text (CSV export, operator API, OTLP, visitor export).
CREATE FUNCTION private.masked(p_text text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select case when private.masking_outputs() then private.mask_pii(p_text) else p_text end
$$;

REVOKE ALL ON FUNCTION private.masked(p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.masked(p_text text) TO service_role;

-- A jsonb value as it may leave the database: masked when masking_outputs().
CREATE FUNCTION private.masked_jsonb(p_value jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select case when private.masking_outputs() then private.mask_pii_jsonb(p_value) else p_value end
$$;

REVOKE ALL ON FUNCTION private.masked_jsonb(p_value jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION private.masked_jsonb(p_value jsonb) TO service_role;

-- Whether text leaving the database is masked now (PII_MASKING is export or all).
CREATE FUNCTION private.masking_outputs() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce((select s.pii_masking <> 'off' from public.privacy_settings s where s.id), false)
$$;

REVOKE ALL ON FUNCTION private.masking_outputs() FROM PUBLIC;
GRANT ALL ON FUNCTION private.masking_outputs() TO service_role;

-- Whether a run of digits and separators reads as one phone number (7–15 digits, not a date or decimal).
CREATE FUNCTION private.phone_like(p_run text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path TO ''
    AS $_$
  select length(regexp_replace(p_run, '\D', '', 'g')) between 7 and 15
     and p_run !~ '^\d{4}-\d{2}-\d{2}$'
     and p_run !~ '^\d+\.\d+$'
$_$;

REVOKE ALL ON FUNCTION private.phone_like(p_run text) FROM PUBLIC;
GRANT ALL ON FUNCTION private.phone_like(p_run text) TO service_role;

-- One bounded batch per table; the counts of what it removed.
CREATE FUNCTION private.retention_channels(p_cutoff timestamp with time zone, p_batch integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

REVOKE ALL ON FUNCTION private.retention_channels(p_cutoff timestamp with time zone, p_batch integer) FROM PUBLIC;

-- Whole monthly partitions of llm_observations entirely older than p_days, dropped through
-- pg_partman (their traces marked first); 0 where the table is not partitioned or pg_partman does
-- not manage it, which is the case today (docs/performance.md, "Partitioning").
CREATE FUNCTION private.retention_drop_observation_partitions(p_days integer) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
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
$_$;

REVOKE ALL ON FUNCTION private.retention_drop_observation_partitions(p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.retention_drop_observation_partitions(p_days integer) TO service_role;

-- One bounded batch per table (any old rows, not necessarily the oldest): observations, then messages (a message stays while a reply or a
-- step of its turn is younger than the limit, so nothing younger is touched by a cascade), then
-- voice transcripts whose message is gone or old. `more` says another call has work.
CREATE FUNCTION public.apply_retention(p_batch integer DEFAULT 10000) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

REVOKE ALL ON FUNCTION public.apply_retention(p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.apply_retention(p_batch integer) TO service_role;

-- The app writes its configuration here at startup (lib/privacy/settings.ts).
CREATE FUNCTION public.configure_privacy(p_pii_masking text DEFAULT 'off'::text, p_otlp_enabled boolean DEFAULT false, p_capture_content boolean DEFAULT false, p_outbox_cap integer DEFAULT 10000) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v public.privacy_settings;
begin
  if p_pii_masking is null or p_pii_masking not in ('off', 'export', 'all') then
    raise exception using errcode = 'PT400', message = 'bad_request:privacy',
      detail = 'PII_MASKING must be off, export or all.';
  end if;
  update public.privacy_settings s
     set pii_masking = p_pii_masking,
         otlp_enabled = coalesce(p_otlp_enabled, false),
         otlp_capture_content = coalesce(p_capture_content, false),
         otlp_outbox_cap = greatest(1, coalesce(p_outbox_cap, 10000)),
         updated_at = now()
   where s.id
  returning * into v;
  return jsonb_build_object('pii_masking', v.pii_masking, 'otlp_enabled', v.otlp_enabled,
                            'otlp_capture_content', v.otlp_capture_content, 'otlp_outbox_cap', v.otlp_outbox_cap);
end
$$;

REVOKE ALL ON FUNCTION public.configure_privacy(p_pii_masking text, p_otlp_enabled boolean, p_capture_content boolean, p_outbox_cap integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.configure_privacy(p_pii_masking text, p_otlp_enabled boolean, p_capture_content boolean, p_outbox_cap integer) TO service_role;

-- Sets the retention in days (1..36500, or null to keep everything).
CREATE FUNCTION public.configure_retention(p_days integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

REVOKE ALL ON FUNCTION public.configure_retention(p_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.configure_retention(p_days integer) TO service_role;

-- Erases a visitor: their messages, flow state (contact details and orders), tool
-- arguments and results, request ids and pending exports are deleted; sessions,
-- traces, observations and tag counters are re-keyed to an opaque id, keeping only
-- anonymous counters and tags. Returns what was erased.
CREATE FUNCTION public.erase_visitor(p_user_id text, p_requested_by text DEFAULT 'sql'::text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_opaque text := 'erased_' || replace(gen_random_uuid()::text, '-', '');
  v_session uuid;
  v_sessions integer;
  v_messages integer;
  v_traces integer;
  v_observations integer;
  v_flows integer;
  v_events integer;
  v_outbox integer;
  v_counts jsonb;
begin
  if p_requested_by is null or p_requested_by not in ('operator', 'visitor', 'sql') then
    raise exception using errcode = 'PT400', message = 'bad_request:visitor', detail = 'requested_by must be operator, visitor or sql.';
  end if;
  if p_user_id is null or p_user_id like 'erased\_%' then
    raise exception using errcode = 'PT404', message = 'not_found:visitor', detail = 'Nothing is stored about this visitor.';
  end if;
  -- the visitor's turns wait (or run first): nothing is written for them half-way through
  perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || p_user_id, 0));

  -- an erased visitor has no active session
  for v_session in
    select s.id from public.conversation_sessions s where s.user_id = p_user_id and s.is_active
  loop
    perform public.close_session(v_session, 'user', 'ended', null);
  end loop;

  delete from public.flow_states f
   using public.conversation_sessions s
   where f.session_id = s.id and s.user_id = p_user_id;
  get diagnostics v_flows = row_count;

  delete from public.conversation_messages m where m.user_id = p_user_id;
  get diagnostics v_messages = row_count;

  delete from public.otlp_outbox o where o.user_id = p_user_id;
  get diagnostics v_outbox = row_count;

  delete from public.rate_limit_buckets b where b.bucket = 'chat:' || p_user_id;

  update public.llm_observations o
     set user_id = v_opaque, arguments = null, result = null, error = null
   where o.user_id = p_user_id;
  get diagnostics v_observations = row_count;

  update public.session_events e
     set user_id = v_opaque, request_id = null,
         detail = coalesce((select jsonb_object_agg(d.key, d.value) from jsonb_each(e.detail) d
                             where d.key in ('from_agent', 'to_agent', 'via')), '{}'::jsonb)
   where e.user_id = p_user_id;
  get diagnostics v_events = row_count;

  update public.llm_traces t
     set user_id = v_opaque, feedback_comment = null, last_error = null, updated_at = now()
   where t.user_id = p_user_id;
  get diagnostics v_traces = row_count;

  update public.conversation_sessions s
     set user_id = v_opaque, metadata = '{}'::jsonb
   where s.user_id = p_user_id;
  get diagnostics v_sessions = row_count;

  update public.session_tag_counters c set user_id = v_opaque where c.user_id = p_user_id;

  v_counts := jsonb_build_object('sessions', v_sessions, 'messages', v_messages, 'traces', v_traces,
                                 'observations', v_observations, 'flow_states', v_flows, 'events', v_events,
                                 'pending_exports', v_outbox);
  if v_sessions = 0 and v_messages = 0 and v_observations = 0 then
    return jsonb_build_object('found', false, 'opaque_id', null, 'counts', v_counts);
  end if;
  insert into public.erasures (opaque_id, requested_by, counts) values (v_opaque, p_requested_by, v_counts);
  return jsonb_build_object('found', true, 'opaque_id', v_opaque, 'counts', v_counts);
end
$$;

REVOKE ALL ON FUNCTION public.erase_visitor(p_user_id text, p_requested_by text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.erase_visitor(p_user_id text, p_requested_by text) TO service_role;

-- Everything stored about one visitor. p_mask: null follows PII_MASKING (masked unless off),
-- true or false decides (an operator entitled to the raw data passes false).
CREATE FUNCTION public.export_visitor(p_user_id text, p_mask boolean DEFAULT NULL::boolean) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_mask boolean := coalesce(p_mask, private.masking_outputs());
begin
  if p_user_id is null or not exists (select 1 from public.conversation_sessions s where s.user_id = p_user_id) then
    raise exception using errcode = 'PT404', message = 'not_found:visitor', detail = 'Nothing is stored about this visitor.';
  end if;
  return jsonb_build_object(
    'user_id', p_user_id,
    'exported_at', now(),
    'masked', v_mask,
    'sessions', coalesce((
      select jsonb_agg(to_jsonb(s) || jsonb_build_object(
               'metadata', case when v_mask then private.mask_pii_jsonb(s.metadata) else s.metadata end)
             order by s.started_at, s.id)
        from public.conversation_sessions s where s.user_id = p_user_id), '[]'::jsonb),
    'messages', coalesce((
      select jsonb_agg(to_jsonb(m) || jsonb_build_object(
               'content', case when v_mask then private.mask_pii(m.content) else m.content end,
               'metadata', case when v_mask then private.mask_pii_jsonb(m.metadata) else m.metadata end)
             order by m.seq)
        from public.conversation_messages m where m.user_id = p_user_id), '[]'::jsonb),
    'traces', coalesce((
      select jsonb_agg(to_jsonb(t) || jsonb_build_object(
               'feedback_comment', case when v_mask then private.mask_pii(t.feedback_comment) else t.feedback_comment end,
               'last_error', case when v_mask then private.mask_pii(t.last_error) else t.last_error end)
             order by t.created_at, t.id)
        from public.llm_traces t where t.user_id = p_user_id), '[]'::jsonb),
    'feedback', coalesce((
      select jsonb_agg(jsonb_build_object(
               'trace_id', t.id, 'session_id', t.session_id, 'rating', t.feedback,
               'comment', case when v_mask then private.mask_pii(t.feedback_comment) else t.feedback_comment end,
               'votes_up', t.votes_up, 'votes_down', t.votes_down)
             order by t.created_at, t.id)
        from public.llm_traces t
       where t.user_id = p_user_id and (t.feedback <> 'pending' or t.votes_up > 0 or t.votes_down > 0)), '[]'::jsonb),
    'observations', coalesce((
      select jsonb_agg(to_jsonb(o) || jsonb_build_object(
               'arguments', case when v_mask then private.mask_pii_jsonb(o.arguments) else o.arguments end,
               'result', case when v_mask then private.mask_pii_jsonb(o.result) else o.result end,
               'error', case when v_mask then private.mask_pii(o.error) else o.error end)
             order by o.started_at, o.position, o.id)
        from public.llm_observations o where o.user_id = p_user_id), '[]'::jsonb),
    'flow_states', coalesce((
      select jsonb_agg(jsonb_build_object(
               'session_id', f.session_id, 'flow', f.flow, 'updated_at', f.updated_at,
               'state', case when v_mask then private.mask_pii_jsonb(f.state) else f.state end)
             order by f.updated_at, f.flow)
        from public.flow_states f join public.conversation_sessions s on s.id = f.session_id
       where s.user_id = p_user_id), '[]'::jsonb),
    -- bulk orders live in the order flow's state
    'orders', coalesce((
      select jsonb_agg(jsonb_build_object(
               'session_id', f.session_id, 'updated_at', f.updated_at,
               'order', case when v_mask then private.mask_pii_jsonb(f.state) else f.state end)
             order by f.updated_at)
        from public.flow_states f join public.conversation_sessions s on s.id = f.session_id
       where s.user_id = p_user_id and f.flow = 'bulk_order'), '[]'::jsonb),
    'events', coalesce((
      select jsonb_agg(to_jsonb(e) order by e.id)
        from public.session_events e where e.user_id = p_user_id), '[]'::jsonb)
  );
end
$$;

REVOKE ALL ON FUNCTION public.export_visitor(p_user_id text, p_mask boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.export_visitor(p_user_id text, p_mask boolean) TO service_role;

-- Masks one text as configured, for the SQL editor and for the app's own outputs.
CREATE FUNCTION public.mask_pii(p_text text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select private.mask_pii(p_text)
$$;

REVOKE ALL ON FUNCTION public.mask_pii(p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.mask_pii(p_text text) TO service_role;

-- The settings rows the released migrations wrote (one row each), identical to the baseline's inserts.
insert into public.privacy_settings (id, pii_masking, otlp_enabled, otlp_capture_content, otlp_outbox_cap, otlp_dropped, updated_at) values
  (true, 'off', false, false, 10000, 0, now());
insert into public.retention_settings (id, retention_days, updated_at) values
  (true, NULL, now());

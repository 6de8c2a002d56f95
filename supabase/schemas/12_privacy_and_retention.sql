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

-- Web visitor ids retired by an erasure ("Delete my chat history"): begin_turn and voice_allowance
-- refuse them, so a copy of the old signed cookie starts a new visitor and reads nothing back.
-- Only a digest of the id is kept (private.visitor_digest): the id itself is in no column afterwards.
CREATE TABLE public.retired_visitors (
    id_digest bytea NOT NULL,
    CONSTRAINT retired_visitors_pkey PRIMARY KEY (id_digest)
);

ALTER TABLE public.retired_visitors ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.retired_visitors TO service_role;

-- The digest retired_visitors keeps for a visitor id. plpgsql: a `language sql` function with
-- `set search_path` is never inlined and plans its body again on every call (every turn asks).
create function private.visitor_digest(p_user_id text) returns bytea
  language plpgsql immutable
  set search_path = ''
as $$
begin
  return sha256(convert_to('threadline:retired-visitor:' || p_user_id, 'UTF8'));
end
$$;
revoke all on function private.visitor_digest(text) from public, anon, authenticated;
grant execute on function private.visitor_digest(text) to service_role;

-- Whether an erasure retired this visitor id (begin_turn's gate and voice_allowance ask, under the visitor's lock).
-- plpgsql, so its plan is kept for the connection (docs/performance.md, "Chat turns").
create function private.visitor_retired(p_user_id text) returns boolean
  language plpgsql stable
  set search_path = ''
as $$
begin
  return exists (select 1 from public.retired_visitors r where r.id_digest = private.visitor_digest(p_user_id));
end
$$;
revoke all on function private.visitor_retired(text) from public, anon, authenticated;
grant execute on function private.visitor_retired(text) to service_role;

-- An erasure retires a web visitor's cookie id (a uuid, lib/http/visitor-cookie.ts); a WhatsApp
-- sender's keyed-hash id stays usable: their number writing again is a new conversation.
create function private.retire_visitor(p_user_id text) returns void
  language sql
  set search_path = ''
as $$
  insert into public.retired_visitors (id_digest)
  select private.visitor_digest(p_user_id) where p_user_id ~ '^[0-9a-f-]{36}$'
  on conflict (id_digest) do nothing
$$;
revoke all on function private.retire_visitor(text) from public, anon, authenticated;
grant execute on function private.retire_visitor(text) to service_role;

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

-- full-width digits and signs (a phone typed on a CJK keyboard) and odd spaces become ASCII
-- mask_pii's first step: full-width digits, @ . - + ( ) and unusual spaces as ASCII.
create function private.pii_normalized(p_text text) returns text
  language sql immutable strict
  set search_path = ''
as $$
  select regexp_replace(
           translate(p_text, '０１２３４５６７８９＠．－＋（）　', '0123456789@.-+() '),
           '[\u00a0\u2000-\u200b\u202f\u205f]', ' ', 'g')
$$;
revoke all on function private.pii_normalized(p_text text) from public;
grant execute on function private.pii_normalized(p_text text) to service_role;

-- one class of match, each replaced only where its own check says so (replace() would also hit the
-- same digits inside an id elsewhere in the text): the text is split at the matches and rebuilt
-- Replaces each match of p_pattern that private.mask_run accepts as p_kind, in place.
create function private.mask_matches(p_text text, p_pattern text, p_kind text) returns text
  language plpgsql immutable strict
  set search_path = ''
as $$
declare
  v_parts text[] := regexp_split_to_array(p_text, p_pattern);
  v_out text := v_parts[1];
  v_i integer := 1;
  v_match text;
begin
  if array_length(v_parts, 1) = 1 then
    return p_text;
  end if;
  for v_match in select m[1] from regexp_matches(p_text, '(' || p_pattern || ')', 'g') m loop
    v_i := v_i + 1;
    v_out := v_out || private.mask_run(v_match, p_kind) || coalesce(v_parts[v_i], '');
  end loop;
  return v_out;
end
$$;
revoke all on function private.mask_matches(p_text text, p_pattern text, p_kind text) from public;
grant execute on function private.mask_matches(p_text text, p_pattern text, p_kind text) to service_role;

-- ISO 13616: the IBAN's mod-97 check.
create function private.iban_ok(p_iban text) returns boolean
  language plpgsql immutable strict
  set search_path = ''
as $$
declare
  v text := upper(regexp_replace(p_iban, '\s', '', 'g'));
  v_digits text := '';
  v_rest integer := 0;
  v_c text;
begin
  if v !~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$' then
    return false;
  end if;
  v := substr(v, 5) || substr(v, 1, 4);
  foreach v_c in array regexp_split_to_array(v, '') loop
    v_digits := v_digits || case when v_c ~ '[0-9]' then v_c else (ascii(v_c) - 55)::text end;
  end loop;
  foreach v_c in array regexp_split_to_array(v_digits, '') loop
    v_rest := (v_rest * 10 + v_c::integer) % 97;
  end loop;
  return v_rest = 1;
end
$$;
revoke all on function private.iban_ok(p_iban text) from public;
grant execute on function private.iban_ok(p_iban text) to service_role;

-- One matched run of digits: [card] when Luhn-valid, [iban] when mod-97-valid, [phone] when phone-like
-- (a run of several phones split first).
create function private.mask_run(p_run text, p_kind text) returns text
  language plpgsql immutable strict
  set search_path = ''
as $$
declare
  v_digits text := regexp_replace(p_run, '\D', '', 'g');
  v_out text := p_run;
  v_part text;
begin
  if p_kind = 'card' then
    return case when length(v_digits) between 13 and 19 and private.luhn_ok(v_digits) then '[card]' else p_run end;
  elsif p_kind = 'iban' then
    return case when private.iban_ok(p_run) then '[iban]' else p_run end;
  elsif private.phone_like(p_run) then
    return '[phone]';
  elsif length(v_digits) <= 15 then
    return p_run;
  end if;
  -- several numbers in a row: split before each "+" or "(", then at spaces
  foreach v_part in array regexp_split_to_array(p_run, '\s+(?=[+(])') loop
    if private.phone_like(v_part) then
      v_out := replace(v_out, v_part, '[phone]');
    else
      v_out := replace(v_out, v_part, (select string_agg(case when private.phone_like(w) then '[phone]' else w end, ' ')
                                          from regexp_split_to_table(v_part, '\s+') w));
    end if;
  end loop;
  return v_out;
end
$$;
revoke all on function private.mask_run(p_run text, p_kind text) from public;
grant execute on function private.mask_run(p_run text, p_kind text) to service_role;

-- E-mail addresses (also IDN, IP literals, and written out with at/dot) as [email].
create function private.mask_emails(p_text text) returns text
  language sql immutable strict
  set search_path = ''
as $_$
  select regexp_replace(regexp_replace(p_text,
    -- an address, also with non-ASCII letters (IDN) or an IP literal as its domain
    '[^\s@<>()\[\],;:"'']+@(?:\[[0-9A-Fa-f.:]+\]|(?:[^\s@<>()\[\],;:"''.!?]+\.)+[^\s@<>()\[\],;:"''.!?0-9]{2,})',
    '[email]', 'g'),
    -- written out to dodge filters: "name at example dot com", "name (at) example [dot] org"
    '\m[A-Za-z0-9._%+-]+\s*(?:\(at\)|\[at\]|\s[Aa][Tt]\s)\s*[A-Za-z0-9-]+'
    || '(?:\s*(?:\(dot\)|\[dot\]|\s[Dd][Oo][Tt]\s|\.)\s*[A-Za-z0-9-]+)*'
    || '\s*(?:\(dot\)|\[dot\]|\s[Dd][Oo][Tt]\s)\s*'
    || '(?:com|org|net|edu|gov|info|biz|io|co|me|app|dev|eu|uk|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|ie|us|ca|au|nz|jp|in|br|mx)\M',
    '[email]', 'g')
$_$;
revoke all on function private.mask_emails(p_text text) from public;
grant execute on function private.mask_emails(p_text text) to service_role;

-- Street addresses (English, German and Dutch, Romance languages) and PO boxes as [address]; a
-- postcode and town after one go too.
create function private.mask_addresses(p_text text) returns text
  language sql immutable strict
  set search_path = ''
as $_$
  select regexp_replace(regexp_replace(regexp_replace(regexp_replace(p_text,
    -- English: a house number, capitalised words, a street type
    '\m\d{1,5}[A-Za-z]?\s+(?:[A-Z][A-Za-z''.-]*\s+){1,4}'
    || '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy'
    || '|Highway|Hwy|Square|Sq|street|avenue|boulevard)\M\.?',
    '[address]', 'g'),
    -- German/Dutch/Scandinavian: the street type ends the name, the number follows ("Hauptstraße 5")
    '(?:\m[A-ZÄÖÜ][A-Za-zÄÖÜäöüß-]*\s+)?\m[A-ZÄÖÜ]?[A-Za-zÄÖÜäöüß-]*(?:straße|strasse|Straße|Strasse|str\.|weg|Weg|platz|Platz'
    || '|allee|Allee|gasse|Gasse|damm|straat|laan|gracht|gatan|vägen|gade|vej)\s+\d{1,4}[a-z]?\M',
    '[address]', 'g'),
    -- French, Spanish, Italian, Portuguese: the street type comes first ("12 rue de Rivoli", "Via Roma 10")
    '(?:\m\d{1,4}(?:\s?(?:bis|ter))?,?\s+)?\m(?:[Rr]ue|[Aa]venue|[Bb]oulevard|[Bb]d|[Pp]lace|[Cc]hemin|[Aa]llée|[Ii]mpasse|[Qq]uai'
    || '|[Cc]alle|[Aa]venida|[Pp]laza|[Pp]aseo|[Vv]ia|[Vv]iale|[Pp]iazza|[Cc]orso|[Rr]ua)\s+(?:(?:de|du|des|la|le|del|della|di|da|do)\s+|[dl]'')*'
    || '[A-ZÀ-Ý][A-Za-zÀ-ÿ''-]*(?:\s+[A-ZÀ-Ý][A-Za-zÀ-ÿ''-]*){0,3}(?:,?\s+\d{1,4}\M)?',
    '[address]', 'g'),
    -- PO boxes
    '\m(?:P\.?\s?O\.?\s?Box|Post\s+Office\s+Box|Postfach|Bo[iî]te\s+postale|BP|Apartado(?:\s+de\s+correos)?|Casella\s+postale)\s*\d{1,8}\M',
    '[address]', 'gi')
$_$;
revoke all on function private.mask_addresses(p_text text) from public;
grant execute on function private.mask_addresses(p_text text) to service_role;

-- PII as [email], [iban], [card], [address], [phone] after normalising full-width digits; digits
-- inside ids (uuids, order numbers) stay (docs/privacy.md, "PII masking").
create function private.mask_pii(p_text text) returns text
  language plpgsql immutable
  set search_path = ''
as $_$
declare
  v text;
begin
  if p_text is null or p_text = '' then
    return p_text;
  end if;
  v := private.mask_emails(private.pii_normalized(p_text));
  -- ids keep their digits: no match starts right after, or ends right before, a letter, digit or dash
  v := private.mask_matches(v, '(?<![\w-])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![\w-])', 'iban');
  v := private.mask_matches(v, '(?<![\w.-])\d(?:[ .-]?\d){12,18}(?![\w-]|\.\d)', 'card');
  v := private.mask_addresses(v);
  -- a postcode and town right after an address belong to it ("[address], 10115 Berlin")
  v := regexp_replace(v, '\[address\],?\s+(?:[A-Z]{1,2}-)?\d{4,5}\s+[A-ZÄÖÜÀ-Ý][A-Za-zÄÖÜäöüßÀ-ÿ-]*', '[address]', 'g');
  return private.mask_matches(v, '(?<![\w.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d[\d .-]{5,}\d(?![\w-]|\.\d)', 'phone');
end
$_$;
revoke all on function private.mask_pii(p_text text) from public;
grant execute on function private.mask_pii(p_text text) to service_role;

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

-- PII_MASKING is all: stored text is masked too.
create function private.masking_all() returns boolean
  language sql stable
  set search_path = ''
as $$
  select exists (select 1 from public.privacy_settings s where s.id and s.pii_masking = 'all')
$$;
revoke all on function private.masking_all() from public;
grant execute on function private.masking_all() to service_role;

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
-- apply_retention (security invoker) calls it as service_role on Supabase: granted by 20261207120000_holes_db
GRANT ALL ON FUNCTION private.retention_channels(p_cutoff timestamp with time zone, p_batch integer) TO service_role;

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

-- One bounded batch of retention: observations older than p_cutoff; their traces keep their figures
-- and get the marker. Returns how many went.
CREATE FUNCTION private.retention_delete_observations(p_cutoff timestamp with time zone, p_batch integer) RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  with old as (
    select o.id, o.created_at from public.llm_observations o
     where o.created_at < p_cutoff limit p_batch
  ), gone as (
    delete from public.llm_observations o using old where o.id = old.id and o.created_at = old.created_at
    returning o.trace_id
  ), marked as (
    update public.llm_traces t set conversation_removed_at = now()
     where t.conversation_removed_at is null and t.id in (select g.trace_id from gone g)
  )
  select count(*)::int from gone
$$;

REVOKE ALL ON FUNCTION private.retention_delete_observations(p_cutoff timestamp with time zone, p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.retention_delete_observations(p_cutoff timestamp with time zone, p_batch integer) TO service_role;

-- One bounded batch of retention: messages older than p_cutoff, but not one with a reply or a step
-- of its turn younger than that (so nothing younger goes by a cascade); their sessions' traces get
-- the marker. Returns how many went.
CREATE FUNCTION private.retention_delete_messages(p_cutoff timestamp with time zone, p_batch integer) RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  with old as (
    select m.id from public.conversation_messages m
     where m.created_at < p_cutoff
       and not exists (select 1 from public.conversation_messages r where r.reply_to = m.id and r.created_at >= p_cutoff)
       and not exists (select 1 from public.llm_observations o where o.message_id = m.id and o.created_at >= p_cutoff)
     limit p_batch
  ), gone as (
    delete from public.conversation_messages m using old where m.id = old.id
    returning m.session_id
  ), marked as (
    update public.llm_traces t set conversation_removed_at = now()
     where t.conversation_removed_at is null and t.session_id in (select g.session_id from gone g)
  )
  select count(*)::int from gone
$$;

REVOKE ALL ON FUNCTION private.retention_delete_messages(p_cutoff timestamp with time zone, p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.retention_delete_messages(p_cutoff timestamp with time zone, p_batch integer) TO service_role;

-- One bounded batch of retention: voice transcripts older than p_cutoff whose message is gone or as
-- old. Returns how many went.
CREATE FUNCTION private.retention_delete_voice_messages(p_cutoff timestamp with time zone, p_batch integer) RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  with old as (
    select v.user_id, v.client_message_id from public.voice_messages v
     where v.created_at < p_cutoff
       and not exists (select 1 from public.conversation_messages m
                        where m.user_id = v.user_id and m.client_message_id = v.client_message_id and m.created_at >= p_cutoff)
     limit p_batch
  ), gone as (
    delete from public.voice_messages v using old
     where v.user_id = old.user_id and v.client_message_id = old.client_message_id
    returning 1
  )
  select count(*)::int from gone
$$;

REVOKE ALL ON FUNCTION private.retention_delete_voice_messages(p_cutoff timestamp with time zone, p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.retention_delete_voice_messages(p_cutoff timestamp with time zone, p_batch integer) TO service_role;

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
  v_items integer := 0;
  v_channels jsonb := jsonb_build_object('whatsapp_inbox_cleared', 0, 'whatsapp_outbox_deleted', 0, 'otlp_outbox_deleted', 0);
begin
  if p_batch is null or p_batch < 1 then
    raise exception using errcode = 'PT400', message = 'bad_request:retention', detail = 'The batch size must be at least 1.';
  end if;
  select r.retention_days into v_days from public.retention_settings r where r.id;
  if v_days is null then
    return jsonb_build_object('retention_days', null, 'cutoff', null, 'partitions_dropped', 0,
      'observations_deleted', 0, 'messages_deleted', 0, 'voice_messages_deleted', 0, 'dataset_items_deleted', 0, 'more', false) || v_channels;
  end if;
  v_cutoff := now() - make_interval(days => v_days);

  -- traces whose steps or messages go keep their figures and get the marker
  v_partitions := private.retention_drop_observation_partitions(v_days);
  v_observations := private.retention_delete_observations(v_cutoff, p_batch);
  v_messages := private.retention_delete_messages(v_cutoff, p_batch);
  v_voice := private.retention_delete_voice_messages(v_cutoff, p_batch);
  -- dataset items made from those conversations (17_datasets_and_experiments.sql)
  v_items := private.retention_delete_dataset_items(p_batch);
  v_channels := private.retention_channels(v_cutoff, p_batch);

  return jsonb_build_object('retention_days', v_days, 'cutoff', v_cutoff, 'partitions_dropped', v_partitions,
    'observations_deleted', v_observations, 'messages_deleted', v_messages, 'voice_messages_deleted', v_voice,
    'dataset_items_deleted', v_items,
    'more', v_observations = p_batch or v_messages = p_batch or v_voice = p_batch or v_items = p_batch
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

-- erase_visitor's voice registrations and WhatsApp contact, inbox and outbox rows.
create function private.erase_channels(p_user_id text) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_wa text := (select c.wa_id from public.whatsapp_contacts c where c.user_id = p_user_id);
  v_voice integer;
  v_inbox integer := 0;
  v_outbox integer := 0;
begin
  -- their recordings' files are queued in audio_deletions by the delete's own trigger
  delete from public.voice_messages v where v.user_id = p_user_id;
  get diagnostics v_voice = row_count;
  if v_wa is not null then
    -- pending messages go too: an erased sender is not answered
    delete from public.whatsapp_inbox i where i.wa_id = v_wa;
    get diagnostics v_inbox = row_count;
    delete from public.whatsapp_outbox o where o.wa_id = v_wa;
    get diagnostics v_outbox = row_count;
    delete from public.whatsapp_contacts c where c.user_id = p_user_id;
  end if;
  return jsonb_build_object('voice_messages', v_voice, 'whatsapp_inbox', v_inbox, 'whatsapp_outbox', v_outbox,
                            'whatsapp_contacts', (v_wa is not null)::integer);
end
$$;
revoke all on function private.erase_channels(p_user_id text) from public;
grant execute on function private.erase_channels(p_user_id text) to service_role;

-- erase_visitor's conversations: messages, flow states, pending exports and rate-limit bucket deleted;
-- observations, events, traces, sessions and tag counters re-keyed to the opaque id with their
-- personal fields cleared.
create function private.erase_conversations(p_user_id text, p_opaque text) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_counts integer[];
  v_n integer;
begin
  delete from public.flow_states f using public.conversation_sessions s where f.session_id = s.id and s.user_id = p_user_id;
  get diagnostics v_n = row_count; v_counts := v_counts || v_n;
  delete from public.conversation_messages m where m.user_id = p_user_id;
  get diagnostics v_n = row_count; v_counts := v_counts || v_n;
  delete from public.otlp_outbox o where o.user_id = p_user_id;
  get diagnostics v_n = row_count; v_counts := v_counts || v_n;
  -- the visitor's own rate-limit windows (chat, voice, score writes): their id is in the bucket name
  delete from public.rate_limit_buckets b where b.bucket in ('chat:' || p_user_id, 'voice:' || p_user_id, 'score:' || p_user_id);
  update public.llm_observations o set user_id = p_opaque, arguments = null, result = null, error = null
   where o.user_id = p_user_id;
  get diagnostics v_n = row_count; v_counts := v_counts || v_n;
  update public.session_events e
     set user_id = p_opaque, request_id = null,
         detail = coalesce((select jsonb_object_agg(d.key, d.value) from jsonb_each(e.detail) d
                             where d.key in ('from_agent', 'to_agent', 'via')), '{}'::jsonb)
   where e.user_id = p_user_id;
  get diagnostics v_n = row_count; v_counts := v_counts || v_n;
  update public.llm_traces t set user_id = p_opaque, feedback_comment = null, last_error = null, updated_at = now()
   where t.user_id = p_user_id;
  get diagnostics v_n = row_count; v_counts := v_counts || v_n;
  update public.conversation_sessions s set user_id = p_opaque, metadata = '{}'::jsonb where s.user_id = p_user_id;
  get diagnostics v_n = row_count; v_counts := v_counts || v_n;
  update public.session_tag_counters c set user_id = p_opaque where c.user_id = p_user_id;
  return jsonb_build_object('flow_states', v_counts[1], 'messages', v_counts[2], 'pending_exports', v_counts[3],
                            'observations', v_counts[4], 'events', v_counts[5], 'traces', v_counts[6], 'sessions', v_counts[7]);
end
$$;
revoke all on function private.erase_conversations(p_user_id text, p_opaque text) from public;
grant execute on function private.erase_conversations(p_user_id text, p_opaque text) to service_role;

-- re-keys everything a visitor id names (the migration of numbers to pseudonyms below)
-- Moves every row of visitor p_from to visitor id p_to (ids only).
create function private.rekey_visitor(p_from text, p_to text) returns void
  language plpgsql
  set search_path = ''
as $$
begin
  update public.conversation_sessions s set user_id = p_to where s.user_id = p_from;
  update public.conversation_messages m set user_id = p_to where m.user_id = p_from;
  update public.llm_traces t set user_id = p_to where t.user_id = p_from;
  update public.llm_observations o set user_id = p_to where o.user_id = p_from;
  update public.session_events e set user_id = p_to where e.user_id = p_from;
  update public.session_tag_counters c set user_id = p_to where c.user_id = p_from;
  update public.voice_messages v set user_id = p_to where v.user_id = p_from;
  update public.otlp_outbox o
     set user_id = p_to, payload = replace(o.payload::text, '"' || p_from || '"', '"' || p_to || '"')::jsonb
   where o.user_id = p_from;
  delete from public.rate_limit_buckets b where b.bucket in ('chat:' || p_from, 'voice:' || p_from, 'score:' || p_from);
end
$$;
revoke all on function private.rekey_visitor(p_from text, p_to text) from public;
grant execute on function private.rekey_visitor(p_from text, p_to text) to service_role;

-- Erases one visitor (by id, or a WhatsApp number): their text, contact details, recordings and
-- WhatsApp messages go; counters stay under an opaque id (docs/privacy.md).
create function public.erase_visitor(p_user_id text, p_requested_by text default 'sql') returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_user text := private.visitor_of(p_user_id);
  v_opaque text := 'erased_' || replace(gen_random_uuid()::text, '-', '');
  v_session uuid;
  v_counts jsonb;
begin
  if p_requested_by is null or p_requested_by not in ('operator', 'visitor', 'sql') then
    raise exception using errcode = 'PT400', message = 'bad_request:visitor', detail = 'requested_by must be operator, visitor or sql.';
  end if;
  if v_user is null or v_user like 'erased\_%' then
    raise exception using errcode = 'PT404', message = 'not_found:visitor', detail = 'Nothing is stored about this visitor.';
  end if;
  -- the visitor's turns wait (or run first): nothing is written for them half-way through
  perform pg_advisory_xact_lock(hashtextextended('threadline:visitor:' || v_user, 0));
  -- an erased visitor has no active session
  for v_session in select s.id from public.conversation_sessions s where s.user_id = v_user and s.is_active loop
    perform public.close_session(v_session, 'user', 'ended', null);
  end loop;
  v_counts := private.erase_channels(v_user);
  -- dataset items copied from their traces (and the experiments' replays of them), before the messages go
  v_counts := private.erase_dataset_items(v_user) || v_counts;
  v_counts := private.erase_conversations(v_user, v_opaque) || v_counts;
  -- a copy of the old cookie starts a new visitor from now on
  perform private.retire_visitor(v_user);
  if not exists (select 1 from jsonb_each_text(v_counts) c where c.key <> 'pending_exports' and c.value::integer > 0) then
    return jsonb_build_object('found', false, 'opaque_id', null, 'counts', v_counts);
  end if;
  insert into public.erasures (opaque_id, requested_by, counts) values (v_opaque, p_requested_by, v_counts);
  return jsonb_build_object('found', true, 'opaque_id', v_opaque, 'counts', v_counts);
end
$$;

-- an operator may name a WhatsApp visitor by their number
-- The visitor id behind an id or a WhatsApp number (export_visitor, erase_visitor).
create function private.visitor_of(p_id text) returns text
  language sql stable
  set search_path = ''
as $$
  select coalesce((select c.user_id from public.whatsapp_contacts c
                    where p_id ~ '^\+?[0-9]{1,32}$' and c.wa_id = ltrim(p_id, '+')), p_id)
$$;
revoke all on function private.visitor_of(p_id text) from public;
grant execute on function private.visitor_of(p_id text) to service_role;

-- export_visitor's sessions, messages, traces, feedback and observations.
create function private.export_conversations(p_user_id text, p_mask boolean) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'sessions', coalesce((
      select jsonb_agg(to_jsonb(s) || jsonb_build_object(
               'metadata', case when p_mask then private.mask_pii_jsonb(s.metadata) else s.metadata end)
             order by s.started_at, s.id)
        from public.conversation_sessions s where s.user_id = p_user_id), '[]'::jsonb),
    'messages', coalesce((
      select jsonb_agg((to_jsonb(m) - 'search_vector') || jsonb_build_object(
               'content', case when p_mask then private.mask_pii(m.content) else m.content end,
               'metadata', case when p_mask then private.mask_pii_jsonb(m.metadata) else m.metadata end)
             order by m.seq)
        from public.conversation_messages m where m.user_id = p_user_id), '[]'::jsonb),
    'traces', coalesce((
      select jsonb_agg(to_jsonb(t) || jsonb_build_object(
               'feedback_comment', case when p_mask then private.mask_pii(t.feedback_comment) else t.feedback_comment end,
               'last_error', case when p_mask then private.mask_pii(t.last_error) else t.last_error end)
             order by t.created_at, t.id)
        from public.llm_traces t where t.user_id = p_user_id), '[]'::jsonb),
    'feedback', coalesce((
      select jsonb_agg(jsonb_build_object(
               'trace_id', t.id, 'session_id', t.session_id, 'rating', t.feedback,
               'comment', case when p_mask then private.mask_pii(t.feedback_comment) else t.feedback_comment end,
               'votes_up', t.votes_up, 'votes_down', t.votes_down)
             order by t.created_at, t.id)
        from public.llm_traces t
       where t.user_id = p_user_id and (t.feedback <> 'pending' or t.votes_up > 0 or t.votes_down > 0)), '[]'::jsonb),
    'observations', coalesce((
      select jsonb_agg((to_jsonb(o) - 'search_vector') || jsonb_build_object(
               'arguments', case when p_mask then private.mask_pii_jsonb(o.arguments) else o.arguments end,
               'result', case when p_mask then private.mask_pii_jsonb(o.result) else o.result end,
               'error', case when p_mask then private.mask_pii(o.error) else o.error end)
             order by o.started_at, o.position, o.id)
        from public.llm_observations o where o.user_id = p_user_id), '[]'::jsonb))
$$;
revoke all on function private.export_conversations(p_user_id text, p_mask boolean) from public;
grant execute on function private.export_conversations(p_user_id text, p_mask boolean) to service_role;

-- export_visitor's flow states, orders (the bulk_order flow) and session events.
create function private.export_flows(p_user_id text, p_mask boolean) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'flow_states', coalesce((
      select jsonb_agg(jsonb_build_object(
               'session_id', f.session_id, 'flow', f.flow, 'updated_at', f.updated_at,
               'state', case when p_mask then private.mask_pii_jsonb(f.state) else f.state end)
             order by f.updated_at, f.flow)
        from public.flow_states f join public.conversation_sessions s on s.id = f.session_id
       where s.user_id = p_user_id), '[]'::jsonb),
    -- bulk orders live in the order flow's state
    'orders', coalesce((
      select jsonb_agg(jsonb_build_object(
               'session_id', f.session_id, 'updated_at', f.updated_at,
               'order', case when p_mask then private.mask_pii_jsonb(f.state) else f.state end)
             order by f.updated_at)
        from public.flow_states f join public.conversation_sessions s on s.id = f.session_id
       where s.user_id = p_user_id and f.flow = 'bulk_order'), '[]'::jsonb),
    'events', coalesce((
      select jsonb_agg(to_jsonb(e) order by e.id)
        from public.session_events e where e.user_id = p_user_id), '[]'::jsonb))
$$;
revoke all on function private.export_flows(p_user_id text, p_mask boolean) from public;
grant execute on function private.export_flows(p_user_id text, p_mask boolean) to service_role;

-- export_visitor's voice registrations and WhatsApp number, inbox and outbox rows (null without a
-- WhatsApp contact).
create function private.export_channels(p_user_id text, p_mask boolean) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'voice_messages', coalesce((
      select jsonb_agg(jsonb_build_object(
               'client_message_id', v.client_message_id, 'audio_url', v.audio_url, 'created_at', v.created_at,
               'transcript', case when p_mask then private.mask_pii(v.transcript) else v.transcript end)
             order by v.created_at, v.client_message_id)
        from public.voice_messages v where v.user_id = p_user_id), '[]'::jsonb),
    'whatsapp', (
      select jsonb_build_object(
               'wa_id', case when p_mask then '[phone]' else c.wa_id end,
               'inbox', coalesce((
                 select jsonb_agg(jsonb_build_object(
                          -- Meta's message ids encode the sender's number (base64): masked with it
                          'wa_message_id', case when p_mask then null else i.wa_message_id end,
                          'created_at', i.created_at, 'processed_at', i.processed_at,
                          'message', case when p_mask then private.mask_pii_jsonb(i.message) else i.message end)
                        order by i.created_at, i.wa_message_id)
                   from public.whatsapp_inbox i where i.wa_id = c.wa_id), '[]'::jsonb),
               'outbox', coalesce((
                 select jsonb_agg(jsonb_build_object(
                          'id', o.id, 'message_id', o.message_id, 'created_at', o.created_at, 'sent_at', o.sent_at,
                          'notice', case when p_mask then private.mask_pii(o.notice) else o.notice end)
                        order by o.id)
                   from public.whatsapp_outbox o where o.wa_id = c.wa_id), '[]'::jsonb))
        from public.whatsapp_contacts c where c.user_id = p_user_id));
$$;
revoke all on function private.export_channels(p_user_id text, p_mask boolean) from public;
grant execute on function private.export_channels(p_user_id text, p_mask boolean) to service_role;

-- Everything stored about one visitor (by id, or a WhatsApp number), masked as PII_MASKING says unless
-- p_mask says otherwise (docs/privacy.md).
create function public.export_visitor(p_user_id text, p_mask boolean default null) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_mask boolean := coalesce(p_mask, private.masking_outputs());
  v_user text := private.visitor_of(p_user_id);
  v_channels jsonb;
begin
  v_channels := private.export_channels(v_user, v_mask);
  if v_user is null or (not exists (select 1 from public.conversation_sessions s where s.user_id = v_user)
                        and v_channels -> 'voice_messages' = '[]'::jsonb and v_channels -> 'whatsapp' = 'null'::jsonb) then
    raise exception using errcode = 'PT404', message = 'not_found:visitor', detail = 'Nothing is stored about this visitor.';
  end if;
  return jsonb_build_object('user_id', v_user, 'exported_at', now(), 'masked', v_mask)
         || private.export_conversations(v_user, v_mask) || private.export_flows(v_user, v_mask) || v_channels;
end
$$;

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

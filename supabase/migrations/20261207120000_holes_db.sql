-- Issue 23, the database's part (docs/reliability.md, "Holes closed in the third check"):
--   2. the API roles lose what Supabase's default privileges give them (tables, sequences, functions,
--      and the defaults for future objects);
--   3. pg_cron out of `public`; the idle-session job reads SESSION_IDLE_MINUTES from the database;
--   5. a button press must name a button the agent offered in that session (`bad_request:action`);
--   9. export and erasure cover voice registrations and the WhatsApp inbox and outbox, with or
--      without a session;
--  10. a WhatsApp visitor is a keyed hash of their number, not the number (whatsapp_contacts keeps
--      the number for replies);
--  11. PII masking normalises, widens its patterns and leaves ids alone; under `all` the processed
--      WhatsApp inbox text and voice transcripts are stored masked too.

-- ---------------------------------------------------------------------------------------------
set lock_timeout = '5s';

-- 3. SESSION_IDLE_MINUTES where pg_cron's job reads it (as RETENTION_DAYS is in retention_settings)

-- One row: SESSION_IDLE_MINUTES as the app last configured it (configure_maintenance);
-- run_maintenance() reads it when called without an argument (the pg_cron job).
create table public.maintenance_settings (
  id boolean primary key default true constraint maintenance_settings_one_row check (id),
  -- minutes, at most a year: an integer is enough
  -- squawk-ignore prefer-bigint-over-int
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

-- the default goes from 1440 to "what the app configured": a changed default needs a new function
drop function public.run_maintenance(integer, integer);
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

-- pg_cron in pg_catalog, as Supabase's docs install it (its linter flags `extension_in_public`). A
-- database that ran the baseline before this fix has it in public: pg_cron cannot be moved, so it
-- is created again in pg_catalog with our two jobs, unless someone scheduled jobs of their own.
do $$
declare
  v_others integer;
begin
  if not exists (select 1 from pg_extension e where e.extname = 'pg_cron' and e.extnamespace = 'public'::regnamespace) then
    return;
  end if;
  execute $q$select count(*) from cron.job j where j.jobname is distinct from 'threadline-maintenance'
                                               and j.jobname is distinct from 'threadline-retention'$q$ into v_others;
  if v_others > 0 then
    raise notice 'pg_cron is in schema public with % jobs not ours: left there (docs/architecture.md, "Session lifecycle")', v_others;
    return;
  end if;
  drop extension pg_cron;
  create extension pg_cron with schema pg_catalog;
  perform cron.schedule('threadline-maintenance', '* * * * *', 'select public.run_maintenance()');
  perform cron.schedule('threadline-retention', '* * * * *', 'select public.apply_retention()');
exception when insufficient_privilege then
  raise notice 'pg_cron is in schema public and this role cannot move it: %', sqlerrm;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 5. A pressed button is one the agent offered in that session

-- R10: the stored agent message whose button was pressed (its metadata and the button label);
-- bad_request:action when no agent message of the session offered it (docs/rules.md).
create or replace function private.action_source(p_session_id uuid, p_action jsonb,
                                                 out message_id uuid, out metadata jsonb, out label text) returns record
  language plpgsql stable
  set search_path = ''
as $$
#variable_conflict use_column
begin
  if p_action is null then
    return;
  end if;
  if p_session_id is not null then
    select m.id, m.metadata, e ->> 'label' into message_id, metadata, label
      from public.conversation_messages m
     cross join lateral jsonb_array_elements(
       case when jsonb_typeof(m.metadata -> 'buttons') = 'array' then m.metadata -> 'buttons' else '[]'::jsonb end) e
     where m.session_id = p_session_id and m.role = 'agent'
       and e -> 'action' ->> 'id' = p_action ->> 'id'
       and (p_action -> 'payload' is null or e -> 'action' -> 'payload' = p_action -> 'payload')
     order by m.seq desc limit 1;
  end if;
  -- the app's own actions run no tool (the menu, an agent's pick, "Try again"); any other action
  -- must be a button an agent message of that session stored, or a visitor could call any tool
  if message_id is null and p_action ->> 'id' not in ('menu', 'select_agent', 'regenerate') then
    raise exception using errcode = 'PT400', message = 'bad_request:action',
      detail = 'This button was not offered in this conversation.';
  end if;
end
$$;
revoke all on function private.action_source(uuid, jsonb) from public;
grant execute on function private.action_source(uuid, jsonb) to service_role;

-- ---------------------------------------------------------------------------------------------
-- 11. PII masking: normalise, then e-mails, IBANs, cards, addresses, PO boxes, phones; ids stay

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

-- PII as [email], [iban], [card], [address], [phone] after normalising full-width digits; digits
-- inside ids (uuids, order numbers) stay (docs/privacy.md, "PII masking").
create or replace function private.mask_pii(p_text text) returns text
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

-- ---------------------------------------------------------------------------------------------
-- 10. A WhatsApp visitor is a keyed hash of their number; the number stays where replies need it

-- The key of the WhatsApp visitor ids: random, made once per deployment on first need (so two
-- databases built from the same files differ in no row), never leaves the database.
create function private.visitor_id_key() returns text
  language plpgsql
  set search_path = ''
as $$
begin
  insert into public.app_settings (key, value)
  values ('visitor_id_key', encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex'))
  on conflict (key) do nothing;
  return (select a.value from public.app_settings a where a.key = 'visitor_id_key');
end
$$;

create table public.whatsapp_contacts (
  user_id text primary key constraint whatsapp_contacts_user_id_check check (user_id ~ '^wa_[0-9a-f]{32}$'),
  wa_id text not null constraint whatsapp_contacts_wa_id_key unique
    constraint whatsapp_contacts_wa_id_check check (wa_id ~ '^[0-9]{1,32}$'),
  created_at timestamptz not null default now()
);
alter table public.whatsapp_contacts enable row level security;
grant all on table public.whatsapp_contacts to service_role;

-- The pseudonymous visitor id of a WhatsApp number: wa_ and 32 hex of sha256(visitor_id_key:number),
-- stable per deployment.
create function private.whatsapp_user_id(p_wa_id text) returns text
  language sql stable strict
  set search_path = ''
as $$
  select 'wa_' || left(encode(sha256(convert_to(a.value || ':' || p_wa_id, 'UTF8')), 'hex'), 32)
    from public.app_settings a where a.key = 'visitor_id_key'
$$;

-- A stored WhatsApp message's sender gets their contact row (number ↔ pseudonym).
create function private.whatsapp_contact() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  perform private.visitor_id_key();
  insert into public.whatsapp_contacts (user_id, wa_id) values (private.whatsapp_user_id(new.wa_id), new.wa_id)
  on conflict do nothing;
  return null;
end
$$;
create trigger whatsapp_inbox_contact after insert on public.whatsapp_inbox
  for each row execute function private.whatsapp_contact();

-- The visitor id a WhatsApp number's turns run under (a keyed hash, never the number:
-- docs/channels.md).
create function public.whatsapp_visitor(p_wa_id text) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_user text;
begin
  if p_wa_id is null or p_wa_id !~ '^[0-9]{1,32}$' then
    raise exception using errcode = 'PT400', message = 'bad_request:whatsapp', detail = 'wa_id must be 1 to 32 digits.';
  end if;
  perform private.visitor_id_key();
  v_user := private.whatsapp_user_id(p_wa_id);
  insert into public.whatsapp_contacts (user_id, wa_id) values (v_user, p_wa_id) on conflict do nothing;
  return jsonb_build_object('user_id', v_user);
end
$$;
revoke all on function public.whatsapp_visitor(text) from public;
grant execute on function public.whatsapp_visitor(text) to service_role;

-- a reply goes to the number behind the session's visitor
-- An agent message of a WhatsApp session is queued in whatsapp_outbox for its visitor's number, in the
-- transaction that stored it.
create or replace function private.whatsapp_on_reply() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  insert into public.whatsapp_outbox (dedupe_key, message_id, wa_id)
  select 'message:' || new.id, new.id, c.wa_id
    from public.conversation_sessions s
    join public.whatsapp_contacts c on c.user_id = s.user_id
   where s.id = new.session_id and s.channel = 'whatsapp'
  on conflict (dedupe_key) do nothing;
  return null;
end
$$;

-- The stored button a WhatsApp button reply names, only from a reply sent to that number's visitor.
create or replace function public.whatsapp_button(p_wa_id text, p_message_id uuid, p_index integer) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('session_id', m.session_id, 'button', m.metadata -> 'buttons' -> p_index)
    from public.conversation_messages m
    join public.conversation_sessions s on s.id = m.session_id
   where m.id = p_message_id and s.user_id = private.whatsapp_user_id(p_wa_id) and s.channel = 'whatsapp' and m.role = 'agent'
     and jsonb_typeof(m.metadata -> 'buttons' -> p_index) = 'object'
$$;

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
  delete from public.rate_limit_buckets b where b.bucket = 'chat:' || p_from;
end
$$;

-- WhatsApp visitors from before this migration: their number becomes their pseudonym everywhere
do $$
declare
  v_number text;
begin
  if not exists (select 1 from public.whatsapp_inbox) and not exists (select 1 from public.whatsapp_outbox)
     and not exists (select 1 from public.conversation_sessions s where s.channel = 'whatsapp') then
    return;
  end if;
  perform private.visitor_id_key();
  insert into public.whatsapp_contacts (user_id, wa_id)
  select distinct private.whatsapp_user_id(n.wa_id), n.wa_id
    from (select i.wa_id from public.whatsapp_inbox i union select o.wa_id from public.whatsapp_outbox o
          union select s.user_id from public.conversation_sessions s where s.channel = 'whatsapp' and s.user_id ~ '^[0-9]{1,32}$') n
  on conflict do nothing;
  for v_number in select c.wa_id from public.whatsapp_contacts c loop
    perform private.rekey_visitor(v_number, private.whatsapp_user_id(v_number));
  end loop;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 9. Export and erasure: voice registrations and the WhatsApp inbox and outbox, with or without a session

-- an operator may name a WhatsApp visitor by their number
-- The visitor id behind an id or a WhatsApp number (export_visitor, erase_visitor).
create function private.visitor_of(p_id text) returns text
  language sql stable
  set search_path = ''
as $$
  select coalesce((select c.user_id from public.whatsapp_contacts c
                    where p_id ~ '^\+?[0-9]{1,32}$' and c.wa_id = ltrim(p_id, '+')), p_id)
$$;

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
      select jsonb_agg(to_jsonb(m) || jsonb_build_object(
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
      select jsonb_agg(to_jsonb(o) || jsonb_build_object(
               'arguments', case when p_mask then private.mask_pii_jsonb(o.arguments) else o.arguments end,
               'result', case when p_mask then private.mask_pii_jsonb(o.result) else o.result end,
               'error', case when p_mask then private.mask_pii(o.error) else o.error end)
             order by o.started_at, o.position, o.id)
        from public.llm_observations o where o.user_id = p_user_id), '[]'::jsonb))
$$;

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

-- Everything stored about one visitor (by id, or a WhatsApp number), masked as PII_MASKING says unless
-- p_mask says otherwise (docs/privacy.md).
create or replace function public.export_visitor(p_user_id text, p_mask boolean default null) returns jsonb
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
  delete from public.rate_limit_buckets b where b.bucket = 'chat:' || p_user_id;
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

-- Erases one visitor (by id, or a WhatsApp number): their text, contact details, recordings and
-- WhatsApp messages go; counters stay under an opaque id (docs/privacy.md).
create or replace function public.erase_visitor(p_user_id text, p_requested_by text default 'sql') returns jsonb
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
  v_counts := private.erase_conversations(v_user, v_opaque) || v_counts;
  if not exists (select 1 from jsonb_each_text(v_counts) c where c.key <> 'pending_exports' and c.value::integer > 0) then
    return jsonb_build_object('found', false, 'opaque_id', null, 'counts', v_counts);
  end if;
  insert into public.erasures (opaque_id, requested_by, counts) values (v_opaque, p_requested_by, v_counts);
  return jsonb_build_object('found', true, 'opaque_id', v_opaque, 'counts', v_counts);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 11 (continued). Under PII_MASKING=all, what was processed is stored masked too

-- PII_MASKING is all: stored text is masked too.
create function private.masking_all() returns boolean
  language sql stable
  set search_path = ''
as $$
  select exists (select 1 from public.privacy_settings s where s.id and s.pii_masking = 'all')
$$;

-- A WhatsApp inbox message, once processed, is kept masked under PII_MASKING=all.
create function private.mask_processed_inbox() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if private.masking_all() then
    new.message := private.mask_pii_jsonb(new.message);
  end if;
  return new;
end
$$;
create trigger whatsapp_inbox_mask_processed before update of processed_at on public.whatsapp_inbox
  for each row when (old.processed_at is null and new.processed_at is not null)
  execute function private.mask_processed_inbox();

-- A voice transcript, once its question is stored, is kept masked under PII_MASKING=all.
create function private.mask_processed_voice() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if private.masking_all() then
    update public.voice_messages v set transcript = private.mask_pii(v.transcript)
     where v.user_id = new.user_id and v.client_message_id = new.client_message_id;
  end if;
  return null;
end
$$;
create trigger conversation_messages_mask_voice after insert on public.conversation_messages
  for each row when (new.role = 'user' and new.audio_url is not null and new.client_message_id is not null)
  execute function private.mask_processed_voice();

-- ---------------------------------------------------------------------------------------------
-- 2. Supabase's default privileges give anon and authenticated every privilege on new tables and
-- sequences and EXECUTE on new functions of `postgres` in public; the API roles keep only SELECT on
-- the tables their RLS policies filter (supabase/tests/database/02_security.test.sql)

revoke all on all tables in schema public from anon, authenticated;
revoke all on all sequences in schema public from anon, authenticated;
revoke all on all functions in schema public from anon, authenticated;
revoke all on all tables in schema private from anon, authenticated;
revoke all on all sequences in schema private from anon, authenticated;
revoke all on all functions in schema private from anon, authenticated;
grant select on table public.conversation_messages, public.conversation_sessions, public.flow_states, public.llm_models,
  public.llm_observations, public.llm_traces, public.products, public.session_events to anon, authenticated;
alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
alter default privileges in schema public revoke all on functions from anon, authenticated;
alter default privileges in schema private revoke all on tables from anon, authenticated;
alter default privileges in schema private revoke all on sequences from anon, authenticated;
alter default privileges in schema private revoke all on functions from anon, authenticated;

-- this migration's private functions are the app's (service_role's), like every other
grant execute on all functions in schema private to service_role;

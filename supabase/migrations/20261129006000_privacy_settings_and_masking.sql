-- Privacy: the settings the database itself must know (PII masking, whether
-- OTLP export is on), and the one home of PII masking (docs/privacy.md).
-- The app writes the settings from its environment at startup (configure_privacy).

create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to service_role;

-- One row: what every instance was configured with (the last instance to start wins).
create table public.privacy_settings (
  id boolean primary key default true check (id),
  -- off: nothing is masked; export: masked wherever text leaves the database; all: stored message text too
  pii_masking text not null default 'off' check (pii_masking in ('off', 'export', 'all')),
  -- turns are queued for OTLP export only while this is on (no endpoint configured: nothing accumulates)
  otlp_enabled boolean not null default false,
  -- message text, tool arguments and results go into spans only when this is on
  otlp_capture_content boolean not null default false,
  -- the outbox keeps at most this many rows; the oldest are dropped and counted
  otlp_outbox_cap integer not null default 10000 check (otlp_outbox_cap between 1 and 10000000),
  otlp_dropped bigint not null default 0 check (otlp_dropped >= 0),
  updated_at timestamptz not null default now()
);
insert into public.privacy_settings (id) values (true);
alter table public.privacy_settings enable row level security;
revoke all on public.privacy_settings from anon, authenticated;
grant all on public.privacy_settings to service_role;

-- Luhn checksum of a digit string (card-like numbers).
create or replace function private.luhn_ok(p_digits text)
returns boolean
language plpgsql immutable strict
security invoker
set search_path = ''
as $$
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
$$;

-- Whether a run of digits and separators reads as one phone number (7–15 digits, not a date or decimal).
create or replace function private.phone_like(p_run text)
returns boolean
language sql immutable strict
security invoker
set search_path = ''
as $$
  select length(regexp_replace(p_run, '\D', '', 'g')) between 7 and 15
     and p_run !~ '^\d{4}-\d{2}-\d{2}$'
     and p_run !~ '^\d+\.\d+$'
$$;

-- Masks emails, card-like numbers (13–19 digits passing Luhn), street addresses
-- and phone numbers (7–15 digits) as [email], [card], [address], [phone].
create or replace function private.mask_pii(p_text text)
returns text
language plpgsql immutable
security invoker
set search_path = ''
as $$
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

-- The same for every string inside a jsonb value (keys and non-strings are kept).
create or replace function private.mask_pii_jsonb(p_value jsonb)
returns jsonb
language plpgsql immutable
security invoker
set search_path = ''
as $$
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

-- Whether text leaving the database is masked now (PII_MASKING is export or all).
create or replace function private.masking_outputs()
returns boolean
language sql stable
security invoker
set search_path = ''
as $$
  select coalesce((select s.pii_masking <> 'off' from public.privacy_settings s where s.id), false)
$$;

-- What every output calls on message text (CSV export, operator API, OTLP, visitor export).
create or replace function private.masked(p_text text)
returns text
language sql stable
security invoker
set search_path = ''
as $$
  select case when private.masking_outputs() then private.mask_pii(p_text) else p_text end
$$;

create or replace function private.masked_jsonb(p_value jsonb)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select case when private.masking_outputs() then private.mask_pii_jsonb(p_value) else p_value end
$$;

-- With PII_MASKING=all, message text is stored masked (the order flow keeps the
-- contact details it needs in its own flow state, which is not message text).
create or replace function private.mask_stored_message()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if exists (select 1 from public.privacy_settings s where s.id and s.pii_masking = 'all') then
    new.content := private.mask_pii(new.content);
  end if;
  return new;
end
$$;
create trigger conversation_messages_mask_pii before insert or update of content on public.conversation_messages
  for each row execute function private.mask_stored_message();

-- The app writes its configuration here at startup (lib/privacy/settings.ts).
create or replace function public.configure_privacy(
  p_pii_masking text default 'off',
  p_otlp_enabled boolean default false,
  p_capture_content boolean default false,
  p_outbox_cap integer default 10000
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
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

-- Masks one text as configured, for the SQL editor and for the app's own outputs.
create or replace function public.mask_pii(p_text text)
returns text
language sql stable
security invoker
set search_path = ''
as $$
  select private.mask_pii(p_text)
$$;

revoke execute on all functions in schema private from public, anon, authenticated;
grant execute on all functions in schema private to service_role;
revoke execute on function public.configure_privacy(text, boolean, boolean, integer), public.mask_pii(text)
  from public, anon, authenticated;
grant execute on function public.configure_privacy(text, boolean, boolean, integer), public.mask_pii(text) to service_role;

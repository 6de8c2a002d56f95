-- Operator security (docs/reliability.md "Security"): the admin token is kept only
-- as a hash, operator logins are server-side sessions that logout and token rotation
-- revoke, and failed logins / new visitors are counted per address in rate_limit_buckets.

-- 1. Only a hash of the admin token: an existing clear value becomes its sha256.
insert into public.app_settings (key, value, created_at)
select 'admin_token_hash', encode(sha256(convert_to(a.value, 'UTF8')), 'hex'), a.created_at
  from public.app_settings a
 where a.key = 'admin_token'
on conflict (key) do nothing;
delete from public.app_settings a where a.key = 'admin_token';

-- 2. Operator login sessions: only the sha256 of the cookie's random id is stored.
create table public.operator_sessions (
  id_hash text primary key check (id_hash ~ '^[0-9a-f]{64}$'),
  token_hash text not null check (token_hash ~ '^[0-9a-f]{64}$'),
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  check (expires_at > issued_at)
);
create index operator_sessions_expires_idx on public.operator_sessions (expires_at);
alter table public.operator_sessions enable row level security;
revoke all on public.operator_sessions from anon, authenticated;
grant all on public.operator_sessions to service_role;

-- 3. One fixed-window counter hit: {limited, hits, retry_after}. Shared by every instance.
create or replace function public.hit_rate_limit(p_bucket text, p_limit integer)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_hits integer;
begin
  if p_limit is null or p_limit <= 0 then
    return jsonb_build_object('limited', false, 'hits', 0, 'retry_after', 0);
  end if;
  insert into public.rate_limit_buckets as b (bucket, window_start, hits)
  values (left(p_bucket, 100), date_trunc('minute', now()), 1)
  on conflict (bucket, window_start) do update set hits = b.hits + 1
  returning b.hits into v_hits;
  -- now and then, forget finished windows so the table stays small
  if random() < 0.01 then
    delete from public.rate_limit_buckets b where b.window_start < now() - interval '5 minutes';
  end if;
  return jsonb_build_object('limited', v_hits > p_limit, 'hits', v_hits,
    'retry_after', public.rate_limit_retry_after());
end
$$;

create or replace function public.rate_limit_retry_after()
returns integer
language sql
stable
security invoker
set search_path = ''
as $$
  select greatest(1, ceil(extract(epoch from date_trunc('minute', now()) + interval '1 minute' - clock_timestamp())))::int
$$;

-- 4. The admin token's hash. A configured token (ADMIN_TOKEN) replaces the stored hash;
--    a changed hash is a rotation and revokes every operator session.
create or replace function public.set_admin_token_hash(p_hash text)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_old text;
  v_revoked integer := 0;
begin
  if p_hash !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'PT400', message = 'bad_request:settings', detail = 'The admin token hash must be a sha256 in hex.';
  end if;
  select a.value into v_old from public.app_settings a where a.key = 'admin_token_hash' for update;
  if v_old is distinct from p_hash then
    insert into public.app_settings (key, value) values ('admin_token_hash', p_hash)
    on conflict (key) do update set value = excluded.value, created_at = now();
    update public.operator_sessions s set revoked_at = now() where s.revoked_at is null;
    get diagnostics v_revoked = row_count;
  end if;
  return jsonb_build_object('changed', v_old is distinct from p_hash, 'revoked', v_revoked);
end
$$;

-- A generated token's hash, stored once: the first writer wins (its token is printed once).
create or replace function public.ensure_admin_token_hash(p_hash text)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_created boolean;
begin
  if p_hash !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'PT400', message = 'bad_request:settings', detail = 'The admin token hash must be a sha256 in hex.';
  end if;
  insert into public.app_settings (key, value) values ('admin_token_hash', p_hash) on conflict (key) do nothing;
  v_created := found;
  return jsonb_build_object('created', v_created);
end
$$;

-- 5. One operator credential check, throttled per address: {status: ok | invalid | limited, retry_after}.
--    While an address has p_limit failures in the current minute every attempt is refused,
--    the right token included, so guessing learns nothing. With p_session_hash, a valid
--    token also opens a login session (the cookie's id, hashed) valid for p_ttl_minutes.
create or replace function public.operator_authenticate(
  p_token_hash text,
  p_bucket text default null,
  p_limit integer default 0,
  p_session_hash text default null,
  p_ttl_minutes integer default 720
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_bucket text := left('auth:' || coalesce(p_bucket, ''), 100);
  v_failures integer := 0;
  v_expected text;
  v_expires timestamptz;
begin
  if p_limit > 0 and p_bucket is not null then
    -- one address's attempts are decided one at a time, so a burst cannot overshoot the limit
    perform pg_advisory_xact_lock(hashtextextended('threadline:' || v_bucket, 0));
    select b.hits into v_failures from public.rate_limit_buckets b
     where b.bucket = v_bucket and b.window_start = date_trunc('minute', now());
    if coalesce(v_failures, 0) >= p_limit then
      return jsonb_build_object('status', 'limited', 'retry_after', public.rate_limit_retry_after());
    end if;
  end if;
  select a.value into v_expected from public.app_settings a where a.key = 'admin_token_hash';
  if v_expected is null or p_token_hash is distinct from v_expected then
    if p_limit > 0 and p_bucket is not null then
      perform public.hit_rate_limit(v_bucket, p_limit);
    end if;
    return jsonb_build_object('status', 'invalid');
  end if;
  if p_session_hash is not null then
    if p_session_hash !~ '^[0-9a-f]{64}$' then
      raise exception using errcode = 'PT400', message = 'bad_request:login', detail = 'Invalid session id.';
    end if;
    v_expires := now() + make_interval(mins => greatest(1, p_ttl_minutes));
    insert into public.operator_sessions (id_hash, token_hash, expires_at) values (p_session_hash, v_expected, v_expires);
    -- now and then, forget sessions that ended long ago
    if random() < 0.05 then
      delete from public.operator_sessions s
       where s.expires_at < now() - interval '1 day' or s.revoked_at < now() - interval '1 day';
    end if;
  end if;
  return jsonb_build_object('status', 'ok', 'expires_at', v_expires);
end
$$;

-- A login cookie is valid while its session is not revoked, not expired, and was opened with the current token.
create or replace function public.operator_session_valid(p_session_hash text)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object('valid', exists (
    select 1 from public.operator_sessions s
      join public.app_settings a on a.key = 'admin_token_hash' and a.value = s.token_hash
     where s.id_hash = p_session_hash and s.revoked_at is null and s.expires_at > now()))
$$;

create or replace function public.operator_logout(p_session_hash text)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_revoked integer;
begin
  update public.operator_sessions s set revoked_at = now()
   where s.id_hash = p_session_hash and s.revoked_at is null;
  get diagnostics v_revoked = row_count;
  return jsonb_build_object('revoked', v_revoked);
end
$$;

-- Functions: only the app (service_role / owner) may call them (as in 20261122000500_security.sql).
revoke execute on function public.hit_rate_limit(text, integer), public.rate_limit_retry_after(),
  public.set_admin_token_hash(text), public.ensure_admin_token_hash(text),
  public.operator_authenticate(text, text, integer, text, integer), public.operator_session_valid(text),
  public.operator_logout(text)
  from public, anon, authenticated;
grant execute on function public.hit_rate_limit(text, integer), public.rate_limit_retry_after(),
  public.set_admin_token_hash(text), public.ensure_admin_token_hash(text),
  public.operator_authenticate(text, text, integer, text, integer), public.operator_session_valid(text),
  public.operator_logout(text)
  to service_role;

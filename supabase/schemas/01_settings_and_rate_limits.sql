-- App-wide settings (the cookie secret, the admin token hash), the health probe, and the
-- per-minute rate-limit counters that begin_turn, new-visitor counting and operator sign-in share.

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- App-wide settings generated once and shared by every instance (cookie secret, admin token).
CREATE TABLE public.app_settings (
    key text NOT NULL,
    value text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT app_settings_key_check CHECK ((key ~ '^[a-z_]{1,64}$'::text))
);

ALTER TABLE ONLY public.app_settings
    ADD CONSTRAINT app_settings_pkey PRIMARY KEY (key);

ALTER TABLE public.app_settings ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.app_settings TO service_role;

-- Fixed-window rate-limit counters, shared by every app instance.
CREATE TABLE public.rate_limit_buckets (
    bucket text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer DEFAULT 0 NOT NULL
);

ALTER TABLE ONLY public.rate_limit_buckets
    ADD CONSTRAINT rate_limit_buckets_pkey PRIMARY KEY (bucket, window_start);

ALTER TABLE public.rate_limit_buckets ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.rate_limit_buckets TO service_role;

-- Counts one hit in a fixed one-minute window; true when the window is over its limit. 0 (or null) turns it off.
CREATE FUNCTION private.hit_rate_limit(p_bucket text, p_limit integer) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_hits integer;
begin
  if p_limit is null or p_limit <= 0 then
    return false;
  end if;
  insert into public.rate_limit_buckets as b (bucket, window_start, hits)
  values (left(p_bucket, 100), date_trunc('minute', now()), 1)
  on conflict (bucket, window_start) do update set hits = b.hits + 1
  returning b.hits into v_hits;
  return v_hits > p_limit;
end
$$;

REVOKE ALL ON FUNCTION private.hit_rate_limit(p_bucket text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.hit_rate_limit(p_bucket text, p_limit integer) TO service_role;

-- Per visitor, then per client address (not counted once the visitor is over); 0 turns a limit off.
CREATE FUNCTION private.over_rate_limits(p_user_id text, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if p_rate_limit > 0 and private.hit_rate_limit('chat:' || p_user_id, p_rate_limit) then
    return true;
  end if;
  if p_ip_rate_limit > 0 and p_client_ip is not null then
    return private.hit_rate_limit('ip:' || left(p_client_ip, 64), p_ip_rate_limit);
  end if;
  return false;
end
$$;

REVOKE ALL ON FUNCTION private.over_rate_limits(p_user_id text, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.over_rate_limits(p_user_id text, p_rate_limit integer, p_client_ip text, p_ip_rate_limit integer) TO service_role;

-- Liveness and the applied schema version.
CREATE FUNCTION public.app_health() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_version text;
begin
  begin
    select max(v.version) into v_version from supabase_migrations.schema_migrations v;
  exception when others then
    v_version := null;
  end;
  return jsonb_build_object('ok', true, 'migration_version', v_version, 'now', now());
end
$$;

REVOKE ALL ON FUNCTION public.app_health() FROM PUBLIC;
GRANT ALL ON FUNCTION public.app_health() TO service_role;

-- A new visitor (a fresh cookie) counted against their address's new-visitor limit per minute, the
-- `visitors:<ip>` bucket: null when let through (also with no limit or no address), else the answer
-- begin_turn's gate and voice_allowance return. The one home of that count for both.
CREATE FUNCTION private.new_visitor_refusal(p_client_ip text, p_limit integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if p_limit > 0 and p_client_ip is not null
     and private.hit_rate_limit('visitors:' || left(p_client_ip, 64), p_limit) then
    return jsonb_build_object('status', 'rate_limited', 'scope', 'new_visitor', 'retry_after', public.rate_limit_retry_after());
  end if;
  return null;
end
$$;

REVOKE ALL ON FUNCTION private.new_visitor_refusal(p_client_ip text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION private.new_visitor_refusal(p_client_ip text, p_limit integer) TO service_role;

-- One more request of a kind from one key (an address) in this minute, counted by the one fixed-window
-- counter: limited once over p_limit. Used for the WhatsApp webhook's verification handshake.
create function public.count_request(p_kind text, p_key text, p_limit integer) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_limited boolean;
begin
  if coalesce(p_kind, '') !~ '^[a-z][a-z0-9_]{0,31}$' then
    raise exception using errcode = 'PT400', message = 'bad_request:request', detail = 'The kind must be a short lowercase name.';
  end if;
  v_limited := private.hit_rate_limit('req:' || p_kind || ':' || left(coalesce(p_key, ''), 64), p_limit);
  return jsonb_build_object('limited', v_limited,
    'retry_after', case when v_limited then public.rate_limit_retry_after() else 0 end);
end
$$;

revoke execute on function public.count_request(text, text, integer) from public, anon, authenticated;
grant execute on function public.count_request(text, text, integer) to service_role;

-- A setting generated once and shared by every instance: the first writer wins.
CREATE FUNCTION public.ensure_setting(p_key text, p_value text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_created boolean;
begin
  insert into public.app_settings (key, value) values (p_key, p_value) on conflict (key) do nothing;
  v_created := found;
  return (select jsonb_build_object('value', a.value, 'created', v_created)
            from public.app_settings a where a.key = p_key);
end
$$;

REVOKE ALL ON FUNCTION public.ensure_setting(p_key text, p_value text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.ensure_setting(p_key text, p_value text) TO service_role;

-- Seconds until the current one-minute rate-limit window ends (at least 1): the Retry-After of a 429.
CREATE FUNCTION public.rate_limit_retry_after() RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select greatest(1, ceil(extract(epoch from date_trunc('minute', now()) + interval '1 minute' - clock_timestamp())))::int
$$;

REVOKE ALL ON FUNCTION public.rate_limit_retry_after() FROM PUBLIC;
GRANT ALL ON FUNCTION public.rate_limit_retry_after() TO service_role;

-- One rate-limit counter (docs/rules.md, "Rate limits"): private.hit_rate_limit is the only code that
-- counts a hit in rate_limit_buckets. begin_turn (private.over_rate_limits) and operator_authenticate
-- call it; the app's one direct use, new visitors per address, goes through public.count_new_visitor.
-- Finished windows are forgotten by run_maintenance (the scheduled job), not by a random sweep here.

-- Counts one hit in a fixed one-minute window; true when the window is over its limit. 0 (or null) turns it off.
create or replace function private.hit_rate_limit(p_bucket text, p_limit integer)
returns boolean
language plpgsql
security invoker
set search_path = ''
as $$
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

-- New visitors (a fresh cookie) per client address and minute: {limited, retry_after}.
create or replace function public.count_new_visitor(p_client_ip text, p_limit integer)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_limited boolean;
begin
  v_limited := private.hit_rate_limit('visitors:' || coalesce(p_client_ip, ''), p_limit);
  return jsonb_build_object('limited', v_limited,
    'retry_after', case when v_limited then public.rate_limit_retry_after() else 0 end);
end
$$;

-- operator_authenticate as in 20261129002000_operator_security.sql, counting failures with the private counter.
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
      perform private.hit_rate_limit(v_bucket, p_limit);
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

drop function public.hit_rate_limit(text, integer);

revoke execute on function public.count_new_visitor(text, integer) from public, anon, authenticated;
grant execute on function public.count_new_visitor(text, integer) to service_role;
revoke all on all functions in schema private from public, anon, authenticated;
grant execute on all functions in schema private to service_role;

-- Operators (people who use the trace explorer and dashboard): the admin token, sign-in with
-- its rate limit, and operator sessions.

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- Operator login sessions: only the sha256 of the cookie's random id is stored.
CREATE TABLE public.operator_sessions (
    id_hash text NOT NULL,
    token_hash text NOT NULL,
    issued_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    CONSTRAINT operator_sessions_check CHECK ((expires_at > issued_at)),
    CONSTRAINT operator_sessions_id_hash_check CHECK ((id_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT operator_sessions_token_hash_check CHECK ((token_hash ~ '^[0-9a-f]{64}$'::text))
);

ALTER TABLE ONLY public.operator_sessions
    ADD CONSTRAINT operator_sessions_pkey PRIMARY KEY (id_hash);

CREATE INDEX operator_sessions_expires_idx ON public.operator_sessions USING btree (expires_at);

ALTER TABLE public.operator_sessions ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.operator_sessions TO service_role;

-- A generated token's hash, stored once: the first writer wins (its token is printed once).
CREATE FUNCTION public.ensure_admin_token_hash(p_hash text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
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
$_$;

REVOKE ALL ON FUNCTION public.ensure_admin_token_hash(p_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.ensure_admin_token_hash(p_hash text) TO service_role;

-- Signs an operator in with the admin token's hash (failures counted per p_bucket with the shared
-- rate-limit counter): opens an operator session, or says why not.
CREATE FUNCTION public.operator_authenticate(p_token_hash text, p_bucket text DEFAULT NULL::text, p_limit integer DEFAULT 0, p_session_hash text DEFAULT NULL::text, p_ttl_minutes integer DEFAULT 720) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
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
$_$;

REVOKE ALL ON FUNCTION public.operator_authenticate(p_token_hash text, p_bucket text, p_limit integer, p_session_hash text, p_ttl_minutes integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.operator_authenticate(p_token_hash text, p_bucket text, p_limit integer, p_session_hash text, p_ttl_minutes integer) TO service_role;

-- Revokes an operator session (by its token's hash).
CREATE FUNCTION public.operator_logout(p_session_hash text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_revoked integer;
begin
  update public.operator_sessions s set revoked_at = now()
   where s.id_hash = p_session_hash and s.revoked_at is null;
  get diagnostics v_revoked = row_count;
  return jsonb_build_object('revoked', v_revoked);
end
$$;

REVOKE ALL ON FUNCTION public.operator_logout(p_session_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.operator_logout(p_session_hash text) TO service_role;

-- A login cookie is valid while its session is not revoked, not expired, and was opened with the current token.
CREATE FUNCTION public.operator_session_valid(p_session_hash text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('valid', exists (
    select 1 from public.operator_sessions s
      join public.app_settings a on a.key = 'admin_token_hash' and a.value = s.token_hash
     where s.id_hash = p_session_hash and s.revoked_at is null and s.expires_at > now()))
$$;

REVOKE ALL ON FUNCTION public.operator_session_valid(p_session_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.operator_session_valid(p_session_hash text) TO service_role;

-- The admin token's hash. A configured token (ADMIN_TOKEN) replaces the stored hash;
--    a changed hash is a rotation and revokes every operator session.
CREATE FUNCTION public.set_admin_token_hash(p_hash text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
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
$_$;

REVOKE ALL ON FUNCTION public.set_admin_token_hash(p_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.set_admin_token_hash(p_hash text) TO service_role;

-- The one queue mechanism of the six queues (whatsapp_inbox, whatsapp_outbox, otlp_outbox,
-- audio_deletions, evaluation_jobs, experiment_items): claim with a lease, complete, fail with the one backoff up to an attempt cap, the
-- dead letter, the figures per queue. docs/architecture.md, "Queues".

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- The queues: each is a table of the same name with `attempts`, `next_attempt_at`, `claimed_until`,
-- `last_error` and `dead_at`. `done_col` set: a finished row is kept and marked; null: it is deleted.
create function private.queue_spec(p_queue text, out key_col text, out key_type text, out done_col text, out max_attempts integer, out order_col text)
  language plpgsql immutable
  set search_path = ''
as $$
begin
  select s.k, s.t, s.d, s.m, s.o into key_col, key_type, done_col, max_attempts, order_col
    from (values ('whatsapp_inbox', 'wa_message_id', 'text', 'processed_at', 8, 'seq'),
                 ('whatsapp_outbox', 'id', 'bigint', 'sent_at', 8, 'id'),
                 ('otlp_outbox', 'id', 'bigint', null, 10, 'id'),
                 ('audio_deletions', 'name', 'text', null, 20, 'name'),
                 ('evaluation_jobs', 'id', 'bigint', 'done_at', 5, 'id'),
                 ('experiment_items', 'id', 'uuid', 'finished_at', 3, 'position')) as s (q, k, t, d, m, o)
   where s.q = p_queue;
  if key_col is null then
    raise exception using errcode = 'PT400', message = 'bad_request:queue', detail = format('No queue named %s.', p_queue);
  end if;
end
$$;
comment on function private.queue_spec(text) is
  'The six queues: key column and type, the column a finished row is marked in (null: deleted), the default attempt cap, the order among rows due at once.';

-- The one backoff: base * 2^(attempts - 1), at most max, with ±20% jitter so retries spread out.
create function private.queue_backoff(p_attempts integer, p_base_ms integer, p_max_ms integer) returns timestamptz
  language sql volatile
  set search_path = ''
as $$
  select clock_timestamp() + make_interval(secs =>
    least(greatest(coalesce(p_max_ms, 300000), 1),
          greatest(coalesce(p_base_ms, 1000), 1) * power(2, least(greatest(coalesce(p_attempts, 1) - 1, 0), 30)))
    * (0.8 + random() * 0.4) / 1000.0)
$$;
comment on function private.queue_backoff(integer, integer, integer) is
  'When a failed row is due again: base * 2^(attempts - 1) ms, capped at max, with ±20% jitter.';

-- The inbox's candidates: each sender's oldest open row (their head), so a sender's messages run
-- in order, one at a time, and one sender's backlog takes one slot per claim (docs/channels.md).
create function private.whatsapp_inbox_heads(p_ids text[]) returns text[]
  language sql stable
  set search_path = ''
as $$
  select coalesce(array_agg(h.wa_message_id), '{}')
    from (select distinct on (i.wa_id) i.wa_message_id
            from public.whatsapp_inbox i
           where i.processed_at is null and i.dead_at is null
           order by i.wa_id, i.seq) h
   where p_ids is null or h.wa_message_id = any (p_ids)
$$;
comment on function private.whatsapp_inbox_heads(text[]) is
  'Each sender''s oldest open inbox row (of p_ids when given): the only inbox rows a claim may take.';

-- Claim-with-lease, once for every queue: up to p_limit due rows nobody holds, oldest due first,
-- locked `for update skip locked` (two claimers never get the same row), leased and counted.
create function private.queue_claim(p_queue text, p_limit integer, p_lease_seconds integer, p_only text[]) returns text[]
  language plpgsql
  set search_path = ''
as $$
declare
  v_spec record;
  v_keys text[];
begin
  v_spec := private.queue_spec(p_queue);
  execute format($q$
    with picked as (
      select q.%1$I as k from public.%2$I q
       where q.dead_at is null and %4$s
         and q.next_attempt_at <= clock_timestamp()
         and (q.claimed_until is null or q.claimed_until < clock_timestamp())
         and ($1 is null or q.%1$I = any ($1::%3$s[]))
       order by q.next_attempt_at, q.%5$I
       limit $2
       for update skip locked
    ), claimed as (
      update public.%2$I q
         set claimed_until = clock_timestamp() + make_interval(secs => $3), attempts = q.attempts + 1
        from picked where q.%1$I = picked.k
      returning q.%1$I::text as k, q.next_attempt_at as due, q.%5$I as o
    )
    select coalesce(array_agg(c.k order by c.due, c.o), '{}') from claimed c$q$,
    v_spec.key_col, p_queue, v_spec.key_type,
    case when v_spec.done_col is null then 'true' else format('q.%I is null', v_spec.done_col) end, v_spec.order_col)
  into v_keys
  using p_only, greatest(1, least(coalesce(p_limit, 20), 1000)), greatest(1, least(coalesce(p_lease_seconds, 60), 86400));
  return v_keys;
end
$$;
comment on function private.queue_claim(text, integer, integer, text[]) is
  'Leases up to p_limit due rows of a queue (of p_only when given), for update skip locked; their keys, oldest due first.';

-- A finished row: marked done (inbox, outbox) or deleted (OTLP, audio).
create function private.queue_complete(p_queue text, p_keys text[]) returns integer
  language plpgsql
  set search_path = ''
as $$
declare
  v_spec record;
  v_count integer;
begin
  v_spec := private.queue_spec(p_queue);
  if v_spec.done_col is null then
    execute format('delete from public.%I q where q.%I = any ($1::%s[])', p_queue, v_spec.key_col, v_spec.key_type)
      using p_keys;
  else
    execute format('update public.%1$I q set %2$I = clock_timestamp(), claimed_until = null, last_error = null
                     where q.%3$I = any ($1::%4$s[]) and q.%2$I is null and q.dead_at is null',
                   p_queue, v_spec.done_col, v_spec.key_col, v_spec.key_type)
      using p_keys;
  end if;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function private.queue_complete(text, text[]) is 'Marks finished rows done (inbox, outbox) or deletes them (OTLP, audio).';

-- A failed attempt. Permanent, or the attempt cap reached: the dead letter, at once. Deferred
-- (p_retry_after_seconds, e.g. a rate limit): due again then, the attempt not counted. Else: backoff.
create function private.queue_fail(p_queue text, p_keys text[], p_error text, p_permanent boolean,
                                   p_retry_after_seconds integer, p_base_ms integer, p_max_ms integer,
                                   p_max_attempts integer) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_spec record;
  v_dead integer;
  v_retrying integer;
begin
  v_spec := private.queue_spec(p_queue);
  execute format($q$
    with failed as (
      update public.%1$I q
         set claimed_until = null,
             last_error = left($2, 1000),
             attempts = case when $4 is not null then greatest(q.attempts - 1, 0) else q.attempts end,
             dead_at = case when $4 is null and ($3 or q.attempts >= $7) then clock_timestamp() end,
             next_attempt_at = case when $4 is not null then clock_timestamp() + make_interval(secs => $4)
                                    else private.queue_backoff(q.attempts, $5, $6) end
       where q.%2$I = any ($1::%3$s[]) and q.dead_at is null and %4$s
      returning q.dead_at is not null as dead
    )
    select count(*) filter (where f.dead), count(*) filter (where not f.dead) from failed f$q$,
    p_queue, v_spec.key_col, v_spec.key_type,
    case when v_spec.done_col is null then 'true' else format('q.%I is null', v_spec.done_col) end)
  into v_dead, v_retrying
  using p_keys, coalesce(p_error, 'failed'), coalesce(p_permanent, false),
        case when p_retry_after_seconds is not null then greatest(p_retry_after_seconds, 1) end,
        p_base_ms, p_max_ms, greatest(coalesce(p_max_attempts, v_spec.max_attempts), 1);
  return jsonb_build_object('dead', v_dead, 'retrying', v_retrying);
end
$$;
comment on function private.queue_fail(text, text[], text, boolean, integer, integer, integer, integer) is
  'A failed attempt: dead letter when permanent or at the attempt cap, due again after p_retry_after_seconds (not counted), else backoff.';

-- What a claimed row carries to the app, per queue.
create function private.whatsapp_outbox_rows(p_keys text[]) returns jsonb
  language sql volatile
  set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', o.id, 'wa_id', o.wa_id, 'parts_sent', o.parts_sent, 'attempts', o.attempts,
           'message_id', o.message_id,
           'content', coalesce(m.content, o.notice),
           'buttons', coalesce(m.metadata -> 'buttons', '[]'::jsonb),
           'audio_url', m.audio_url) order by k.n), '[]'::jsonb)
    from unnest(p_keys) with ordinality as k (key, n)
    join public.whatsapp_outbox o on o.id = k.key::bigint
    left join public.conversation_messages m on m.id = o.message_id
$$;
comment on function private.whatsapp_outbox_rows(text[]) is 'Claimed outbox rows with the reply''s text, buttons and audio.';

-- volatile: it must see the claim's own update (attempts), made in the statement before
create function private.queue_rows(p_queue text, p_keys text[]) returns jsonb
  language plpgsql volatile
  set search_path = ''
as $$
begin
  case p_queue
    when 'whatsapp_inbox' then
      -- user_id: the sender's keyed-hash visitor (the inbox's insert made its contact row), so a
      -- message's turn needs no whatsapp_visitor round trip
      return (select coalesce(jsonb_agg(jsonb_build_object('id', i.wa_message_id, 'wa_id', i.wa_id, 'message', i.message,
                                                           'attempts', i.attempts, 'user_id', private.whatsapp_user_id(i.wa_id))
                                        order by k.n), '[]'::jsonb)
                from unnest(p_keys) with ordinality as k (key, n) join public.whatsapp_inbox i on i.wa_message_id = k.key);
    when 'whatsapp_outbox' then
      return private.whatsapp_outbox_rows(p_keys);
    when 'evaluation_jobs' then
      return (select coalesce(jsonb_agg(jsonb_build_object('id', j.id, 'trace_id', j.trace_id, 'evaluator', e.name,
                                                           'attempts', j.attempts) order by k.n), '[]'::jsonb)
                from unnest(p_keys) with ordinality as k (key, n) join public.evaluation_jobs j on j.id = k.key::bigint
                join public.evaluators e on e.id = j.evaluator_id);
    when 'otlp_outbox' then
      return (select coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'kind', o.kind, 'payload', o.payload,
                                                           'attempts', o.attempts) order by k.n), '[]'::jsonb)
                from unnest(p_keys) with ordinality as k (key, n) join public.otlp_outbox o on o.id = k.key::bigint);
    when 'experiment_items' then
      return (select coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'experiment_id', e.experiment_id,
                                                           'attempts', e.attempts) order by k.n), '[]'::jsonb)
                from unnest(p_keys) with ordinality as k (key, n) join public.experiment_items e on e.id = k.key::uuid);
    else
      return (select coalesce(jsonb_agg(jsonb_build_object('id', d.name, 'attempts', d.attempts) order by k.n), '[]'::jsonb)
                from unnest(p_keys) with ordinality as k (key, n) join public.audio_deletions d on d.name = k.key);
  end case;
end
$$;
comment on function private.queue_rows(text, text[]) is 'The claimed rows of a queue as the app reads them, in claim order.';

-- One queue's figures: open rows, rows due now, rows retrying, dead letters and the newest of them.
create function private.queue_figures(p_queue text) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_spec record;
  v_row jsonb;
begin
  v_spec := private.queue_spec(p_queue);
  execute format($q$
    select jsonb_build_object(
      'open', count(*) filter (where q.dead_at is null and %3$s),
      'retrying', count(*) filter (where q.dead_at is null and %3$s and q.attempts > 0),
      'dead', count(*) filter (where q.dead_at is not null),
      'last_dead', (select jsonb_build_object('id', d.%2$I, 'dead_at', d.dead_at, 'attempts', d.attempts, 'error', d.last_error)
                      from public.%1$I d where d.dead_at is not null order by d.dead_at desc limit 1))
      from public.%1$I q$q$,
    p_queue, v_spec.key_col,
    case when v_spec.done_col is null then 'true' else format('q.%I is null', v_spec.done_col) end)
  into v_row;
  return v_row;
end
$$;
comment on function private.queue_figures(text) is 'One queue now: open rows, retrying, dead letters, the newest dead letter.';

-- The app's API: claim, complete, fail, status.
create function public.queue_claim(p_queue text, p_limit integer default 20, p_lease_seconds integer default 60,
                                   p_ids jsonb default null) returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_only text[];
  v_keys text[];
begin
  if p_ids is not null then
    select coalesce(array_agg(x), '{}') into v_only from jsonb_array_elements_text(p_ids) x;
  end if;
  if p_queue = 'whatsapp_inbox' then
    v_only := private.whatsapp_inbox_heads(v_only);
  end if;
  v_keys := private.queue_claim(p_queue, p_limit, p_lease_seconds, v_only);
  return private.queue_rows(p_queue, v_keys);
end
$$;
comment on function public.queue_claim(text, integer, integer, jsonb) is
  'Claims up to p_limit due rows of a queue (whatsapp_inbox: one per sender, fairly) with a lease; the rows (docs/architecture.md, "Queues").';

create function public.queue_complete(p_queue text, p_ids jsonb) returns jsonb
  language sql
  set search_path = ''
as $$
  select jsonb_build_object('completed', private.queue_complete(p_queue,
    (select coalesce(array_agg(x), '{}') from jsonb_array_elements_text(p_ids) x)))
$$;
comment on function public.queue_complete(text, jsonb) is 'Marks claimed rows done (or deletes them, per queue).';

create function public.queue_fail(p_queue text, p_ids jsonb, p_error text, p_permanent boolean default false,
                                  p_retry_after_seconds integer default null, p_base_ms integer default 1000,
                                  p_max_ms integer default 300000, p_max_attempts integer default null) returns jsonb
  language sql
  set search_path = ''
as $$
  select private.queue_fail(p_queue, (select coalesce(array_agg(x), '{}') from jsonb_array_elements_text(p_ids) x),
                            p_error, p_permanent, p_retry_after_seconds, p_base_ms, p_max_ms, p_max_attempts)
$$;
comment on function public.queue_fail(text, jsonb, text, boolean, integer, integer, integer, integer) is
  'A failed attempt of claimed rows: dead letter (permanent, or the attempt cap), deferred, or backoff; {dead, retrying}.';

create function public.queue_status() returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_object_agg(q, private.queue_figures(q))
    from unnest(array['whatsapp_inbox', 'whatsapp_outbox', 'otlp_outbox', 'audio_deletions', 'evaluation_jobs', 'experiment_items']) q
$$;
comment on function public.queue_status() is 'Every queue now: open, retrying, dead letters (per queue) and the newest dead letter.';

revoke execute on function private.queue_spec(text), private.queue_backoff(integer, integer, integer),
  private.whatsapp_inbox_heads(text[]), private.queue_claim(text, integer, integer, text[]),
  private.queue_complete(text, text[]), private.queue_fail(text, text[], text, boolean, integer, integer, integer, integer),
  private.whatsapp_outbox_rows(text[]), private.queue_rows(text, text[]), private.queue_figures(text)
  from public, anon, authenticated;
grant execute on function private.queue_spec(text), private.queue_backoff(integer, integer, integer),
  private.whatsapp_inbox_heads(text[]), private.queue_claim(text, integer, integer, text[]),
  private.queue_complete(text, text[]), private.queue_fail(text, text[], text, boolean, integer, integer, integer, integer),
  private.whatsapp_outbox_rows(text[]), private.queue_rows(text, text[]), private.queue_figures(text)
  to service_role;
revoke execute on function public.queue_claim(text, integer, integer, jsonb), public.queue_complete(text, jsonb),
  public.queue_fail(text, jsonb, text, boolean, integer, integer, integer, integer), public.queue_status()
  from public, anon, authenticated;
grant execute on function public.queue_claim(text, integer, integer, jsonb), public.queue_complete(text, jsonb),
  public.queue_fail(text, jsonb, text, boolean, integer, integer, integer, integer), public.queue_status()
  to service_role;

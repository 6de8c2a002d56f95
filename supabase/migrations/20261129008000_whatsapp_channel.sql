-- The WhatsApp channel (docs/channels.md): an inbox of the messages Meta delivered (stored
-- before the webhook answers, keyed by WhatsApp's message id so a redelivery is stored once),
-- and an outbox of the replies to send, written by a deferred trigger in the transaction that
-- stored each agent reply of a whatsapp session (begin_turn's menu and greetings, finish_turn's
-- replies and handoffs) so no turn function changes. lib/channels/whatsapp drains both.

create table public.whatsapp_inbox (
  wa_message_id text primary key check (length(wa_message_id) between 1 and 256),
  wa_id text not null check (wa_id ~ '^[0-9]{1,32}$'),
  -- the normalised message: {type: text|button|audio|unsupported, text?, button_id?, title?, media_id?, mime_type?}
  message jsonb not null,
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  processed_at timestamptz,
  last_error text,
  created_at timestamptz not null default now()
);
create index whatsapp_inbox_due on public.whatsapp_inbox (next_attempt_at) where processed_at is null;
create index whatsapp_inbox_wa_id on public.whatsapp_inbox (wa_id);

create table public.whatsapp_outbox (
  id bigint generated always as identity primary key,
  -- one row per agent reply, or per notice (a text sent without a turn, e.g. voice unavailable)
  dedupe_key text not null unique,
  message_id uuid references public.conversation_messages (id) on delete cascade,
  notice text check (notice is null or length(notice) between 1 and 4096),
  wa_id text not null check (wa_id ~ '^[0-9]{1,32}$'),
  -- how many of the reply's Graph messages went out (a retry resumes after them)
  parts_sent integer not null default 0 check (parts_sent >= 0),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  sent_at timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  constraint whatsapp_outbox_reply_or_notice check ((message_id is null) <> (notice is null))
);
create index whatsapp_outbox_due on public.whatsapp_outbox (next_attempt_at) where sent_at is null;
create index whatsapp_outbox_wa_id on public.whatsapp_outbox (wa_id);

alter table public.whatsapp_inbox enable row level security;
alter table public.whatsapp_outbox enable row level security;
revoke all on public.whatsapp_inbox, public.whatsapp_outbox from anon, authenticated;
grant all on public.whatsapp_inbox, public.whatsapp_outbox to service_role;

-- At commit: an agent message of a whatsapp session goes to the outbox once.
create or replace function private.whatsapp_on_reply()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  insert into public.whatsapp_outbox (dedupe_key, message_id, wa_id)
  select 'message:' || new.id, new.id, s.user_id
    from public.conversation_sessions s
   where s.id = new.session_id and s.channel = 'whatsapp' and s.user_id ~ '^[0-9]{1,32}$'
  on conflict (dedupe_key) do nothing;
  return null;
end
$$;

create constraint trigger conversation_messages_whatsapp_reply after insert on public.conversation_messages
  deferrable initially deferred for each row when (new.role = 'agent')
  execute function private.whatsapp_on_reply();

-- The webhook: stores the delivered messages (a redelivered id is stored once) and returns the new ids.
create or replace function public.whatsapp_receive(p_messages jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_ids jsonb;
begin
  if jsonb_typeof(p_messages) <> 'array' then
    raise exception using errcode = 'PT400', message = 'bad_request:whatsapp', detail = 'p_messages must be an array.';
  end if;
  with added as (
    insert into public.whatsapp_inbox (wa_message_id, wa_id, message)
    select m ->> 'id', m ->> 'from', m -> 'message'
      from jsonb_array_elements(p_messages) m
    on conflict (wa_message_id) do nothing
    returning wa_message_id
  )
  select coalesce(jsonb_agg(a.wa_message_id), '[]'::jsonb) into v_ids from added a;
  return jsonb_build_object('stored', v_ids);
end
$$;

-- Claims the inbox messages due (for update skip locked: any number of instances may work).
create or replace function public.claim_whatsapp_inbox(p_limit integer default 20, p_lease_seconds integer default 120, p_ids jsonb default null)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_rows jsonb;
begin
  with picked as (
    select i.wa_message_id from public.whatsapp_inbox i
     where i.processed_at is null
       and i.next_attempt_at <= clock_timestamp()
       and (i.claimed_until is null or i.claimed_until < clock_timestamp())
       and (p_ids is null or i.wa_message_id in (select x from jsonb_array_elements_text(p_ids) x))
     order by i.created_at, i.wa_message_id
     limit greatest(1, least(coalesce(p_limit, 20), 500))
     for update skip locked
  ), claimed as (
    update public.whatsapp_inbox i
       set claimed_until = clock_timestamp() + make_interval(secs => greatest(1, coalesce(p_lease_seconds, 120))),
           attempts = i.attempts + 1
      from picked
     where i.wa_message_id = picked.wa_message_id
    returning i.wa_message_id, i.wa_id, i.message, i.attempts, i.created_at
  )
  select coalesce(jsonb_agg(jsonb_build_object('id', c.wa_message_id, 'wa_id', c.wa_id, 'message', c.message,
                                               'attempts', c.attempts) order by c.created_at, c.wa_message_id), '[]'::jsonb)
    into v_rows from claimed c;
  return v_rows;
end
$$;

-- An inbox message is done (p_error null), or comes back after a backoff.
create or replace function public.settle_whatsapp_inbox(
  p_id text, p_error text default null, p_base_ms integer default 1000, p_max_ms integer default 300000
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
begin
  update public.whatsapp_inbox i
     set claimed_until = null,
         processed_at = case when p_error is null then clock_timestamp() end,
         last_error = left(p_error, 2000),
         next_attempt_at = case when p_error is null then i.next_attempt_at else clock_timestamp() + make_interval(secs =>
           least(greatest(p_max_ms, 1), greatest(p_base_ms, 1) * power(2, least(greatest(i.attempts - 1, 0), 30)))
           * (0.8 + random() * 0.4) / 1000.0) end
   where i.wa_message_id = p_id and i.processed_at is null;
  return jsonb_build_object('settled', found);
end
$$;

-- A text sent without a turn (say, "voice is unavailable"), once per inbox message, and that message done.
create or replace function public.whatsapp_notice(p_id text, p_text text)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_in public.whatsapp_inbox;
begin
  select * into v_in from public.whatsapp_inbox i where i.wa_message_id = p_id for update;
  if v_in.wa_message_id is null then
    raise exception using errcode = 'PT404', message = 'not_found:whatsapp', detail = 'No such inbox message.';
  end if;
  insert into public.whatsapp_outbox (dedupe_key, notice, wa_id)
  values ('notice:' || p_id, left(p_text, 4096), v_in.wa_id)
  on conflict (dedupe_key) do nothing;
  update public.whatsapp_inbox i set processed_at = clock_timestamp(), claimed_until = null
   where i.wa_message_id = p_id and i.processed_at is null;
  return jsonb_build_object('queued', true);
end
$$;

-- A tapped button (its id names the reply and the button's position): the stored button and its
-- session, only from a reply sent to this WhatsApp user; null when there is no such button.
create or replace function public.whatsapp_button(p_wa_id text, p_message_id uuid, p_index integer)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object('session_id', m.session_id, 'button', m.metadata -> 'buttons' -> p_index)
    from public.conversation_messages m
    join public.conversation_sessions s on s.id = m.session_id
   where m.id = p_message_id and s.user_id = p_wa_id and s.channel = 'whatsapp' and m.role = 'agent'
     and jsonb_typeof(m.metadata -> 'buttons' -> p_index) = 'object'
$$;

-- The drainer's calls: claim the replies due (with the text and buttons to send), record each Graph
-- message sent, mark a reply sent, or retry it later with backoff.
create or replace function public.claim_whatsapp_outbox(p_limit integer default 20, p_lease_seconds integer default 60)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_rows jsonb;
begin
  with picked as (
    select o.id from public.whatsapp_outbox o
     where o.sent_at is null
       and o.next_attempt_at <= clock_timestamp()
       and (o.claimed_until is null or o.claimed_until < clock_timestamp())
     order by o.id
     limit greatest(1, least(coalesce(p_limit, 20), 500))
     for update skip locked
  ), claimed as (
    update public.whatsapp_outbox o
       set claimed_until = clock_timestamp() + make_interval(secs => greatest(1, coalesce(p_lease_seconds, 60))),
           attempts = o.attempts + 1
      from picked
     where o.id = picked.id
    returning o.id, o.message_id, o.notice, o.wa_id, o.parts_sent, o.attempts
  )
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', c.id, 'wa_id', c.wa_id, 'parts_sent', c.parts_sent, 'attempts', c.attempts,
           'message_id', c.message_id,
           'content', coalesce(m.content, c.notice),
           'buttons', coalesce(m.metadata -> 'buttons', '[]'::jsonb),
           'audio_url', m.audio_url) order by c.id), '[]'::jsonb)
    into v_rows
    from claimed c left join public.conversation_messages m on m.id = c.message_id;
  return v_rows;
end
$$;

create or replace function public.whatsapp_part_sent(p_id bigint, p_parts_sent integer)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
begin
  update public.whatsapp_outbox o set parts_sent = greatest(o.parts_sent, p_parts_sent) where o.id = p_id;
  return jsonb_build_object('parts_sent', p_parts_sent);
end
$$;

create or replace function public.settle_whatsapp_outbox(
  p_id bigint, p_error text default null, p_base_ms integer default 1000, p_max_ms integer default 300000
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
begin
  update public.whatsapp_outbox o
     set claimed_until = null,
         sent_at = case when p_error is null then clock_timestamp() end,
         last_error = left(p_error, 2000),
         next_attempt_at = case when p_error is null then o.next_attempt_at else clock_timestamp() + make_interval(secs =>
           least(greatest(p_max_ms, 1), greatest(p_base_ms, 1) * power(2, least(greatest(o.attempts - 1, 0), 30)))
           * (0.8 + random() * 0.4) / 1000.0) end
   where o.id = p_id and o.sent_at is null;
  return jsonb_build_object('settled', found);
end
$$;

revoke execute on function public.whatsapp_receive(jsonb), public.claim_whatsapp_inbox(integer, integer, jsonb),
  public.settle_whatsapp_inbox(text, text, integer, integer), public.whatsapp_notice(text, text),
  public.whatsapp_button(text, uuid, integer), public.claim_whatsapp_outbox(integer, integer),
  public.whatsapp_part_sent(bigint, integer), public.settle_whatsapp_outbox(bigint, text, integer, integer)
  from public, anon, authenticated;
grant execute on function public.whatsapp_receive(jsonb), public.claim_whatsapp_inbox(integer, integer, jsonb),
  public.settle_whatsapp_inbox(text, text, integer, integer), public.whatsapp_notice(text, text),
  public.whatsapp_button(text, uuid, integer), public.claim_whatsapp_outbox(integer, integer),
  public.whatsapp_part_sent(bigint, integer), public.settle_whatsapp_outbox(bigint, text, integer, integer)
  to service_role;
revoke execute on function private.whatsapp_on_reply() from public, anon, authenticated;
grant execute on function private.whatsapp_on_reply() to service_role;

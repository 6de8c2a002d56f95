-- WhatsApp: the inbox of webhook deliveries (exactly once per WhatsApp message id) and the outbox
-- of replies sent through the Graph API, each claimed with a lease by the app's pollers.
-- docs/channels.md.

-- Function bodies are checked when they first run, not here (as in any pg_dump): a function may
-- read a table declared in a later file. Every name is schema-qualified.
set check_function_bodies = off;

-- Webhook deliveries, one row per WhatsApp message id (a redelivery is stored once), claimed in
-- order of arrival with a lease and retried with a backoff.
CREATE TABLE public.whatsapp_inbox (
    wa_message_id text NOT NULL,
    wa_id text NOT NULL,
    message jsonb NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    claimed_until timestamp with time zone,
    processed_at timestamp with time zone,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    dead_at timestamp with time zone,
    seq bigint NOT NULL,
    CONSTRAINT whatsapp_inbox_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT whatsapp_inbox_wa_id_check CHECK ((wa_id ~ '^[0-9]{1,32}$'::text)),
    CONSTRAINT whatsapp_inbox_wa_message_id_check CHECK (((length(wa_message_id) >= 1) AND (length(wa_message_id) <= 256)))
);

ALTER TABLE public.whatsapp_inbox ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.whatsapp_inbox_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY public.whatsapp_inbox
    ADD CONSTRAINT whatsapp_inbox_pkey PRIMARY KEY (wa_message_id);

-- each sender's open rows in arrival order: the fair inbox's heads (queue_claim)
CREATE INDEX whatsapp_inbox_pending ON public.whatsapp_inbox USING btree (wa_id, seq) WHERE ((processed_at IS NULL) AND (dead_at IS NULL));

CREATE INDEX whatsapp_inbox_dead ON public.whatsapp_inbox USING btree (dead_at) WHERE (dead_at IS NOT NULL);

CREATE INDEX whatsapp_inbox_retention ON public.whatsapp_inbox USING btree (created_at) WHERE ((processed_at IS NOT NULL) AND (message <> '{}'::jsonb));

CREATE INDEX whatsapp_inbox_wa_id ON public.whatsapp_inbox USING btree (wa_id);

ALTER TABLE public.whatsapp_inbox ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.whatsapp_inbox TO service_role;

-- Replies and notices to send through the Graph API, once each (dedupe_key); parts_sent lets a
-- long reply resume after the last part that went out.
CREATE TABLE public.whatsapp_outbox (
    id bigint NOT NULL,
    dedupe_key text NOT NULL,
    message_id uuid,
    notice text,
    wa_id text NOT NULL,
    parts_sent integer DEFAULT 0 NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    claimed_until timestamp with time zone,
    sent_at timestamp with time zone,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    dead_at timestamp with time zone,
    CONSTRAINT whatsapp_outbox_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT whatsapp_outbox_notice_check CHECK (((notice IS NULL) OR ((length(notice) >= 1) AND (length(notice) <= 4096)))),
    CONSTRAINT whatsapp_outbox_parts_sent_check CHECK ((parts_sent >= 0)),
    CONSTRAINT whatsapp_outbox_reply_or_notice CHECK (((message_id IS NULL) <> (notice IS NULL))),
    CONSTRAINT whatsapp_outbox_wa_id_check CHECK ((wa_id ~ '^[0-9]{1,32}$'::text))
);

ALTER TABLE public.whatsapp_outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.whatsapp_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY public.whatsapp_outbox
    ADD CONSTRAINT whatsapp_outbox_dedupe_key_key UNIQUE (dedupe_key);

ALTER TABLE ONLY public.whatsapp_outbox
    ADD CONSTRAINT whatsapp_outbox_pkey PRIMARY KEY (id);

CREATE INDEX whatsapp_outbox_created ON public.whatsapp_outbox USING btree (created_at);

CREATE INDEX whatsapp_outbox_due ON public.whatsapp_outbox USING btree (next_attempt_at) WHERE ((sent_at IS NULL) AND (dead_at IS NULL));

CREATE INDEX whatsapp_outbox_dead ON public.whatsapp_outbox USING btree (dead_at) WHERE (dead_at IS NOT NULL);

CREATE INDEX whatsapp_outbox_message ON public.whatsapp_outbox USING btree (message_id) WHERE (message_id IS NOT NULL);

CREATE INDEX whatsapp_outbox_wa_id ON public.whatsapp_outbox USING btree (wa_id);

ALTER TABLE ONLY public.whatsapp_outbox
    ADD CONSTRAINT whatsapp_outbox_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.conversation_messages(id) ON DELETE CASCADE;

ALTER TABLE public.whatsapp_outbox ENABLE ROW LEVEL SECURITY;

GRANT ALL ON TABLE public.whatsapp_outbox TO service_role;

-- a reply goes to the number behind the session's visitor
-- An agent message of a WhatsApp session is queued in whatsapp_outbox for its visitor's number, in the
-- transaction that stored it.
create function private.whatsapp_on_reply() returns trigger
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
revoke all on function private.whatsapp_on_reply() from public;
grant execute on function private.whatsapp_on_reply() to service_role;

-- Only a WhatsApp visitor's reply fires it (their id is wa_ and a keyed hash; a message carries its
-- session's visitor): a web turn queues no commit-time statement for a channel it does not use.
CREATE CONSTRAINT TRIGGER conversation_messages_whatsapp_reply AFTER INSERT ON public.conversation_messages DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (((new.role = 'agent'::text) AND (new.user_id ~~ 'wa\_%'::text))) EXECUTE FUNCTION private.whatsapp_on_reply();

-- The stored button a WhatsApp button reply names, only from a reply sent to that number's visitor.
create function public.whatsapp_button(p_wa_id text, p_message_id uuid, p_index integer) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('session_id', m.session_id, 'button', m.metadata -> 'buttons' -> p_index)
    from public.conversation_messages m
    join public.conversation_sessions s on s.id = m.session_id
   where m.id = p_message_id and s.user_id = private.whatsapp_user_id(p_wa_id) and s.channel = 'whatsapp' and m.role = 'agent'
     and jsonb_typeof(m.metadata -> 'buttons' -> p_index) = 'object'
$$;

-- A text sent without a turn (say, "voice is unavailable"), once per inbox message, and that message done.
CREATE FUNCTION public.whatsapp_notice(p_id text, p_text text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

REVOKE ALL ON FUNCTION public.whatsapp_notice(p_id text, p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.whatsapp_notice(p_id text, p_text text) TO service_role;

-- Records how many parts of a long reply went out, so a retry sends only the rest.
CREATE FUNCTION public.whatsapp_part_sent(p_id bigint, p_parts_sent integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  update public.whatsapp_outbox o set parts_sent = greatest(o.parts_sent, p_parts_sent) where o.id = p_id;
  return jsonb_build_object('parts_sent', p_parts_sent);
end
$$;

REVOKE ALL ON FUNCTION public.whatsapp_part_sent(p_id bigint, p_parts_sent integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.whatsapp_part_sent(p_id bigint, p_parts_sent integer) TO service_role;

-- The webhook: stores the delivered messages (a redelivered id is stored once) and returns the new ids.
CREATE FUNCTION public.whatsapp_receive(p_messages jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

REVOKE ALL ON FUNCTION public.whatsapp_receive(p_messages jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.whatsapp_receive(p_messages jsonb) TO service_role;

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
revoke all on function private.visitor_id_key() from public;
grant execute on function private.visitor_id_key() to service_role;

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
revoke all on function private.whatsapp_user_id(p_wa_id text) from public;
grant execute on function private.whatsapp_user_id(p_wa_id text) to service_role;

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
revoke all on function private.whatsapp_contact() from public;
grant execute on function private.whatsapp_contact() to service_role;
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
revoke all on function private.mask_processed_inbox() from public;
grant execute on function private.mask_processed_inbox() to service_role;
create trigger whatsapp_inbox_mask_processed before update of processed_at on public.whatsapp_inbox
  for each row when (old.processed_at is null and new.processed_at is not null)
  execute function private.mask_processed_inbox();

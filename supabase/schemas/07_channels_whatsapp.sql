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

-- At commit: an agent message of a whatsapp session goes to the outbox once.
CREATE FUNCTION private.whatsapp_on_reply() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
begin
  insert into public.whatsapp_outbox (dedupe_key, message_id, wa_id)
  select 'message:' || new.id, new.id, s.user_id
    from public.conversation_sessions s
   where s.id = new.session_id and s.channel = 'whatsapp' and s.user_id ~ '^[0-9]{1,32}$'
  on conflict (dedupe_key) do nothing;
  return null;
end
$_$;

REVOKE ALL ON FUNCTION private.whatsapp_on_reply() FROM PUBLIC;
GRANT ALL ON FUNCTION private.whatsapp_on_reply() TO service_role;

CREATE CONSTRAINT TRIGGER conversation_messages_whatsapp_reply AFTER INSERT ON public.conversation_messages DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((new.role = 'agent'::text)) EXECUTE FUNCTION private.whatsapp_on_reply();

-- A tapped button (its id names the reply and the button's position): the stored button and its
-- session, only from a reply sent to this WhatsApp user; null when there is no such button.
CREATE FUNCTION public.whatsapp_button(p_wa_id text, p_message_id uuid, p_index integer) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('session_id', m.session_id, 'button', m.metadata -> 'buttons' -> p_index)
    from public.conversation_messages m
    join public.conversation_sessions s on s.id = m.session_id
   where m.id = p_message_id and s.user_id = p_wa_id and s.channel = 'whatsapp' and m.role = 'agent'
     and jsonb_typeof(m.metadata -> 'buttons' -> p_index) = 'object'
$$;

REVOKE ALL ON FUNCTION public.whatsapp_button(p_wa_id text, p_message_id uuid, p_index integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.whatsapp_button(p_wa_id text, p_message_id uuid, p_index integer) TO service_role;

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

-- What the widget reads and writes in the second release (docs/widget.md):
-- the agent menu it renders (list_agents), the facts of its product cards
-- (product_cards) and a visitor's vote on one agent message (set_message_vote),
-- which keeps the trace's vote counts exact.

-- The enabled agents, in menu order, as the widget shows them.
create or replace function public.list_agents()
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('key', a.key, 'name', a.name, 'description', a.description,
                                               'greeting', a.greeting)
                            order by a.menu_position), '[]'::jsonb)
    from public.agents a
   where a.is_enabled
$$;

-- Name, price and description of the catalog products with these SKUs (unknown SKUs are left out).
-- p_skus is a jsonb array of strings (the data-access interface passes arrays as jsonb).
create or replace function public.product_cards(p_skus jsonb)
returns jsonb
language sql stable
security invoker
set search_path = ''
as $$
  with wanted as (
    select s.sku, min(s.n) as n
      from jsonb_array_elements_text(case when jsonb_typeof(p_skus) = 'array' then p_skus else '[]'::jsonb end)
           with ordinality as s (sku, n)
     group by s.sku
  )
  select coalesce(jsonb_agg(jsonb_build_object('sku', p.sku, 'name', p.name, 'priceCents', p.price_cents,
                                               'summary', p.description)
                            order by w.n), '[]'::jsonb)
    from wanted w
    join public.products p on p.sku = w.sku
$$;

-- A visitor's vote on one of their own agent messages: 'up', 'down' or null (cleared).
-- The trace's votes_up/votes_down move by the change only, in the same transaction;
-- the message row lock orders concurrent votes on one message. 404 unless the
-- message is an agent message of the visitor's own session (and of p_session_id when given).
create or replace function public.set_message_vote(
  p_user_id text, p_message_id uuid, p_vote text, p_session_id uuid default null
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_message public.conversation_messages;
  v_previous text;
  v_trace public.llm_traces;
begin
  if p_vote is not null and p_vote not in ('up', 'down') then
    raise exception using errcode = 'PT400', message = 'bad_request:vote', detail = 'vote must be up, down or null.';
  end if;
  select m.* into v_message
    from public.conversation_messages m
    join public.conversation_sessions s on s.id = m.session_id
   where m.id = p_message_id
     and s.user_id = p_user_id
     and m.role = 'agent'
     and (p_session_id is null or m.session_id = p_session_id)
     for update of m;
  if v_message.id is null then
    raise exception using errcode = 'PT404', message = 'not_found:message', detail = 'No such message.';
  end if;
  v_previous := v_message.vote;
  if p_vote is distinct from v_previous then
    update public.conversation_messages m
       set vote = p_vote, voted_at = case when p_vote is null then null else now() end
     where m.id = p_message_id;
    update public.llm_traces t
       set votes_up = t.votes_up + (case when p_vote = 'up' then 1 else 0 end) - (case when v_previous = 'up' then 1 else 0 end),
           votes_down = t.votes_down + (case when p_vote = 'down' then 1 else 0 end) - (case when v_previous = 'down' then 1 else 0 end),
           updated_at = now()
     where t.session_id = v_message.session_id;
  end if;
  select t.* into v_trace from public.llm_traces t where t.session_id = v_message.session_id;
  return jsonb_build_object(
    'message_id', v_message.id, 'session_id', v_message.session_id, 'vote', p_vote, 'previous_vote', v_previous,
    'trace_id', v_trace.id, 'votes_up', v_trace.votes_up, 'votes_down', v_trace.votes_down
  );
end
$$;

-- Only the app (service_role / owner) may call them, as every function (20261122000500_security.sql).
revoke execute on function public.list_agents(), public.product_cards(jsonb), public.set_message_vote(text, uuid, text, uuid)
  from public, anon, authenticated;
grant execute on function public.list_agents(), public.product_cards(jsonb), public.set_message_vote(text, uuid, text, uuid)
  to service_role;

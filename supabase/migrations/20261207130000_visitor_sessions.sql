-- The widget's chat list and its handoffs (docs/widget.md, "Earlier chats" and "Handoffs"):
-- a visitor lists their own sessions (newest first, with the last message), and the history of a
-- session an agent handed them to carries the note that explains the change, so it survives a reload.

set lock_timeout = '5s';

-- The note that opened a session by handoff, or null: the previous agent's reply that handed over
-- (its metadata names this session) and the id of the question copied into this session.
create function private.handoff_note(p_session_id uuid) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object('from_session_id', n.session_id, 'question_id', q.id, 'from_agent', s.agent_type,
                            'from_agent_name', coalesce(a.name, s.agent_type), 'note', public.message_json(n))
    from public.conversation_messages q
    join public.conversation_messages o on o.id = (q.metadata ->> 'handoff_from')::uuid
    join public.conversation_messages n on n.session_id = o.session_id and n.reply_to = o.id and n.superseded_at is null
    join public.conversation_sessions s on s.id = n.session_id
    left join public.agents a on a.key = s.agent_type
   where q.session_id = p_session_id and q.role = 'user' and q.metadata ? 'handoff_from'
     and n.metadata -> 'handoff' ->> 'session_id' = p_session_id::text
   order by q.seq
   limit 1
$$;

comment on function private.handoff_note(uuid) is
  'The handoff note that opened a session (from_session_id, question_id, from_agent and its name, note), or null.';

-- Recreated whole: adds `handoff` (private.handoff_note) to the history.
create or replace function public.session_messages(p_user_id text, p_session_id uuid) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
begin
  if not exists (select 1 from public.conversation_sessions s where s.id = p_session_id and s.user_id = p_user_id) then
    raise exception using errcode = 'PT404', message = 'not_found:session', detail = 'No such session.';
  end if;
  return jsonb_build_object(
    'session', public.session_json(p_session_id),
    'messages', coalesce((select jsonb_agg(public.message_json(m) order by m.seq)
                            from public.conversation_messages m
                           where m.session_id = p_session_id and m.superseded_at is null), '[]'::jsonb),
    'handoff', private.handoff_note(p_session_id)
  );
end
$$;

comment on function public.session_messages(text, uuid) is
  'A visitor''s own session, its messages ("Try again" replaced replies left out) and the handoff note that opened it; 404 for another visitor''s.';

-- A visitor's own sessions, newest activity first, each with its agent, tag, model and last message.
-- Only the visitor's rows: nothing of another visitor can appear (tests/db/visitor-sessions.test.ts).
create function public.list_visitor_sessions(p_user_id text, p_limit integer default 30) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select coalesce(jsonb_agg(x.item order by x.last_activity_at desc, x.id), '[]'::jsonb)
    from (
      select s.id, s.last_activity_at,
             jsonb_build_object(
               'id', s.id, 'agent_type', s.agent_type, 'agent_name', a.name, 'session_tag', s.session_tag,
               'model_name', m.name, 'trace_id', t.id, 'is_active', s.is_active, 'started_at', s.started_at,
               'last_activity_at', s.last_activity_at, 'ended_at', s.ended_at,
               'last_message', (select jsonb_build_object('role', c.role, 'content', left(c.content, 200), 'created_at', c.created_at)
                                  from public.conversation_messages c
                                 where c.session_id = s.id and c.superseded_at is null
                                 order by c.seq desc limit 1)) as item
        from public.conversation_sessions s
        join public.llm_models m on m.id = s.model_id
        left join public.agents a on a.key = s.agent_type
        left join public.llm_traces t on t.session_id = s.id
       where s.user_id = p_user_id
       order by s.last_activity_at desc, s.id
       limit greatest(1, least(coalesce(p_limit, 30), 100))
    ) x
$$;

comment on function public.list_visitor_sessions(text, integer) is
  'The chat list: a visitor''s own sessions (newest first, at most 100) with agent, tag, model, trace and last message.';

revoke execute on function private.handoff_note(uuid), public.session_messages(text, uuid),
  public.list_visitor_sessions(text, integer) from public, anon, authenticated;
grant execute on function private.handoff_note(uuid), public.session_messages(text, uuid),
  public.list_visitor_sessions(text, integer) to service_role;

-- OpenTelemetry spans are built in TypeScript (docs/privacy.md, "OTLP export"): a committed turn's
-- outbox row keeps only what identifies it (its key, the question, the transaction's time: still
-- exactly once per key), and the drainer reads the turn with public.otlp_turn() (masked and without
-- content as the privacy settings say) to build the spans with the SDK (lib/telemetry/attributes.ts).

set lock_timeout = '5s';

-- The rows of a turn queued before this migration carry finished spans; they are sent as they are.
create or replace function private.otlp_enqueue_turn(p_session_id uuid, p_message_id uuid) returns void
  language plpgsql
  set search_path = ''
as $$
declare
  v_cfg public.privacy_settings;
  v_q public.conversation_messages;
  v_s public.conversation_sessions;
  v_key text;
begin
  select * into v_cfg from public.privacy_settings s where s.id;
  if not coalesce(v_cfg.otlp_enabled, false) then
    return;
  end if;
  -- the visitor's question in this session: the message, or its copy made by a handoff
  select * into v_q from public.conversation_messages m
   where m.session_id = p_session_id and m.role = 'user'
     and (m.id = p_message_id or m.metadata ->> 'handoff_from' = p_message_id::text)
   order by (m.id = p_message_id) desc, m.seq
   limit 1;
  if v_q.id is null then
    return;
  end if;
  v_key := 'turn:' || v_q.id || ':' || txid_current();
  select * into v_s from public.conversation_sessions s where s.id = v_q.session_id;
  -- untracked sessions leave no trace anywhere
  if not v_s.tracking_enabled or not exists (select 1 from public.llm_traces t where t.session_id = v_s.id) then
    return;
  end if;
  perform private.otlp_append(v_key, 'turn', v_s.user_id, v_s.id,
    jsonb_build_object('key', v_key, 'question_id', v_q.id, 'at', now()), v_cfg.otlp_outbox_cap);
end
$$;
comment on function private.otlp_enqueue_turn(uuid, uuid) is
  'Queues a committed turn for OTLP export once per question and transaction: only its key, question and time.';

-- A turn's steps as the spans need them: masked (PII_MASKING export/all), content only with capture.
create function private.otlp_turn_steps(p_trace_id uuid, p_question_ids text[], p_at timestamptz,
                                        p_mask boolean, p_content boolean) returns jsonb
  language sql stable
  set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
      'id', o.id, 'parent_id', o.parent_id, 'kind', o.kind, 'name', o.name, 'status', o.status,
      'started_at', o.started_at, 'ended_at', o.ended_at, 'model', o.model, 'provider', m.provider,
      'input_tokens', o.input_tokens, 'output_tokens', o.output_tokens, 'cached_input_tokens', o.cached_input_tokens,
      'time_to_first_token_ms', o.time_to_first_token_ms, 'finish_reason', o.finish_reason, 'cost_usd', o.cost_usd,
      'tool_call_id', o.tool_call_id,
      'arguments', case when p_content and o.arguments is not null then
                     (case when p_mask then private.mask_pii_jsonb(o.arguments) else o.arguments end)::text end,
      'result', case when p_content and o.result is not null then
                  (case when p_mask then private.mask_pii_jsonb(o.result) else o.result end)::text end,
      'error', case when p_mask then private.mask_pii(o.error) else o.error end)
    order by o.position, o.started_at), '[]'::jsonb)
    from public.llm_observations o
    left join public.llm_models m on m.key = coalesce(o.model, o.name)
   where o.trace_id = p_trace_id and o.created_at = p_at
     and o.message_id is not null and o.message_id::text = any (p_question_ids)
$$;
comment on function private.otlp_turn_steps(uuid, text[], timestamptz, boolean, boolean) is
  'The steps of one exported turn (stored in its transaction), masked and with content as the privacy settings say.';

-- One exported turn: the question, the reply stored with it, session, trace, agent and model, its
-- steps. Null when it is gone (erased, or past retention): nothing to send.
create function public.otlp_turn(p_question_id uuid, p_at timestamptz) returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_cfg public.privacy_settings;
  v_q public.conversation_messages;
  v_r public.conversation_messages;
  v_s public.conversation_sessions;
  v_t public.llm_traces;
  v_mask boolean;
  v_text text;
begin
  select * into v_cfg from public.privacy_settings s where s.id;
  select * into v_q from public.conversation_messages m where m.id = p_question_id;
  select * into v_s from public.conversation_sessions s where s.id = v_q.session_id;
  select * into v_t from public.llm_traces t where t.session_id = v_s.id;
  if v_q.id is null or v_t.id is null then
    return null;
  end if;
  select * into v_r from public.conversation_messages r where r.reply_to = v_q.id and r.created_at = p_at order by r.seq desc limit 1;
  v_mask := v_cfg.pii_masking <> 'off';
  return jsonb_build_object(
    'question', jsonb_build_object('id', v_q.id, 'created_at', v_q.created_at, 'handoff_from', v_q.metadata ->> 'handoff_from',
      'content', case when v_cfg.otlp_capture_content then case when v_mask then private.mask_pii(v_q.content) else v_q.content end end),
    'reply', case when v_r.id is not null then jsonb_build_object('created_at', v_r.created_at, 'partial', v_r.is_partial,
      'content', case when v_cfg.otlp_capture_content then case when v_mask then private.mask_pii(v_r.content) else v_r.content end end) end,
    'session', jsonb_build_object('id', v_s.id, 'tag', v_s.session_tag, 'user_id', v_s.user_id, 'channel', v_s.channel,
      'previous_id', (select e.previous_session_id from public.session_events e
                       where e.session_id = v_s.id and e.event = 'switched' order by e.id limit 1)),
    'trace', jsonb_build_object('id', v_t.id, 'status', v_t.status, 'agent_version', coalesce(v_s.agent_version, v_t.agent_version),
      'last_error', case when v_mask then private.mask_pii(v_t.last_error) else v_t.last_error end),
    'agent', (select jsonb_build_object('key', v_s.agent_type, 'name', coalesce(a.name, v_s.agent_type), 'description', nullif(a.description, ''))
                from (select 1) x left join public.agents a on a.key = v_s.agent_type),
    'model', (select jsonb_build_object('key', m.key, 'provider', m.provider) from public.llm_models m where m.id = v_s.model_id),
    'steps', private.otlp_turn_steps(v_t.id, array_remove(array[v_q.id::text, v_q.metadata ->> 'handoff_from'], null), p_at,
                                     v_mask, v_cfg.otlp_capture_content));
end
$$;
comment on function public.otlp_turn(uuid, timestamptz) is
  'One turn queued for OTLP export, as the drainer builds its spans from it (masked, content only with capture); null when gone.';

revoke execute on function private.otlp_turn_steps(uuid, text[], timestamptz, boolean, boolean) from public, anon, authenticated;
grant execute on function private.otlp_turn_steps(uuid, text[], timestamptz, boolean, boolean) to service_role;
revoke execute on function public.otlp_turn(uuid, timestamptz) from public, anon, authenticated;
grant execute on function public.otlp_turn(uuid, timestamptz) to service_role;

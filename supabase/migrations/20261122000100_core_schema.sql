-- Threadline core data: models, sessions, messages, traces, lifecycle events,
-- tag counters, flow state, the demo catalog and app settings.
-- Names are part of the contract: operators query them in the SQL editor.

-- Models the app can use.
create table public.llm_models (
  id uuid primary key default gen_random_uuid(),
  key text not null unique check (key ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$'),
  name text not null check (length(name) between 1 and 200),
  provider text not null check (provider in ('offline', 'openai_compatible')),
  experiment_name text check (length(experiment_name) <= 200),
  created_at timestamptz not null default now()
);

-- Conversation sessions: at most one active per (user_id, channel).
create table public.conversation_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id text not null check (length(user_id) between 1 and 128),
  channel text not null default 'web' check (channel ~ '^[a-z][a-z0-9_]{0,31}$'),
  agent_type text not null check (agent_type ~ '^[a-z][a-z0-9_]{0,63}$'),
  model_id uuid not null references public.llm_models (id) on delete cascade,
  session_tag text not null,
  is_active boolean not null default true,
  started_at timestamptz not null default now(),
  last_activity_at timestamptz not null default now(),
  ended_at timestamptz,
  end_reason text check (end_reason in ('user', 'agent_switch', 'idle', 'new_chat', 'superseded')),
  duration_seconds integer check (duration_seconds >= 0),
  tracking_enabled boolean not null default true,
  metadata jsonb not null default '{}'::jsonb,
  constraint conversation_sessions_active_not_ended check (is_active = (ended_at is null)),
  constraint conversation_sessions_ended_has_duration check (is_active or duration_seconds is not null),
  constraint conversation_sessions_user_tag unique (user_id, session_tag)
);
create unique index conversation_sessions_one_active
  on public.conversation_sessions (user_id, channel) where is_active;
create index conversation_sessions_user_started
  on public.conversation_sessions (user_id, started_at desc);

-- Messages of a session, in `seq` order; written exactly once per client_message_id.
create table public.conversation_messages (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  session_id uuid not null references public.conversation_sessions (id) on delete cascade,
  user_id text not null,
  role text not null check (role in ('user', 'agent', 'system')),
  content text not null check (length(content) <= 100000),
  audio_url text,
  metadata jsonb not null default '{}'::jsonb,
  client_message_id uuid,
  reply_to uuid references public.conversation_messages (id) on delete cascade,
  is_partial boolean not null default false,
  created_at timestamptz not null default now(),
  constraint conversation_messages_client_id_per_session unique (session_id, client_message_id),
  constraint conversation_messages_reply_is_agent check (reply_to is null or role = 'agent')
);
create unique index conversation_messages_seq on public.conversation_messages (seq);
create index conversation_messages_session_seq on public.conversation_messages (session_id, seq);
create unique index conversation_messages_client_id_per_user
  on public.conversation_messages (user_id, client_message_id) where client_message_id is not null;
create unique index conversation_messages_one_reply
  on public.conversation_messages (reply_to) where reply_to is not null;

-- One trace per tracked session.
create table public.llm_traces (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null unique references public.conversation_sessions (id) on delete cascade,
  session_tag text not null,
  user_id text not null,
  agent_type text not null,
  model_id uuid not null references public.llm_models (id) on delete cascade,
  experiment_name text,
  llm_calls integer not null default 0 check (llm_calls >= 0),
  input_tokens bigint not null default 0 check (input_tokens >= 0),
  output_tokens bigint not null default 0 check (output_tokens >= 0),
  total_tokens bigint generated always as (input_tokens + output_tokens) stored,
  latency_ms bigint not null default 0 check (latency_ms >= 0),
  status text not null default 'started' check (status in ('started', 'ok', 'error')),
  last_error text,
  feedback text not null default 'pending' check (feedback in ('pending', 'positive', 'negative')),
  feedback_comment text check (length(feedback_comment) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint llm_traces_user_tag unique (user_id, session_tag)
);
-- exact tag: one index range gives a tag's traces newest first
create index llm_traces_session_tag on public.llm_traces (session_tag, created_at desc, id desc);
create index llm_traces_session_tag_trgm on public.llm_traces using gin (session_tag extensions.gin_trgm_ops);
create index llm_traces_created on public.llm_traces (created_at desc, id desc);
create index llm_traces_agent_created on public.llm_traces (agent_type, created_at desc, id desc);
create index llm_traces_model_created on public.llm_traces (model_id, created_at desc, id desc);
create index llm_traces_user_created on public.llm_traces (user_id, created_at desc, id desc);
create index llm_traces_feedback_created on public.llm_traces (feedback, created_at desc, id desc);

-- Why each session exists: one row per lifecycle decision, written with it.
create table public.session_events (
  id bigint generated always as identity primary key,
  session_id uuid not null references public.conversation_sessions (id) on delete cascade,
  previous_session_id uuid references public.conversation_sessions (id) on delete set null,
  user_id text not null,
  event text not null check (event in ('started', 'switched', 'ended', 'expired')),
  reason text check (reason in (
    'first_message', 'agent_switch', 'expired_previous', 'ended_previous', 'new_chat',
    'user', 'idle', 'superseded'
  )),
  request_id text check (length(request_id) <= 200),
  detail jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index session_events_session on public.session_events (session_id, id);

-- Per-(user, model) session tag counters (T3).
create table public.session_tag_counters (
  user_id text not null,
  model_id uuid not null references public.llm_models (id) on delete cascade,
  last_value integer not null check (last_value >= 1),
  updated_at timestamptz not null default now(),
  primary key (user_id, model_id)
);
-- the highest counter of each model (the substring search lists the tags that exist)
create index session_tag_counters_model_last on public.session_tag_counters (model_id, last_value desc);

-- Multi-step flow state, per (session, flow).
create table public.flow_states (
  session_id uuid not null references public.conversation_sessions (id) on delete cascade,
  flow text not null check (flow ~ '^[a-z][a-z0-9_]{0,63}$'),
  state jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (session_id, flow)
);

-- The demo product catalog.
create table public.products (
  sku text primary key check (sku ~ '^[A-Z0-9-]{1,32}$'),
  name text not null,
  category text not null,
  description text not null,
  price_cents integer not null check (price_cents >= 0),
  tags text[] not null default '{}',
  pickup_location text not null,
  created_at timestamptz not null default now()
);

-- App-wide settings generated once and shared by every instance (cookie secret, admin token).
create table public.app_settings (
  key text primary key check (key ~ '^[a-z_]{1,64}$'),
  value text not null,
  created_at timestamptz not null default now()
);

-- Fixed-window rate-limit counters, shared by every app instance.
create table public.rate_limit_buckets (
  bucket text not null,
  window_start timestamptz not null,
  hits integer not null default 0,
  primary key (bucket, window_start)
);

-- The connected ministry's adapters (issue 16): what they must send, and how their calls went.
--
-- outbox_messages: every message an adapter must deliver to an external system (the national
-- portal's records, VNPost's orders, …), written in the transaction of the change that causes
-- it, so it exists iff the change commits. `dedupe` names the message within its adapter (a
-- retried action never enqueues twice). Messages of one `key` (a dossier) are delivered in id
-- order: a message waits while an earlier one of its key is pending or dead. `claimed_until`
-- keeps two workers off one message; `next_attempt_at` is the backoff. `dead` messages are the
-- dead letters an administrator replays.
create table outbox_messages (
  id              bigserial primary key,
  adapter         text not null check (adapter ~ '^[a-z0-9-]{1,40}$'),
  key             text not null check (length(key) between 1 and 200),
  dedupe          text not null check (length(dedupe) between 1 and 300),
  kind            text not null check (length(kind) between 1 and 80),
  payload         jsonb not null,
  status          text not null default 'pending' check (status in ('pending', 'sent', 'dead')),
  attempts        int not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_until   timestamptz,
  last_error      text,
  result          jsonb,
  created_at      timestamptz not null default now(),
  sent_at         timestamptz,
  dead_at         timestamptz,
  unique (adapter, dedupe)
);
-- The worker reads an adapter's pending messages oldest first; the head-of-key check reads a key's unsent ones.
create index outbox_pending on outbox_messages (adapter, id) where status = 'pending';
create index outbox_unsent_key on outbox_messages (adapter, key, id) where status <> 'sent';
create index outbox_dead on outbox_messages (adapter, dead_at) where status = 'dead';
create index outbox_sent on outbox_messages (sent_at) where status = 'sent';

-- One row per adapter that has been paused, succeeded or failed: the operations page's facts.
create table integration_adapters (
  name            text primary key check (name ~ '^[a-z0-9-]{1,40}$'),
  paused          boolean not null default false,
  paused_by       text,
  paused_at       timestamptz,
  last_success_at timestamptz,
  last_failure_at timestamptz,
  last_error      text
);

-- Outcomes of calls per adapter and hour (deliveries and request/response calls alike), for the
-- failure rate: a few rows a day per adapter, whatever the traffic.
create table integration_calls (
  hour     timestamptz not null,
  adapter  text not null,
  ok       int not null default 0 check (ok >= 0),
  failed   int not null default 0 check (failed >= 0),
  ms_total bigint not null default 0,
  primary key (adapter, hour)
);

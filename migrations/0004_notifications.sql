-- Notifications to applicants: one row per message and channel. The row is the outbox:
-- written in the transaction of the state change that causes it, with its text already
-- rendered, then sent by a durable job that records the provider's id or the error.
create table notifications (
  id              uuid primary key default gen_random_uuid(),
  event           text not null,
  channel         text not null check (channel in ('email', 'sms', 'zalo')),
  lang            text not null check (lang in ('vi', 'en')),
  recipient       text not null,               -- e-mail address, phone number or Zalo user id
  recipient_name  text not null,
  dossier_code    text,
  data            jsonb not null,
  subject         text,                        -- e-mail only
  body_text       text not null,
  body_html       text,                        -- e-mail only
  status          text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts        int not null default 0,
  provider_id     text,
  last_error      text,
  created_at      timestamptz not null default now(),
  sent_at         timestamptz
);
create index notifications_created on notifications (created_at desc, id desc);
create index notifications_dossier on notifications (dossier_code, created_at desc);
create index notifications_unsent on notifications (created_at) where status <> 'sent';

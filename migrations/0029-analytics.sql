-- Issue 15 item 5: usage analytics of the portal, first-party and privacy-preserving. Only daily
-- counters: no row per visitor or per visit, no address, no cookie, no account. A page is named by
-- its class (the route's pattern, never the address with its codes), a device by its class.
--
-- kind: page_view (key = page class), service_view (key = procedure code), funnel (key =
-- '<procedure>:viewed|draft_started|submitted'), eform_step (key = '<procedure>:<step>'), bot_hit
-- (key = 'all': requests from robots, never counted as views), emc_sent (key = 'all': EMC events
-- delivered that day; the delivered events themselves are kept only a while).
-- `slot` spreads one counter over a few rows: a counter bumped inside filing transactions (the
-- funnel's 'submitted') would otherwise make concurrent filings of a procedure wait on one row
-- lock until each commits. Readers sum the slots.
create table analytics_days (
  day     date not null,
  kind    text not null check (kind in ('page_view', 'service_view', 'funnel', 'eform_step', 'bot_hit', 'emc_sent')),
  key     text not null check (length(key) between 1 and 120),
  device  text not null check (device in ('mobile', 'tablet', 'desktop', 'bot', 'unknown')),
  slot    smallint not null default 0 check (slot between 0 and 15),
  count   int not null check (count >= 0),
  primary key (day, kind, key, device, slot)
);
-- The administrators' page reads a period of a kind.
create index analytics_days_kind_day on analytics_days (kind, day);

-- The per-action events the national measuring system (EMC, INTEGRATIONS §4) collects: an
-- outbox written in the transaction of the dossier's state change, sent by the durable job
-- `analytics.emc`. One row per dossier action (dossier_code, seq), so a retried state change or
-- job never sends an action twice; `claimed_until` keeps two workers off the same row. Delivered
-- rows are deleted after 30 days by the job (the day's count stays in analytics_days).
create table emc_events (
  id             bigserial primary key,
  dossier_code   text not null,
  seq            int not null check (seq > 0),
  payload        jsonb not null,            -- the event exactly as EMC receives it (contract.ts)
  created_at     timestamptz not null default now(),
  attempts       int not null default 0,
  last_error     text,
  last_tried_at  timestamptz,
  claimed_until  timestamptz,
  sent_at        timestamptz,
  unique (dossier_code, seq)
);
-- The job and the page read what is unsent, oldest first.
create index emc_events_unsent on emc_events (id) where sent_at is null;
create index emc_events_sent on emc_events (sent_at) where sent_at is not null;

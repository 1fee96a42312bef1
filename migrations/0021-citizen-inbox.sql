-- Issue 11: online filers are told what happens, whatever their e-mail or phone situation.

-- The postal address the national SSO gives (the `address` claim); e-mail and phone have had
-- columns since 0001. Refreshed at every sign-in, offered (editable) on the filing form.
alter table citizens add column address text;

-- How the applicant chose, at filing, to receive the result: in their e-data repository, at
-- the one-stop desk, or by post (to the applicant's address). The return step uses it. Null
-- for dossiers filed before the choice existed: online filings then count as 'online', the
-- others as 'desk' (dossier-store's deliveryOf).
alter table dossiers add column delivery text check (delivery in ('online', 'desk', 'post'));

-- An unfinished online filing keeps the contact details and the delivery choice with its form.
alter table dossier_drafts add column filing jsonb;

-- The citizen's in-portal inbox: one row per event about a dossier whose applicant has an
-- account, written by notify() in the transaction of the event, like the outbox rows but
-- whether or not the applicant can be reached by e-mail or phone. `event_key` names the
-- event (dossier code and action seq), so writing the same event twice leaves one row.
-- The text is rendered when read, from `data` (what was true at the time), in the reader's
-- language.
create table citizen_notifications (
  id          uuid primary key default gen_random_uuid(),
  citizen_id  uuid not null,                 -- the account (no foreign key, like dossiers.owner_citizen_id)
  event       text not null,
  event_key   text not null,
  dossier_code text,
  data        jsonb not null,
  created_at  timestamptz not null default now(),
  read_at     timestamptz,
  unique (citizen_id, event_key)
);
-- The list, newest first, a page at a time; and the unread count every portal page shows,
-- read from a partial index that holds only the unread rows.
create index citizen_notifications_list on citizen_notifications (citizen_id, created_at desc, id desc);
create index citizen_notifications_unread on citizen_notifications (citizen_id) where read_at is null;

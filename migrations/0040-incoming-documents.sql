-- Issue 18: incoming official documents (Decree 30/2020, art. 20-24). One row per document
-- received (through the exchange axis, the EDXML inbox, by e-mail or on paper), its files and
-- an append-only history; the row is the projection (status, who acts) and its `version` is the
-- seq of its last history entry, so an action chosen on an older page is refused (409).
create table incoming_documents (
  id                  uuid primary key default gen_random_uuid(),
  channel             text not null check (channel in ('axis', 'inbox', 'paper', 'email')),
  -- The agency's clerk unit that received it; visibility and registration follow it.
  receiving_unit      text not null references org_units(id),
  -- The unit whose leaders were asked for direction (null: the agency's leadership).
  directing_unit      text references org_units(id),
  status              text not null check (status in ('arrived', 'refused', 'awaiting_direction', 'directed', 'in_progress', 'done', 'recalled')),
  version             int not null default 1,
  sender_organ_id     text,
  sender_name         text not null,
  -- EDXML DocumentId ("{OrganId},{yyyy/MM/dd},{number}/{notation}"); null for paper and e-mail.
  document_id         text,
  business_type       smallint not null default 0 check (business_type between 0 and 3),
  code_number         text,
  code_notation       text,
  subject             text not null,
  summary             text,
  promulgation_place  text,
  promulgation_date   date,
  document_type       text,
  signer              text,
  due_date            date,
  steering_type       smallint,
  priority            smallint,
  response_for        jsonb not null default '[]',
  -- The earlier incoming document a revocation, update or replacement acts on.
  related_id          uuid references incoming_documents(id),
  superseded_by       uuid references incoming_documents(id),
  signature           jsonb,
  raw_blob            text,
  email_from          text,
  received_at         timestamptz not null default now(),
  incoming_year       int,
  incoming_number     int,
  registered_at       timestamptz,
  directed_by         uuid references staff(id),
  handler_id          uuid references staff(id),
  co_handler_ids      uuid[] not null default '{}',
  instructions        text,
  deadline            date,
  first_progress_at   timestamptz,
  completed_at        timestamptz,
  recall_pending      boolean not null default false,
  recall_reason       text,
  ocr_status          text not null default 'none' check (ocr_status in ('none', 'queued', 'done', 'failed')),
  ocr_text            text,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  unique (incoming_year, incoming_number)
);
-- A message delivered twice (the axis retries, the outbox is at least once) is one document.
create unique index incoming_documents_exchange_key on incoming_documents (sender_organ_id, document_id, business_type) where document_id is not null;
create index incoming_documents_open on incoming_documents (receiving_unit, status) where status not in ('done', 'refused', 'recalled');
create index incoming_documents_handler on incoming_documents (handler_id) where handler_id is not null;
create index incoming_documents_received on incoming_documents (received_at desc);

create table incoming_document_files (
  incoming_id   uuid not null references incoming_documents(id),
  n             int not null,
  name          text not null,
  content_type  text not null,
  size          bigint not null,
  sha256        text not null,
  primary key (incoming_id, n)
);

create table incoming_document_history (
  incoming_id   uuid not null references incoming_documents(id),
  seq           int not null,
  action        text not null,
  at            timestamptz not null default now(),
  actor         text not null,
  actor_name    text not null,
  from_status   text,
  to_status     text not null,
  -- The EDXML status sent back to the sender with this step (01-06, 15, 16), or received (13).
  status_code   text,
  note          text,
  data          jsonb not null default '{}',
  primary key (incoming_id, seq)
);

-- Issue 18: outgoing official documents (Decree 30/2020/NĐ-CP). The row is the projection of the
-- document's history (status, version, number), written in the same transaction as the history
-- entry; the history is append-only, like a dossier's action log.
create table outgoing_documents (
  id                uuid primary key default gen_random_uuid(),
  series_code       text not null,
  subject           text not null,
  summary           text,
  -- The unit that drafted it (a specialist's unit): its officials and those above see it.
  drafting_unit     text not null,
  drafter           text not null,
  drafter_name      text not null,
  signer_id         uuid not null,
  signer_username   text not null,
  signer_name       text not null,
  signer_position   text,
  due_date          date,
  steering_type     int,
  priority          int,
  status            text not null default 'draft',
  version           int not null default 1,
  -- Numbered at release (Decree 30 art. 15: from 01 on 1 January per series and year).
  number            int,
  year              int,
  notation          text,
  document_id       text unique,
  promulgation_date date,
  released_at       timestamptz,
  -- A replacement (EDXML business type 3) names the document it replaces.
  replaces_id       uuid references outgoing_documents (id),
  replaced_by_id    uuid references outgoing_documents (id),
  created_at        timestamptz not null default now(),
  unique (series_code, year, number)
);
create index outgoing_documents_unit on outgoing_documents (drafting_unit, created_at desc);
create index outgoing_documents_register on outgoing_documents (year, released_at) where number is not null;

-- The files: the main file as drafted, its signed and sealed revisions, the appendices.
create table outgoing_document_files (
  document_id  uuid not null references outgoing_documents (id),
  seq          int not null,
  role         text not null check (role in ('main', 'signed', 'sealed', 'appendix')),
  sha256       text not null,
  file_name    text not null,
  content_type text not null,
  size         int not null,
  upload_id    uuid,
  -- A replaced main file stays listed, no longer current.
  current      boolean not null default true,
  created_at   timestamptz not null default now(),
  primary key (document_id, seq)
);

create table outgoing_document_recipients (
  document_id uuid not null references outgoing_documents (id),
  seq         int not null,
  kind        text not null check (kind in ('external', 'internal')),
  organ_id    text,
  unit_id     text,
  name        text not null,
  -- Status 15 from an external recipient, or a recall for an internal one.
  recalled_at timestamptz,
  primary key (document_id, seq),
  check ((kind = 'external') = (organ_id is not null) and (kind = 'internal') = (unit_id is not null))
);
create index outgoing_document_recipients_unit on outgoing_document_recipients (unit_id) where unit_id is not null;

-- Statuses the recipients sent back (EDXML 01–06, 15, 16), once each by organ, code and time.
create table outgoing_document_statuses (
  document_id uuid not null references outgoing_documents (id),
  organ_id    text not null,
  code        text not null,
  description text not null,
  at          timestamptz not null,
  received_at timestamptz not null default now(),
  primary key (document_id, organ_id, code, at)
);

create table outgoing_document_history (
  document_id uuid not null references outgoing_documents (id),
  seq         int not null,
  action      text not null,
  actor       text not null,
  actor_name  text not null,
  at          timestamptz not null,
  from_status text,
  to_status   text not null,
  note        text,
  data        jsonb,
  primary key (document_id, seq)
);

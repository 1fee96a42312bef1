-- Digitised results (Circular 01/2023/TT-VPCP): every issued result has a result code, its
-- PDF kept immutably in the blob store under its SHA-256, and a public status. A result is
-- never edited or deleted: revoking or replacing it changes its status and appends an event.
create table results (
  id                 uuid primary key default gen_random_uuid(),
  result_code        text not null unique,
  dossier_code       text not null,
  procedure_code     text not null,
  document_name      text not null,
  kind               text not null check (kind in ('certificate', 'licence', 'written_reply', 'refusal_decision')),
  number             text not null,                     -- số, ký hiệu: 125/GCN-XNK
  issuer_unit        text not null,
  issuer_name        text not null,
  holder_name        text not null,
  holder_identifier  text not null,
  owner_citizen_id   uuid,
  sha256             text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size               int not null check (size > 0),
  status             text not null default 'valid' check (status in ('valid', 'revoked', 'replaced')),
  replaced_by        text references results (result_code),
  issued_at          timestamptz not null default now(),
  issued_by          text not null
);
create index results_dossier on results (dossier_code);
create index results_owner on results (owner_citizen_id, issued_at desc);

create table result_events (
  id           bigserial primary key,
  result_id    uuid not null references results (id),
  event        text not null check (event in ('issued', 'revoked', 'replaced')),
  reason       text,
  actor        text not null,
  at           timestamptz not null default now()
);
create index result_events_result on result_events (result_id, id);

-- Running numbers of result codes per issuing unit and year, gap-free like dossier codes.
create table result_counters (
  unit_id  text not null,
  year     int not null,
  last     int not null,
  primary key (unit_id, year)
);

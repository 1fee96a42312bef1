-- Dossiers: an append-only action log (dossier_actions) is the truth; the dossiers row is
-- its projection, updated in the same transaction, kept for queries and queues.
create table dossiers (
  id                    uuid primary key default gen_random_uuid(),
  code                  text not null unique,
  receiving_unit        text not null,
  handling_unit         text not null,
  procedure_code        text not null,
  procedure_version     int not null,
  procedure_name        text not null,
  channel               smallint not null check (channel in (1, 2, 3)),
  applicant             jsonb not null,
  applicant_name_norm   text not null,
  owner_citizen_id      uuid,
  filed_by              text not null,
  form                  jsonb not null,
  status                text not null,
  national_status       smallint not null check (national_status between 1 and 10),
  step                  int not null,
  step_role             text,                 -- who acts next: role and unit of the current step
  step_unit             text,
  assignee              text,
  submitted_at          timestamptz not null,
  received_at           timestamptz,
  due_date              date,
  step_due_date         date,
  finished_at           timestamptz,
  state                 jsonb not null,
  idempotency_owner     text,
  idempotency_key       text,
  idempotency_hash      text,
  updated_at            timestamptz not null default now(),
  unique (idempotency_owner, idempotency_key)
);
create index dossiers_unit_status on dossiers (receiving_unit, status);
create index dossiers_handling on dossiers (handling_unit, status);
create index dossiers_assignee on dossiers (assignee) where assignee is not null;
create index dossiers_step on dossiers (step_unit, step_role) where finished_at is null;
create index dossiers_owner on dossiers (owner_citizen_id, submitted_at desc);
create index dossiers_due on dossiers (due_date) where finished_at is null;
create index dossiers_applicant_trgm on dossiers using gin (applicant_name_norm gin_trgm_ops);

create table dossier_components (
  dossier_id      uuid not null references dossiers(id),
  idx             int not null,
  component_code  text,
  name            text not null,
  upload_id       uuid,
  sha256          text,
  file_name       text,
  content_type    text,
  size            int,
  reused          boolean not null default false,
  supplemented    boolean not null default false,
  added_at        timestamptz not null default now(),
  primary key (dossier_id, idx)
);

create table dossier_actions (
  dossier_id   uuid not null references dossiers(id),
  seq          int not null,
  action       text not null,
  actor        text not null,
  actor_name   text not null,
  at           timestamptz not null,
  from_status  text,
  to_status    text not null,
  from_unit    text,
  to_unit      text,
  assignee     text,
  step_due     date,
  data         jsonb not null default '{}',
  primary key (dossier_id, seq)
);

-- Running numbers per receiving unit and day: incremented in the filing transaction, so a
-- rolled-back filing gives its number back and codes stay gap-free.
create table dossier_counters (
  unit_id  text not null,
  day      date not null,
  last     int not null,
  primary key (unit_id, day)
);

create table dossier_ratings (
  dossier_id  uuid primary key references dossiers(id),
  scores      jsonb not null,
  comment     text,
  rated_at    timestamptz not null default now()
);

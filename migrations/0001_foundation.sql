-- Foundation: organisation, identity, sessions, audit trail, procedure catalogue.
create extension if not exists pg_trgm;

create table org_units (
  id          text primary key,            -- electronic identifier code, e.g. 000.00.00.G12
  parent_id   text references org_units(id),
  kind        text not null check (kind in ('ministry', 'department', 'unit')),
  name        text not null,
  name_en     text,
  created_at  timestamptz not null default now()
);
create index org_units_parent on org_units (parent_id);

create table staff (
  id              uuid primary key default gen_random_uuid(),
  username        text not null unique check (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  full_name       text not null,
  email           text,
  password_hash   text not null,
  totp_secret     text,
  totp_last_step  bigint,                   -- last accepted TOTP time step: a code is good once
  failed_logins   int not null default 0,
  locked_until    timestamptz,
  active          boolean not null default true,
  created_at      timestamptz not null default now()
);

create table staff_roles (
  staff_id  uuid not null references staff(id) on delete cascade,
  unit_id   text not null references org_units(id),
  role      text not null check (role in ('receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'administrator', 'auditor')),
  primary key (staff_id, unit_id, role)
);

create table citizens (
  id            uuid primary key default gen_random_uuid(),
  issuer        text not null,
  subject       text not null,
  kind          text not null check (kind in ('citizen', 'business')),
  full_name     text not null,
  identifier    text,                       -- citizen-ID number or tax code
  email         text,
  phone         text,
  created_at    timestamptz not null default now(),
  last_login_at timestamptz,
  unique (issuer, subject)
);

create table service_accounts (
  client_id    text primary key,
  name         text not null,
  secret_hash  text not null,
  scopes       text[] not null,
  active       boolean not null default true,
  created_at   timestamptz not null default now()
);

create table sessions (
  id_hash     text primary key,             -- sha256 of the cookie value; the value itself is never stored
  principal   jsonb,
  data        jsonb not null default '{}',
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null
);
create index sessions_expiry on sessions (expires_at);

-- Append-only and hash-chained: hash = sha256(prev_hash | canonical row). Nothing updates or deletes.
create table audit_log (
  id         bigint primary key,
  at         timestamptz not null,
  actor      text not null,
  action     text not null,
  target     text,
  data       jsonb not null default '{}',
  prev_hash  text not null,
  hash       text not null
);
create sequence audit_log_id_seq;

create table procedures (
  code        text primary key,
  created_at  timestamptz not null default now()
);

create table procedure_versions (
  id              bigserial primary key,
  procedure_code  text not null references procedures(code),
  version         int not null,
  effective_from  timestamptz not null,
  effective_to    timestamptz,                -- set when a later version takes over
  name            text not null,
  field           text not null,
  agency_code     text,
  level           text not null check (level in ('full', 'partial')),
  name_norm       text not null,              -- lower case, no diacritics, đ → d
  search_norm     text not null,              -- name, code and field, normalised the same way
  search_doc      tsvector generated always as (to_tsvector('simple', search_norm)) stored,
  summary         jsonb not null,             -- what a search result shows: agency name, time, lowest fee
  content_hash    text not null,
  created_at      timestamptz not null default now(),
  unique (procedure_code, version)
);
-- The full documents live apart so the searched table stays narrow and scans stay fast.
create table procedure_documents (
  version_id  bigint primary key references procedure_versions(id),
  data        jsonb not null,                 -- the normalised procedure as congso uses it
  raw         jsonb not null                  -- the record as imported, unknown fields included
);

-- fastupdate off: the catalogue is written rarely and read constantly; a pending list left by a
-- bulk import would make the planner shun the index (measured: 10 ms seq scan vs 0.3 ms).
create index procedure_versions_doc on procedure_versions using gin (search_doc) with (fastupdate = off);

-- Every folded word of the catalogue, for correcting a misspelt query word by trigram similarity.
create table catalog_words (word text primary key);
create index catalog_words_trgm on catalog_words using gin (word gin_trgm_ops) with (fastupdate = off);
create index procedure_versions_current on procedure_versions (procedure_code, effective_from desc);
create index procedure_versions_field on procedure_versions (field);
create index procedure_versions_agency on procedure_versions (agency_code);

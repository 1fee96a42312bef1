-- Secondary indexes and foreign keys a bulk load drops and restores afterwards
-- (src/platform/db/copy.ts). A row here means it is missing: migrate() restores it if a
-- load died half-way.
create table deferred_indexes (
  index_name  text primary key,
  table_name  text not null,
  definition  text not null,   -- a whole statement: create index …, or alter table … add constraint …
  deferred_at timestamptz not null default now()
);

-- Issue 18 item 5: full-text search over official documents, and work files (hồ sơ công việc).

-- One row per incoming or outgoing document, written by the incoming and outgoing operations
-- (indexDocument) whenever a document is created or changes, in their transaction. It holds
-- what a search hit and a work file's table of documents show, so neither reads the other
-- sub-modules' tables. Text is folded by foldVietnamese in the application (case, diacritics,
-- đ → d), so the query is folded by the same function and both databases behave the same.
create table document_search (
  kind             text not null check (kind in ('incoming', 'outgoing')),
  id               text not null,
  unit_id          text not null,                 -- officials covering this unit see it
  number_notation  text,                          -- "05/QĐ-BCT"
  subject          text not null,
  organ            text,                          -- issuing (incoming) or signing (outgoing) agency
  doc_date         date,                          -- promulgation date
  status           text,
  text             text not null default '',      -- summary and OCR text, as written, for snippets
  meta_norm        text not null,                 -- folded number, subject, organ: ranks metadata hits first
  search_norm      text not null,                 -- folded metadata and text
  search_doc       tsvector generated always as (to_tsvector('simple', search_norm)) stored,
  meta_doc         tsvector generated always as (to_tsvector('simple', meta_norm)) stored,
  updated_at       timestamptz not null default now(),
  primary key (kind, id)
);
create index document_search_doc on document_search using gin (search_doc);
create index document_search_meta on document_search using gin (meta_doc);
-- Number and notation typed in part ("05/qd", "qd-bct") match as substrings.
create index document_search_meta_trgm on document_search using gin (meta_norm gin_trgm_ops);
create index document_search_unit on document_search (unit_id, doc_date desc nulls last);

-- Work files (Decree 30/2020 ch. IV): a unit's file grouping the documents of one piece of work,
-- kept by a responsible official, closed when the work is finished and transferred to the
-- agency's archive within one year of that (Archives Law 2011 art. 11): `transfer_due`.
create table document_files (
  id                 uuid primary key default gen_random_uuid(),
  unit_id            text not null,
  code               text not null,                -- the file's code/symbol in the unit's list of files
  title              text not null,
  year               int not null check (year between 2000 and 2200),
  retention_years    int check (retention_years between 1 and 100), -- null: permanent (vĩnh viễn)
  responsible_id     text not null,                -- staff id
  status             text not null default 'open' check (status in ('open', 'closed')),
  closed_at          timestamptz,
  transfer_due       date not null,
  version            int not null default 1,
  created_by         text not null,
  created_at         timestamptz not null default now(),
  unique (unit_id, year, code)
);
create index document_files_due on document_files (transfer_due);
create index document_files_unit on document_files (unit_id, year desc);

create table document_file_items (
  file_id   uuid not null references document_files (id) on delete cascade,
  kind      text not null check (kind in ('incoming', 'outgoing')),
  doc_id    text not null,
  added_by  text not null,
  added_at  timestamptz not null default now(),
  primary key (file_id, kind, doc_id)
);
create index document_file_items_doc on document_file_items (kind, doc_id);

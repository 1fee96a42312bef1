-- Issue 13: digitised items (Circular 01/2023/TT-VPCP). A paper component of a dossier, a paper
-- result, or a result issued before the system, once scanned and read: its searchable PDF (an
-- upload), the OCR text, the metadata the rules suggested and the officer confirmed, and its
-- digitisation code. One item per scan (`scan_id` unique), so recording a scan twice keeps one.
create table digitised_items (
  id                uuid primary key default gen_random_uuid(),
  code              text not null unique,                -- {unit}.SH.{YYYY}.{NNNNNN}
  kind              text not null check (kind in ('component', 'result', 'legacy_result')),
  unit_id           text not null,                       -- the unit that scanned it: officials of this unit and above search it
  dossier_code      text,
  procedure_code    text,                                -- the dossier's procedure: which extra fields its components ask for
  component_code    text,                                -- the component's code in the procedure, or its name when it has none
  result_code       text,
  scan_id           uuid unique,
  upload_id         uuid,                                -- the searchable PDF/A
  holder_identifier text,                                -- CCCD / MST of the person or organisation it concerns
  holder_name       text,
  owner_citizen_id  uuid,                                -- the holder's account: the item is in their e-data repository
  metadata          jsonb not null,                      -- the current values (see metadata-fields.ts)
  suggested         jsonb not null,                      -- what the rules read from the text, with the line each came from, kept as recorded
  confirmed_by      text,
  confirmed_at      timestamptz,
  text              text not null default '',
  -- Metadata and text folded by foldVietnamese (case, diacritics, đ → d) in the application, so
  -- the query is folded by the same function on both databases; meta_norm alone ranks metadata hits.
  search_norm       text not null,
  meta_norm         text not null,
  search_doc        tsvector generated always as (to_tsvector('simple', search_norm)) stored,
  meta_doc          tsvector generated always as (to_tsvector('simple', meta_norm)) stored,
  created_by        text not null,
  created_at        timestamptz not null default now()
);
create index digitised_items_doc on digitised_items using gin (search_doc);
create index digitised_items_meta on digitised_items using gin (meta_doc);
-- Searches are scoped by unit (officials) or owner (citizens); an empty query lists newest first.
create index digitised_items_unit on digitised_items (unit_id, created_at desc);
create index digitised_items_owner on digitised_items (owner_citizen_id, created_at desc) where owner_citizen_id is not null;
create index digitised_items_dossier on digitised_items (dossier_code, component_code) where dossier_code is not null;
create index digitised_items_holder on digitised_items (holder_identifier) where holder_identifier is not null;

-- Running numbers of digitisation codes per unit and year, taken in the recording transaction:
-- gap-free like dossier and result codes (a rolled-back recording returns its number).
create table digitisation_counters (
  unit_id  text not null,
  year     int not null,
  last     int not null,
  primary key (unit_id, year)
);

-- A paper component the officer marked "not required" to digitise, with the reason: the dossier
-- may then pass receipt without its scan (e.g. an original only shown and handed back).
create table digitisation_exemptions (
  dossier_code    text not null,
  component_code  text not null,
  reason          text not null,
  exempted_by     text not null,
  exempted_at     timestamptz not null default now(),
  primary key (dossier_code, component_code)
);

-- Issue 13: scans made at the counter (or of old results), read by OCR in a durable job.
--
-- A scan is one document: the pages an official chose from the files they sent (scanner
-- folder, phone camera), in their order and rotation, assembled into one PDF stored as an
-- upload (`source_upload_id`). The `digitisation.ocr` job reads it with ocrmypdf and stores
-- the searchable PDF/A as another upload (`output_upload_id`) and each page's text below.
-- The scan belongs to a unit: its officials (and those above) see it, nobody else.
create table scans (
  id                uuid primary key default gen_random_uuid(),
  unit_id           text not null,
  created_by        text not null,               -- actorOf(principal): staff:<username>
  purpose           text not null check (purpose in ('component', 'legacy_result')),
  dossier_code      text,
  component_code    text,
  status            text not null default 'queued' check (status in ('queued', 'processing', 'done', 'failed')),
  progress          real not null default 0 check (progress >= 0 and progress <= 1),
  page_count        int not null check (page_count > 0),
  source_upload_id  uuid not null references uploads (id),
  output_upload_id  uuid references uploads (id),
  error             jsonb,                       -- { code, vi, en } when failed
  -- A retried POST with the same Idempotency-Key answers the same scan (and enqueues no second job).
  idempotency_key   text,
  idempotency_hash  text,
  created_at        timestamptz not null default now(),
  started_at        timestamptz,
  finished_at       timestamptz,
  check (purpose = 'component' or (dossier_code is null and component_code is null)),
  check (component_code is null or dossier_code is not null),
  unique (created_by, idempotency_key)
);
-- A unit's scans, newest first; a dossier's scans (its digitisation status).
create index scans_unit on scans (unit_id, created_at desc);
create index scans_dossier on scans (dossier_code, component_code) where dossier_code is not null;

-- The text of each page, written by the OCR job in one transaction with the scan's `done`
-- (a retried job replaces the rows, it never adds a second set). `error` says why a page
-- could not be read ({ vi, en }); the other pages still count.
create table scan_pages (
  scan_id  uuid not null references scans (id) on delete cascade,
  page     int not null check (page > 0),
  text     text not null default '',
  error    jsonb,
  primary key (scan_id, page)
);

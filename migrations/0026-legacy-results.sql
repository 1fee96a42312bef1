-- Issue 13, phase 2: results issued before the system ("100% of valid results"), scanned in
-- batches, read by OCR and registered as digitised results of their own.
--
-- A legacy result is a row of `results` with kind 'legacy': its own result code, linked to the
-- holder's identifier, the searchable PDF/A of its scan as its file. It came from no dossier, so
-- `dossier_code` (and the procedure, which old papers do not name) is null, and only for legacy
-- results: a made-up marker code would be taken for a dossier by every page and check that
-- looks a dossier up, while null says plainly that there is none.
alter table results drop constraint results_kind_check;
alter table results add constraint results_kind_check
  check (kind in ('certificate', 'licence', 'written_reply', 'refusal_decision', 'certified_copy', 'legacy'));
alter table results alter column dossier_code drop not null;
alter table results alter column procedure_code drop not null;
alter table results add constraint results_legacy_no_dossier check ((kind = 'legacy') = (dossier_code is null));
alter table results add constraint results_procedure_known check (kind = 'legacy' or procedure_code is not null);
-- The paper's own dates (an electronic result is valid from its issue, without a limit written here)
-- and the digitised item the legacy result was registered from.
alter table results add column original_issue_date date;
alter table results add column valid_until date;
alter table results add column digitised_item_code text;
-- A holder who never signed in finds their legacy results by identifier at their first sign-in.
create index results_legacy_holder on results (holder_identifier) where kind = 'legacy';
-- The campaign counts results in force per issuing unit.
create index results_unit_status on results (issuer_unit, status);

-- One import: a ZIP, a folder or a single file, with the metadata of each scan.
create table legacy_batches (
  id             uuid primary key default gen_random_uuid(),
  unit_id        text not null,                    -- the unit the scans are made for (and the results registered by)
  created_by     text not null,                    -- actorOf(principal)
  created_by_id  uuid not null,                    -- the importer's account: the background step acts with their rights of the day
  source         text not null check (source in ('zip', 'folder', 'single')),
  total          int not null check (total >= 0),  -- CSV rows (or 1)
  status         text not null default 'running' check (status in ('running', 'done')),
  created_at     timestamptz not null default now(),
  finished_at    timestamptz
);
create index legacy_batches_unit on legacy_batches (unit_id, created_at desc);

-- One row of the CSV (line = its line number in the file, the header being line 1; 1 for a single file).
-- rejected: a reason per field in `errors`, nothing scanned; ocr: scanned, waiting for its text;
-- done: item and result registered; failed: the scan could not be read or registering was refused.
create table legacy_batch_rows (
  batch_id           uuid not null references legacy_batches (id),
  line               int not null check (line > 0),
  file_name          text not null,
  holder_identifier  text,
  holder_name        text,
  metadata           jsonb not null,
  complete           boolean not null default false,  -- the CSV gave every field a confirmation needs
  status             text not null check (status in ('rejected', 'ocr', 'done', 'failed')),
  errors             jsonb,                           -- [{ field, vi, en }]
  scan_id            uuid unique,
  item_code          text,
  result_code        text,
  updated_at         timestamptz not null default now(),
  primary key (batch_id, line)
);
create index legacy_batch_rows_waiting on legacy_batch_rows (batch_id) where status = 'ocr';

-- The campaign's deadline (the ministry's order), one row set by an administrator; without it
-- the deadline is 31 December of the current year.
create table digitisation_campaign (
  id        boolean primary key default true check (id),
  deadline  date not null,
  set_by    text not null,
  set_at    timestamptz not null default now()
);

-- Applicants' unfinished online filings, kept on the server so a draft started on one
-- device can be finished on another. One draft per applicant and procedure; the files in
-- it are uploads already stored (and checked) when the form was posted.
create table dossier_drafts (
  id                uuid primary key default gen_random_uuid(),
  owner_citizen_id  uuid not null,
  procedure_code    text not null,
  form              jsonb not null default '{}',
  components        jsonb not null default '[]',   -- [{code, uploadId, fileName}]
  updated_at        timestamptz not null default now(),
  unique (owner_citizen_id, procedure_code)
);

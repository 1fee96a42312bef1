-- The result document the specialist drafts while examining a dossier; the signing leader
-- signs what it says. One draft per dossier, editable until the dossier is proposed.
create table result_drafts (
  dossier_code   text primary key,
  kind           text not null check (kind in ('certificate', 'licence', 'written_reply')),
  document_name  text not null,
  content        jsonb not null,
  updated_by     text not null,
  updated_at     timestamptz not null default now()
);

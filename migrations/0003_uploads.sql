-- Uploaded files. The bytes live in the content-addressed blob store under `sha256`
-- (a folder, or S3 in production); the blob is written before the row, so every row has
-- its blob. Several rows may share a blob: the same file uploaded twice is stored once.
create table uploads (
  id            uuid primary key default gen_random_uuid(),
  sha256        text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size          int not null check (size > 0),
  content_type  text not null,
  kind          text not null check (kind in ('pdf', 'jpeg', 'png', 'docx', 'xlsx')),
  file_name     text not null check (length(file_name) between 1 and 255),
  owner         text not null,               -- actorOf(principal): citizen:<id>, staff:<username>, service:<clientId>
  created_at    timestamptz not null default now()
);
create index uploads_owner on uploads (owner, created_at desc);
create index uploads_sha256 on uploads (sha256);

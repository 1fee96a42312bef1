-- Share links to a result in the holder's e-data repository (issue 10): each link is a row,
-- so the holder can see the links they gave out and revoke one without touching the others.
-- The link's token is the row's id and an HMAC of it under the server's secret; nothing of
-- the token is stored, and a token whose HMAC does not match is refused before any lookup.
-- Links given out before this migration were stateless tokens: they stop working, as they
-- could never be revoked.
create table share_links (
  id                uuid primary key default gen_random_uuid(),
  result_code       text not null references results (result_code),
  owner_citizen_id  uuid not null,
  created_at        timestamptz not null default now(),
  expires_at        timestamptz not null,
  revoked_at        timestamptz,
  check (expires_at > created_at)
);
-- The holder's active links, newest first (the repository page).
create index share_links_owner on share_links (owner_citizen_id, created_at desc) where revoked_at is null;

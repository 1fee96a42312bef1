-- Demo mode's test CA and the PKCS#12 keys it issues (results/signing-keys.ts), shared by every
-- node of a cluster: kept in a node's DATA_DIR, two nodes made two CAs and two certificates for
-- one leader. Each PKCS#12 stays encrypted under a password derived from the token secret all
-- nodes share. The first insert of an id wins; production keys (SIGNING_P12_DIR) are not here.
create table demo_signing_keys (
  id          text primary key,
  p12         bytea not null,
  created_at  timestamptz not null default now()
);

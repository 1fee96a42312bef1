-- Checkpoints of the audit trail: each records every chain's head (last entry id and hash),
-- so deleting the newest entries of a chain, which leaves the chain itself well linked, is
-- noticed. Checkpoints form a chain of their own (prev_hash → hash), each signed with a key
-- kept in the configuration, never in the database (HMAC-SHA-256, hex), and, when a
-- time-stamping authority is configured, time-stamped (RFC 3161 token over the hash,
-- base64 DER, added right after the checkpoint commits). The newest checkpoint's hash is
-- also kept outside the database (DATA_DIR), so deleting checkpoints with the entries is
-- noticed too. See src/platform/audit/checkpoint.ts for what is and is not detected.
create table audit_checkpoints (
  seq        bigint primary key,
  at         timestamptz not null,
  heads      jsonb not null,        -- [[last id, last hash], …] by chain; [0, genesis] for an empty chain
  prev_hash  text not null,
  hash       text not null,
  signature  text not null,
  tsa_token  text
);

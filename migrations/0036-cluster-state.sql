-- State that every node of a cluster must share (issue 17): kept in the database, not in a node's memory.

-- Rate-limit counts: one fixed window per client and limit class (the key names both). Unlogged:
-- losing the counts in a crash only opens a fresh window, and a count per request is not worth
-- the WAL. Old windows go with the sessions' housekeeping.
create unlogged table rate_limit_windows (
  key text primary key,
  window_start timestamptz not null,
  count integer not null
);
create index rate_limit_windows_start on rate_limit_windows (window_start);

-- The VNeID simulator's provider state (sessions, interactions, codes, tokens, grants, its signing
-- key), so a code issued on one node is redeemed on another. Demo only; expired rows are ignored
-- and purged by the simulator itself.
create table sso_simulator_store (
  model text not null,
  id text not null,
  payload jsonb not null,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz,
  primary key (model, id)
);
create index sso_simulator_store_grant on sso_simulator_store (grant_id) where grant_id is not null;
create index sso_simulator_store_uid on sso_simulator_store (uid) where uid is not null;
create index sso_simulator_store_user_code on sso_simulator_store (user_code) where user_code is not null;
create index sso_simulator_store_expires on sso_simulator_store (expires_at) where expires_at is not null;

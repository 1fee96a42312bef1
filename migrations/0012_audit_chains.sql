-- The audit trail becomes 16 hash chains instead of one: entries about one target stay in
-- one chain, in order, and writers about different targets no longer queue on one lock
-- (the single chain capped filing at one commit at a time).
alter table audit_log add column chain smallint not null default 0;
create index audit_log_chain on audit_log (chain, id desc);

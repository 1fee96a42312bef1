-- An administrator can reset an official's credentials (issue 11): a temporary password and
-- a cleared TOTP secret. Until the official has set a password of their own, their sessions
-- reach only the change-password page (must_change_password). A cleared TOTP is enrolled
-- again on that page: the secret shown there waits in totp_pending_secret until a code from
-- it is entered, so a secret nobody has confirmed never becomes the second factor.
alter table staff add column must_change_password boolean not null default false;
-- When the password was last set by a reset or by the official: bearer tokens issued before
-- then are refused (sessions of that time are deleted with the change).
alter table staff add column password_changed_at timestamptz;
alter table staff add column totp_pending_secret text;

-- The audit trail page filters by who, what, about what and when, newest first, and pages on
-- the id: each filter walks its own index instead of the whole trail.
create index audit_log_actor on audit_log (actor, id desc);
create index audit_log_target on audit_log (target, id desc);
create index audit_log_action on audit_log (action text_pattern_ops, id desc);
create index audit_log_at on audit_log (at);

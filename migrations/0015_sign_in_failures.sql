-- Failed sign-ins are counted per username, whether or not an account has that name: a
-- lockout then looks the same for unknown and existing accounts, and each attempt is counted
-- in one statement before its password is checked, so parallel guesses cannot race past the
-- limit. The counters on staff counted after the check and only for existing accounts.
create table sign_in_failures (
  username     text primary key,
  failures     int not null,
  locked_until timestamptz,
  updated_at   timestamptz not null default now()
);
alter table staff drop column failed_logins;
alter table staff drop column locked_until;

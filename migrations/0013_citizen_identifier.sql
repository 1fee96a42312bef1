-- Filing for an applicant looks up their account by citizen-ID number or tax code
-- (find-citizen); without this it scanned every account.
create index citizens_identifier on citizens (identifier, last_login_at desc);

-- Issue 16: the national business registry's answers, kept a day so a form filled twice, or by
-- many officials at once, asks the registry once (src/modules/business-registry). In the
-- database, not in memory, so every node reads the same copy. `business` is null for a code
-- the registry does not know (kept an hour only: a business registered today must be found).
create table business_registry_cache (
  tax_code    text primary key,
  business    jsonb,
  fetched_at  timestamptz not null,
  expires_at  timestamptz not null
);
create index business_registry_cache_expires on business_registry_cache (expires_at);

-- Our shared data (src/modules/data-sharing): another agency asks for one holder's dossiers and
-- results by their ID number or tax code; both lists are read newest first, a page at a time.
create index dossiers_applicant_identifier on dossiers ((applicant ->> 'identifier'), submitted_at desc);
create index results_holder on results (holder_identifier, issued_at desc);

-- An upload made from a document already in the applicant's e-data repository (a result
-- issued before) instead of a new file: "provide data only once". Dossiers record the reuse.
alter table uploads add column reused_from text;

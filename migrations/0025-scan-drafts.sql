-- Issue 13: a scan may first be a draft. The officer sends the files, sees every page as a
-- thumbnail, reorders, turns, removes pages and sorts them into the dossier's components; only
-- then is it accepted, each component becoming a scan of its own with its OCR job. A draft has
-- no job: nothing reads it until it is accepted.
alter table scans drop constraint scans_status_check;
alter table scans add constraint scans_status_check check (status in ('draft', 'queued', 'processing', 'done', 'failed'));

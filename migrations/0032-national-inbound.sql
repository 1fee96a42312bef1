-- Issue 16 item 2: dossiers filed on the National Public Service Portal (Cổng DVCQG) and pushed to
-- us. They are filed through the same operation as every channel; the portal's own code (MaHoSo)
-- and the applicant's national account (TechID) are kept on the dossier, so the outbound sync
-- reports its statuses back under the portal's code, and so a second delivery of the same MaHoSo
-- (the portal retries when it did not hear our answer) finds the dossier instead of filing again.
alter table dossiers add column national_code text check (national_code is null or length(national_code) between 1 and 60);
alter table dossiers add column national_tech_id text check (national_tech_id is null or length(national_tech_id) between 1 and 100);
create unique index dossiers_national_code on dossiers (national_code) where national_code is not null;

-- A dossier's version: the sequence number of its last action (dossier_actions.seq). Every
-- action names the version it was chosen on, and take-action refuses one whose version is no
-- longer current (409 with the current state), under the row lock: two officials acting on
-- the same page state cannot both succeed. A new dossier starts at its `submit`, seq 1.
alter table dossiers add column version int not null default 1;
update dossiers d set version = a.last
  from (select dossier_id, max(seq) as last from dossier_actions group by dossier_id) a
  where a.dossier_id = d.id and d.version <> a.last;

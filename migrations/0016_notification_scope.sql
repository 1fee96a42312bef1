-- The outbox is scoped like dossiers (issue 10): an official sees the messages of dossiers
-- they may see, that is of dossiers received or handled in units they cover. Each row
-- carries its dossier's current units, written by notify() from what the dossiers module
-- passes and rewritten when the dossier moves (rescopeNotifications), so the notifications
-- module never reads the dossiers table. A row with no units is seen only by officials who
-- cover the whole organisation.
alter table notifications add column dossier_units text[] not null default '{}';

update notifications n
   set dossier_units = case when d.handling_unit = d.receiving_unit then array[d.receiving_unit] else array[d.receiving_unit, d.handling_unit] end
  from dossiers d
 where d.code = n.dossier_code;

-- `dossier_units && $covered`: a unit with few messages is read through this index (then
-- the page is sorted); a unit with many is read by walking notifications_created newest
-- first and stops at the page. The planner chooses from the array's element statistics.
create index notifications_units on notifications using gin (dossier_units) with (fastupdate = off);
analyze notifications;

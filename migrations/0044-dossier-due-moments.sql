-- Issue 19: a dossier's time limit ends at a moment, not only on a day. Limits in working hours
-- and same-day limits end inside office hours; limits in days end at the end of their last day
-- in Viet Nam (UTC+7 all year), so that a result returned any time that day is on time.
-- due_date and step_due_date stay, written as the Vietnamese day of the moment, for what needs
-- only the day (form 01's appointment, reports by day).
alter table dossiers add column due_at timestamptz, add column step_due_at timestamptz;

update dossiers
   set due_at = (due_date::timestamp + interval '1 day' - interval '1 millisecond' - interval '7 hours') at time zone 'UTC'
 where due_date is not null and due_at is null;
update dossiers
   set step_due_at = (step_due_date::timestamp + interval '1 day' - interval '1 millisecond' - interval '7 hours') at time zone 'UTC'
 where step_due_date is not null and step_due_at is null;

-- The projection's JSON state carries the same moment (workflow.ts DossierState.dueAt), written
-- as JavaScript's toISOString() writes it.
update dossiers
   set state = jsonb_set(
         state,
         '{dueAt}',
         case when due_at is null then 'null'::jsonb
              else to_jsonb(to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) end)
 where not (state ? 'dueAt');

-- Work queues' "overdue" and "due soon" compare moments now.
create index dossiers_due_at on dossiers (due_at) where finished_at is null;

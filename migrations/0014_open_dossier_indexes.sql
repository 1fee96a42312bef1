-- Work queues read open dossiers and finished ones separately (list-dossiers), so that a
-- unit's page does not slow down as its history grows: open ones through these partial
-- indexes, finished ones by an index walk newest first that stops at the page.
create index dossiers_open_handling on dossiers (handling_unit) where finished_at is null;
create index dossiers_open_receiving on dossiers (receiving_unit) where finished_at is null;
create index dossiers_done_handling on dossiers (handling_unit, submitted_at desc) where finished_at is not null;
create index dossiers_done_receiving on dossiers (receiving_unit, submitted_at desc) where finished_at is not null;

-- Issue 19: office hours per agency, the minutes of a working day that deadlines in working hours
-- and same-day cut-offs count. One row per unit code (an org_units.id, checked by the
-- application rather than a foreign key: modules keep to their own tables); the row '*' is the
-- default for every unit without its own. No row at all: 08:00–12:00, 13:00–17:00
-- (src/modules/calendar/office-hours.ts). periods: [{"start":"HH:MM","end":"HH:MM"}, …], sorted
-- and apart, validated by the application. Changes are audited.
create table calendar_office_hours (
  unit_code   text primary key,
  periods     jsonb not null check (jsonb_typeof(periods) = 'array' and jsonb_array_length(periods) between 1 and 6),
  updated_by  text not null,
  updated_at  timestamptz not null default now()
);

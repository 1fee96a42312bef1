-- Working-day calendar: each year's official schedule for civil servants, entered by an
-- administrator. A year without a row follows the statutory default computed in code
-- (src/modules/calendar/holidays.ts). days_off replaces the default holiday list of that
-- year; make_up_working_days are Saturdays or Sundays worked (làm bù). Changes are audited.
create table calendar_years (
  year                  int primary key check (year between 1900 and 2199),
  days_off              date[] not null default '{}',
  make_up_working_days  date[] not null default '{}',
  updated_by            text not null,
  updated_at            timestamptz not null default now()
);

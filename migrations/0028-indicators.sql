-- Issue 15: the service index of Decision 766/QĐ-TTg, kept live. The index is read from these
-- counts only (never from dossiers), so figures over a million dossiers cost an indexed scan of
-- a few thousand rows. A dossier counts for the unit that received it (the one-stop desk answers
-- for it to the applicant), its procedure, and the Vietnamese day each fact happened on.
--
-- Flows (received, returned, rated, …) are counted on their day. Stocks (in progress, overdue)
-- are kept as changes: +1 on the day a dossier starts being in progress (or overdue), -1 on the day
-- it stops, so the stock at the end of a day is the sum of the changes up to it. An overdue start
-- may lie in the future (the day after the due date): summed up to today, it counts from that day.
create table indicator_days (
  unit_id                     text not null,
  procedure_code              text not null,
  day                         date not null,
  received                    int not null default 0,
  received_online             int not null default 0,
  open_delta                  int not null default 0,  -- in progress: received and not finished (+1 received, -1 finished)
  overdue_delta               int not null default 0,  -- in progress, clock running, past the due date (+1 the day after it, -1 finished)
  returned_on_time            int not null default 0,  -- result returned on or before the due date
  returned_late               int not null default 0,
  closed_other                int not null default 0,  -- refused after receipt, withdrawn, stopped
  returned_fee_bearing        int not null default 0,  -- returned that day: a fee was made due or paid through congso
  returned_paid_online        int not null default 0,  -- … paid through the national payment platform
  returned_paper              int not null default 0,  -- … filed at the counter or by post
  returned_paper_digitised    int not null default 0,  -- … paper, with a confirmed digitised component
  returned_electronic_result  int not null default 0,  -- … with a result in the results register
  returned_fully_digitised    int not null default 0,  -- … components electronic or digitised, and an electronic result
  returned_reused             int not null default 0,  -- … a component reused from the e-data repository
  rated_1                     int not null default 0,  -- ratings by level (rounded mean of the four criteria), on the day rated
  rated_2                     int not null default 0,
  rated_3                     int not null default 0,
  rated_4                     int not null default 0,
  rated_5                     int not null default 0,
  primary key (unit_id, procedure_code, day)
);
-- A procedure (or a field's procedures) asked for across units; every unit's days from a period's first on.
create index indicator_days_procedure on indicator_days (procedure_code, day);
create index indicator_days_day on indicator_days (day);

-- The same counts per unit and day only: what the ministry's and a unit's figures read (a few
-- hundred rows a unit per year, however many procedures it handles).
create table indicator_unit_days (
  unit_id                     text not null,
  day                         date not null,
  received                    int not null default 0,
  received_online             int not null default 0,
  open_delta                  int not null default 0,  -- in progress: received and not finished (+1 received, -1 finished)
  overdue_delta               int not null default 0,  -- in progress, clock running, past the due date (+1 the day after it, -1 finished)
  returned_on_time            int not null default 0,  -- result returned on or before the due date
  returned_late               int not null default 0,
  closed_other                int not null default 0,  -- refused after receipt, withdrawn, stopped
  returned_fee_bearing        int not null default 0,  -- returned that day: a fee was made due or paid through congso
  returned_paid_online        int not null default 0,  -- … paid through the national payment platform
  returned_paper              int not null default 0,  -- … filed at the counter or by post
  returned_paper_digitised    int not null default 0,  -- … paper, with a confirmed digitised component
  returned_electronic_result  int not null default 0,  -- … with a result in the results register
  returned_fully_digitised    int not null default 0,  -- … components electronic or digitised, and an electronic result
  returned_reused             int not null default 0,  -- … a component reused from the e-data repository
  rated_1                     int not null default 0,  -- ratings by level (rounded mean of the four criteria), on the day rated
  rated_2                     int not null default 0,
  rated_3                     int not null default 0,
  rated_4                     int not null default 0,
  rated_5                     int not null default 0,
  primary key (unit_id, day)
);
-- The ministry's figures: every unit's days from a period's first on.
create index indicator_unit_days_day on indicator_unit_days (day);

-- What each dossier has added to the tables above, as [day, counter, amount] changes: an event
-- recomputes the dossier's share from its current facts and applies only the difference, so a
-- dossier is never counted twice, and a rebuild replaces all three tables from the logs.
create table indicator_dossiers (
  dossier_code    text primary key,
  unit_id         text not null,
  procedure_code  text not null,
  entries         jsonb not null
);

-- Every change of the stocks summed, per unit and procedure and per unit: the stock at the end
-- of a day is this total less the changes dated after that day, so a period is read from its
-- first day on instead of from the beginning of history.
create table indicator_totals (
  unit_id         text not null,
  procedure_code  text not null,
  open_total      int not null default 0,
  overdue_total   int not null default 0,
  primary key (unit_id, procedure_code)
);
create table indicator_unit_totals (
  unit_id         text primary key,
  open_total      int not null default 0,
  overdue_total   int not null default 0
);

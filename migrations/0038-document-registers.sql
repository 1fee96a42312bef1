-- Issue 18: running numbers of official documents (Decree 30/2020). One row per register
-- (an outgoing series such as "QĐ" or "CV", the incoming register, a unit's own series) and
-- year, incremented in the transaction that numbers the document: a rolled-back numbering
-- gives its number back, so numbers are gap-free, and the row lock orders concurrent
-- numberings, so they are unique. A new year is a new row: numbering restarts at 1.
create table document_counters (
  register  text not null,
  year      int not null check (year between 2000 and 2200),
  last      int not null check (last >= 1),
  primary key (register, year)
);

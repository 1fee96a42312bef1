-- Issue 14: fees paid online through the national payment platform (INTEGRATIONS §2) or at the
-- counter, the electronic receipts of Decree 11/2020, and the daily reconciliation with the
-- platform's statement. Amounts are whole đồng (VND has no minor unit), 0 … 999,999,999,999.

-- One attempt to pay what a dossier owes. `reference` is the platform's MaThamChieu (unique per
-- attempt, so a retried attempt is a new row); a counter payment has one too, so every payment
-- is named the same way on receipts and in the ledger.
create table payments (
  id                uuid primary key default gen_random_uuid(),
  reference         text not null unique,
  dossier_code      text not null,
  unit_id           text not null,                      -- the collecting unit: the dossier's receiving unit
  purpose           text not null check (purpose in ('filing', 'obligation')),
  due_seq           int not null check (due_seq > 0),   -- the action seq that made the fee due: a later one makes this payment stale
  lines             jsonb not null,                     -- the fee lines charged, as computed when the attempt began
  -- What the receipt prints (payer, procedure, unit), as it was when the attempt began: a stale
  -- payment settles after the dossier no longer owes anything, and still gets its receipt.
  snapshot          jsonb not null,
  amount            bigint not null check (amount >= 0 and amount <= 999999999999),
  method            text not null check (method in ('online', 'cash', 'card')),
  state             text not null check (state in ('pending', 'success', 'failed', 'expired')),
  redirect_url      text,                               -- the platform's payment page for this attempt, once INIT answered
  gateway_txn       text,                               -- the platform's MaGiaoDich
  bank              text,                               -- MaNganHang
  payer_citizen_id  uuid,                               -- the applicant's account: the receipt goes to their repository
  created_by        text not null,                      -- actorOf(principal)
  created_at        timestamptz not null default now(),
  settled_at        timestamptz,
  expires_at        timestamptz,
  last_queried_at   timestamptz,
  refunded          bigint not null default 0 check (refunded >= 0 and refunded <= amount),
  -- Settled, but the dossier no longer owed it (paid twice, or for a request since replaced): the money goes back.
  refund_due        boolean not null default false,
  check ((state = 'success') = (settled_at is not null))
);
-- One pending online attempt per dossier and due: a retried "pay" answers the same attempt.
create unique index payments_one_pending on payments (dossier_code, due_seq) where state = 'pending' and method = 'online';
create index payments_dossier on payments (dossier_code, created_at);
-- The query job reads pending attempts oldest first.
create index payments_pending on payments (created_at) where state = 'pending';
-- The ledger: a unit's payments by day.
create index payments_unit_settled on payments (unit_id, settled_at) where settled_at is not null;
create index payments_unit_created on payments (unit_id, created_at);
create index payments_payer on payments (payer_citizen_id) where payer_citizen_id is not null;
-- The ledger counts a unit's payments waiting for their refund.
create index payments_refund_due on payments (unit_id) where refund_due;

-- Everything that happened to a payment, in order, never changed: the platform's messages as
-- received (callback, browser return, query answers), refunds, counter collections. A forged
-- message names no payment we can trust, so payment_id may be null.
create table payment_events (
  id          bigserial primary key,
  payment_id  uuid references payments (id),
  kind        text not null check (kind in ('init', 'callback', 'return', 'query', 'forged', 'refund', 'counter')),
  at          timestamptz not null default now(),
  actor       text not null,
  data        jsonb not null default '{}'
);
create index payment_events_payment on payment_events (payment_id, id);

-- The electronic receipt (biên lai điện tử, Decree 11/2020 art. 32): one per settled payment,
-- numbered in its unit's series of the year, the PDF in the blob store under its SHA-256.
create table receipts (
  id            uuid primary key default gen_random_uuid(),
  payment_id    uuid not null unique references payments (id),
  unit_id       text not null,
  year          int not null,
  template_code text not null,   -- ký hiệu mẫu, e.g. 01BLP0-001
  series        text not null,   -- ký hiệu biên lai, e.g. CS-26E
  number        int not null check (number > 0 and number <= 9999999),
  issued_at     timestamptz not null,
  sha256        text not null,
  size          int not null,
  unique (unit_id, year, series, number)
);

-- The next number of each unit's series per year, incremented in the settling transaction:
-- gap-free, as a rolled-back settlement rolls the number back too.
create table receipt_series (
  unit_id       text not null,
  year          int not null,
  template_code text not null,
  series        text not null,
  next_number   int not null default 1 check (next_number > 0),
  primary key (unit_id, year)
);

-- One comparison of our ledger with the platform's statement of a day (Vietnam day).
create table reconciliation_runs (
  id               uuid primary key default gen_random_uuid(),
  day              date not null,
  started_by       text not null,
  started_at       timestamptz not null default now(),
  finished_at      timestamptz,
  statement_lines  int not null default 0,
  ledger_payments  int not null default 0,
  mismatches       int not null default 0
);
create index reconciliation_runs_day on reconciliation_runs (day, started_at desc);

-- A difference found by a run, for the finance officer to resolve with a note.
create table reconciliation_items (
  id            uuid primary key default gen_random_uuid(),
  run_id        uuid not null references reconciliation_runs (id),
  kind          text not null check (kind in ('missing_here', 'missing_there', 'amount_differs', 'state_differs')),
  reference     text not null,
  payment_id    uuid references payments (id),
  unit_id       text,                         -- the payment's unit; null for a line we have no payment for
  ours          jsonb,                        -- { amount, state } in our ledger
  theirs        jsonb,                        -- { amount, state, gatewayTxn } in the statement
  resolved_by   text,
  resolved_at   timestamptz,
  note          text,
  check ((resolved_at is null) = (resolved_by is null))
);
create index reconciliation_items_run on reconciliation_items (run_id);
create index reconciliation_items_open on reconciliation_items (unit_id) where resolved_at is null;

-- The finance officer (Kế toán) reads the unit's ledger, reconciles and records refunds
-- (STAFF_ROLES in src/platform/auth/roles.ts, which this check mirrors).
alter table staff_roles drop constraint if exists staff_roles_role_check;
alter table staff_roles add constraint staff_roles_role_check
  check (role in ('receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'administrator', 'auditor', 'finance_officer'));

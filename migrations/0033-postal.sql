-- Issue 16 item 3: VNPost orders for the postal pickup of a paper dossier and the postal delivery
-- of a result (src/modules/postal). One order per dossier and purpose: a retried action never
-- makes a second one. `state`: requested (chosen at filing, nothing sent yet), ordered (the
-- create message is in the integration outbox, written in the transaction of the dossier's
-- action), then what VNPost's tracking says (registered, collected, in_transit, delivered,
-- returned) or cancelled. `fee` is what the applicant was shown before confirming (đồng).
create table postal_orders (
  id            bigserial primary key,
  dossier_code  text not null,
  purpose       text not null check (purpose in ('pickup', 'delivery')),
  order_number  text not null unique,
  item_code     text,
  state         text not null check (state in ('requested', 'ordered', 'registered', 'collected', 'in_transit', 'delivered', 'returned', 'cancelled')),
  fee           int not null check (fee >= 0),
  sender        jsonb not null,
  receiver      jsonb not null,
  created_at    timestamptz not null default now(),
  ordered_at    timestamptz,
  updated_at    timestamptz not null default now(),
  polled_at     timestamptz,
  unique (dossier_code, purpose)
);
-- The tracking poll reads the open orders, least recently polled first.
create index postal_orders_open on postal_orders (polled_at nulls first) where state in ('ordered', 'registered', 'collected', 'in_transit');

-- VNPost's tracking events, once each: answers may repeat an event or list them out of order.
create table postal_events (
  order_id        bigint not null references postal_orders (id) on delete cascade,
  event_time      timestamptz not null,
  status_code     text not null,
  state           text check (state in ('registered', 'collected', 'in_transit', 'delivered', 'returned', 'cancelled')),
  status_message  text not null default '',
  pos_id          text,
  item_code       text,
  notes           text,
  received_at     timestamptz not null default now(),
  primary key (order_id, event_time, status_code)
);

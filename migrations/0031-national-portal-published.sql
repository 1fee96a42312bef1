-- The service index's "dossiers with their progress published" (Decision 766, transparency) counts a
-- received dossier as published once its receipt reached the National Public Service Portal: the
-- national-portal adapter records the first delivered progress step at or after the receipt here
-- (once per dossier), and in the same transaction the indicators module counts it on the receipt
-- day (`published`). A fact of its own, since the outbox's sent messages are not kept for ever.
create table national_portal_published (
  dossier_code  text primary key,
  published_at  timestamptz not null
);

-- Received dossiers whose receipt reached the portal, as the index counts them (a flow, on the receipt day).
alter table indicator_days add column published int not null default 0;
alter table indicator_unit_days add column published int not null default 0;

-- Dossiers delivered before this table existed: the first sent progress step at or after the
-- receipt. Their counts follow with `main.ts indicators rebuild` (`check` shows them until then).
insert into national_portal_published (dossier_code, published_at)
select m.key, min(m.sent_at)
from outbox_messages m
join dossiers d on d.code = m.key
join dossier_actions a on a.dossier_id = d.id and a.action = 'receive'
where m.adapter = 'national-portal' and m.kind = 'CapNhatTienDoHoSoMC' and m.status = 'sent'
  and (m.payload->>'seq')::int >= a.seq
group by m.key
on conflict do nothing;

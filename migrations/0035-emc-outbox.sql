-- EMC's events move to the integration outbox (0030): the events still waiting are carried over
-- as messages of the adapter `emc` (delivered ones only fed the daily count, which stays in
-- analytics_days), and the table of their own goes.
insert into outbox_messages (adapter, key, dedupe, kind, payload, attempts, last_error, created_at)
select 'emc', dossier_code, dossier_code || ':' || seq, 'event', payload, attempts, last_error, created_at
from emc_events where sent_at is null
order by id
on conflict (adapter, dedupe) do nothing;
drop table emc_events;

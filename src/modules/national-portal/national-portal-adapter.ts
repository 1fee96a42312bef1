import type { Ctx } from '../../platform/context.ts';
import type { DeliveryOutcome, OutboxAdapter, OutboxMessage } from '../../platform/outbox/index.ts';
import { unitNames } from '../organisation/names.ts';
import { roleLabel, staffDisplayNames } from '../organisation/staff-names.ts';
import { readSyncFacts, type SyncFacts } from '../dossiers/read-sync-facts.ts';
import {
  inOrder,
  isAlreadyExists,
  isNotFound,
  isRejection,
  isUpdatingValue,
  RATING_SUMMARY_FIELDS,
  SERVICES,
  type PortalReply,
  type RatingSummaryRecord,
  type ServiceName,
} from './contract.ts';
import { nationalPortalClient, type NationalPortalClient } from './portal-client.ts';
import { NATIONAL_PORTAL_ADAPTER, type SyncStep } from './enqueue-national-sync.ts';
import { stepAction, toDossierRecord, toProgressRecord, type ActorNames } from './records.ts';
import { recordPublishedDossier } from './record-published-dossier.ts';

export const NATIONAL_PORTAL_LABEL = { vi: 'Cổng Dịch vụ công quốc gia', en: 'National Public Service Portal' } as const;

/**
 * The outbox adapter of the National Public Service Portal: delivers each message the actions
 * enqueued (enqueue-national-sync.ts) and the monthly summaries (sync-ratings.ts). The outbox
 * keeps a dossier's messages in order and retries with backoff; this decides what an answer
 * means: 0 is delivered; "already exists" to a new dossier is sent again as an update (and "not
 * found" to an update as new: the portal lost or never had it); a record the portal refuses as
 * malformed is a permanent failure (a dead letter an administrator looks at); anything else
 * (no answer, a timeout, an HTTP error, the portal's own trouble) is tried again later.
 */
export function nationalPortalAdapter(opts: { client?: NationalPortalClient } = {}): OutboxAdapter {
  return {
    name: NATIONAL_PORTAL_ADAPTER,
    label: NATIONAL_PORTAL_LABEL,
    deliver: (ctx, m) => deliverNationalMessage(ctx, m, opts.client ?? nationalPortalClient(ctx)),
    // Every record must arrive, and a dead letter holds its dossier's later steps back: with the
    // backoff capped at an hour, 24 attempts ride out about two days of the portal being down
    // (a maintenance weekend) before an administrator is asked to look.
    maxAttempts: 24,
  };
}

/**
 * Dossiers this process knows the portal has (a push succeeded, or it answered "already
 * exists"): their next push goes straight as an update, so a first push whose answer was lost
 * costs one extra call once, not at every retry. Per context, bounded; a miss only costs the
 * "already exists" round trip.
 */
// Per node is fine in a cluster: what it holds never goes stale (the portal keeps a dossier), and another node's miss costs the same one round trip.
const KNOWN = new WeakMap<Ctx, Map<string, true>>();
const KNOWN_MAX = 20_000;
function knownTo(ctx: Ctx): Map<string, true> {
  let m = KNOWN.get(ctx);
  if (!m) {
    m = new Map();
    KNOWN.set(ctx, m);
  }
  return m;
}
function remember(ctx: Ctx, code: string) {
  const m = knownTo(ctx);
  m.delete(code);
  m.set(code, true);
  if (m.size > KNOWN_MAX) m.delete(m.keys().next().value!);
}

export async function deliverNationalMessage(ctx: Ctx, m: OutboxMessage, client: NationalPortalClient | null): Promise<DeliveryOutcome> {
  if (!client) return { ok: false, error: 'the national portal is not configured (NATIONAL_PORTAL_URL)' };
  switch (m.kind) {
    case SERVICES.syncDossier:
    case SERVICES.updateProgress: {
      const step = m.payload as SyncStep;
      const facts = await readSyncFacts(ctx, step.dossierCode);
      if (!facts) return { ok: false, error: `dossier ${step.dossierCode} does not exist`, permanent: true };
      return m.kind === SERVICES.syncDossier ? pushDossier(ctx, client, facts, step) : pushProgress(ctx, client, facts, step);
    }
    case SERVICES.syncRatings:
      // The payload went through jsonb, which keeps no key order: the portal's order is restored here.
      return outcome(
        await client.call(SERVICES.syncRatings, { data: (m.payload as { data: RatingSummaryRecord[] }).data.map((r) => inOrder(RATING_SUMMARY_FIELDS, r)) }),
        SERVICES.syncRatings,
      );
    default:
      return { ok: false, error: `unknown message kind ${m.kind}`, permanent: true };
  }
}

async function pushDossier(ctx: Ctx, client: NationalPortalClient, f: SyncFacts, step: SyncStep): Promise<DeliveryOutcome> {
  const names = await unitNames(ctx, [step.handlingUnit]);
  const record = toDossierRecord(f, step, { handlingUnitName: names.get(step.handlingUnit)?.name ?? step.handlingUnit, publicUrl: ctx.config.publicUrl });
  const code = record.MaHoSo;
  let updating = !step.first || knownTo(ctx).has(code);
  // At most one switch: new → update on "already exists" (a timed-out first push that did arrive), update → new on "not found".
  for (let i = 0; i < 2; i++) {
    const r = await client.call(SERVICES.syncDossier, { isUpdating: isUpdatingValue(updating), data: [record] });
    if (r.answered && !updating && isAlreadyExists(r.reply)) {
      remember(ctx, code);
      updating = true;
      continue;
    }
    if (r.answered && updating && isNotFound(r.reply) && i === 0) {
      knownTo(ctx).delete(code);
      updating = false;
      continue;
    }
    if (r.answered && r.reply.error_code === 0) remember(ctx, code);
    return outcome(r, SERVICES.syncDossier);
  }
  return { ok: false, error: 'the portal answered neither as new nor as update' };
}

async function pushProgress(ctx: Ctx, client: NationalPortalClient, f: SyncFacts, step: SyncStep): Promise<DeliveryOutcome> {
  const record = toProgressRecord(f, step, await actorNames(ctx, f, step));
  const result = outcome(await client.call(SERVICES.updateProgress, { data: [record] }), SERVICES.updateProgress);
  // The portal now shows the receipt (TrangThai 2, or a later step, delivered after the record
  // carrying NgayTiepNhan): the dossier counts as published in the service index. Any step at or
  // after the receipt does, so a dossier received before the portal was configured counts from
  // its next step. A failure here throws: the outbox delivers the step again, which the portal
  // takes as once, and this runs again.
  if (result.ok && f.actions.some((a) => a.action === 'receive' && a.seq <= step.seq)) await recordPublishedDossier(ctx, step.dossierCode);
  return result;
}

/** The actor's title and unit as the portal shows them: an official's role in the unit they acted in; the applicant; the platform. */
async function actorNames(ctx: Ctx, f: SyncFacts, step: SyncStep): Promise<ActorNames> {
  const a = stepAction(f, step);
  if (!a?.actor.startsWith('staff:')) {
    const applicant = a?.actor.startsWith('citizen:') || a?.action === 'submit' || a?.action === 'withdraw' || a?.action === 'supplement';
    return { title: applicant ? 'Người nộp hồ sơ' : 'Hệ thống', unitName: '' };
  }
  const official = (await staffDisplayNames(ctx, [a.actor])).get(a.actor.slice(6));
  const places = [a.toUnit, step.handlingUnit, f.receivingUnit, f.handlingUnit];
  const role = official?.roles.find((r) => places.includes(r.unitId)) ?? official?.roles[0];
  const unit = role?.unitId ?? step.handlingUnit;
  const names = await unitNames(ctx, [unit]);
  return { title: roleLabel('vi', role?.role ?? ''), unitName: names.get(unit)?.name ?? unit };
}

type CallResult = Awaited<ReturnType<NationalPortalClient['call']>>;

function outcome(r: CallResult, service: ServiceName): DeliveryOutcome {
  if (!r.answered) return { ok: false, error: `${service}: ${r.error}` };
  const reply: PortalReply = r.reply;
  if (reply.error_code === 0) return { ok: true, result: { error_code: 0, message: reply.message ?? '' } };
  const error = `${service}: error_code ${reply.error_code}: ${String(reply.message ?? '').slice(0, 300)}`;
  return isRejection(reply) ? { ok: false, error, permanent: true } : { ok: false, error };
}

import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { coveredUnits } from '../../dossiers/visibility.ts';
import { deadlineStates } from './deadline-state.ts';
import type { IncomingListQuery, IncomingSummary } from './schemas.ts';
import { numberNotationOf } from './store.ts';

export const INCOMING_PAGE_SIZE = 50;
const LEADER_ROLES = ['unit_leader', 'signing_leader'];

/**
 * The caller's incoming documents, newest first: what their units received or were asked to
 * direct, what they directed, handle or co-handle. `mine=1`: the documents they handle;
 * `awaiting=1`: those waiting for their direction. The same rule as getIncomingDocument's, as a query.
 */
export async function listIncomingDocuments(
  ctx: Ctx,
  p: Principal,
  q: IncomingListQuery,
): Promise<{ items: IncomingSummary[]; total: number; page: number; pageSize: number }> {
  if (p.kind !== 'staff') return { items: [], total: 0, page: q.page, pageSize: INCOMING_PAGE_SIZE };
  const units = await coveredUnits(ctx, p);
  const leaderUnits = await leaderCovered(ctx, p);
  const isLeader = p.roles.some((r) => LEADER_ROLES.includes(r.role));
  let base = ctx.database.db.selectFrom('incoming_documents').where((eb) => {
    if (q.mine === '1') return eb.or([eb('handler_id', '=', p.id), eb(eb.val(p.id), '=', eb.fn.any('co_handler_ids'))]);
    if (q.awaiting === '1') {
      const mayDirect = [eb('directing_unit', 'in', leaderUnits.length ? leaderUnits : ['-'])];
      if (isLeader) mayDirect.push(eb('directing_unit', 'is', null));
      return eb.and([eb('status', '=', 'awaiting_direction'), eb('recall_pending', '=', false), eb.or(mayDirect)]);
    }
    const ors = [
      eb('receiving_unit', 'in', units.length ? units : ['-']),
      eb('directing_unit', 'in', units.length ? units : ['-']),
      eb('handler_id', '=', p.id),
      eb('directed_by', '=', p.id),
      eb(eb.val(p.id), '=', eb.fn.any('co_handler_ids')),
    ];
    if (isLeader) ors.push(eb.and([eb('directing_unit', 'is', null), eb('status', 'not in', ['arrived', 'refused'])]));
    return eb.or(ors);
  });
  if (q.status) base = base.where('status', '=', q.status);
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy(q.mine === '1' ? 'deadline' : 'received_at', q.mine === '1' ? 'asc' : 'desc')
      .orderBy('received_at', 'desc')
      .limit(INCOMING_PAGE_SIZE)
      .offset((q.page - 1) * INCOMING_PAGE_SIZE)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const states = await deadlineStates(ctx, rows);
  return {
    items: rows.map((r, i) => ({
      id: r.id,
      version: r.version,
      status: r.status,
      channel: r.channel,
      incomingNumber: r.incoming_number,
      numberNotation: numberNotationOf(r),
      subject: r.subject,
      sender: { organId: r.sender_organ_id, organName: r.sender_name },
      promulgationDate: r.promulgation_date,
      receivedAt: new Date(r.received_at).toISOString(),
      handlerId: r.handler_id,
      deadline: r.deadline,
      deadlineState: states[i],
      recallPending: r.recall_pending,
    })),
    total: Number(count.n),
    page: q.page,
    pageSize: INCOMING_PAGE_SIZE,
  };
}

/** Units where the caller holds a leader's role, and those beneath them. */
async function leaderCovered(ctx: Ctx, p: Extract<Principal, { kind: 'staff' }>): Promise<string[]> {
  return coveredUnits(ctx, { ...p, roles: p.roles.filter((r) => LEADER_ROLES.includes(r.role)) });
}

import { inTransaction, type Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../../platform/auth/roles.ts';
import { localDate } from '../../calendar/compute-due-date.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import { listUnits } from '../../organisation/list-units.ts';
import { coveredUnits } from '../../dossiers/visibility.ts';
import { formatNumber, takeNumber, vietnamYear } from '../numbering.ts';
import type { EdxmlStatusCode } from '../edxml/model.ts';
import type { IncomingActionInput } from './schemas.ts';
import { appendHistory, assertIncomingVisible, loadIncoming, reindex, sendStatusBack, staleIncoming, stateOfIncoming } from './store.ts';
import { allowedIncomingActions, applyIncomingAction, INCOMING_ACTION_LABELS, type IncomingActionName } from './workflow.ts';

/**
 * Takes one workflow action on an incoming document: visibility (404), the version it was chosen
 * on (409), the rules (workflow.ts), then the history entry, the projection, the audit entry, the
 * search index and the EDXML status back to the sender, all in one transaction.
 */
export async function takeIncomingAction(ctx: Ctx, id: string, input: IncomingActionInput, p: Principal) {
  return ctx.database.db.transaction().execute((tx) => takeIncomingActionTx(ctx, tx, id, input, p));
}

export async function takeIncomingActionTx(
  outer: Ctx,
  tx: Tx,
  id: string,
  input: IncomingActionInput,
  p: Principal,
  now = new Date(Date.now() + outer.config.clockOffsetMs),
): Promise<{ id: string; version: number; status: string; statusCode: EdxmlStatusCode | null }> {
  const ctx = inTransaction(outer, tx);
  const row = await loadIncoming(tx, id, true);
  const actor = await assertIncomingVisible(ctx, p, row);
  const s = stateOfIncoming(row);
  if (input.version !== row.version) throw staleIncoming(row, input.version, allowedIncomingActions(s, actor));
  const t = applyIncomingAction(s, input.action, actor);
  if ('refused' in t) throw refusal(t.refused, allowedIncomingActions(s, actor));

  const columns: Record<string, unknown> = { recall_pending: t.recallPending };
  let note: string | null = null;
  let description: string = INCOMING_ACTION_LABELS[input.action].vi;
  const data: Record<string, unknown> = {};
  switch (input.action) {
    case 'register': {
      if (input.directingUnitId && !(await listUnits(ctx)).some((u) => u.id === input.directingUnitId))
        throw invalid('body.directingUnitId', `Không có đơn vị ${input.directingUnitId}`, `Unknown unit ${input.directingUnitId}`);
      const year = vietnamYear(now);
      const n = await takeNumber(tx, 'incoming', year);
      Object.assign(columns, { incoming_year: year, incoming_number: n, registered_at: now, directing_unit: input.directingUnitId ?? null });
      Object.assign(data, { incomingNumber: n, year, directingUnit: input.directingUnitId ?? null });
      note = input.note ?? null;
      description = `Đã tiếp nhận, vào sổ văn bản đến số ${formatNumber(n)}/${year}`;
      break;
    }
    case 'refuse':
      note = input.reason;
      description = input.reason;
      break;
    case 'direct': {
      await checkPeople(ctx, p, input.handlerId, input.coHandlerIds ?? []);
      if (input.deadline && input.deadline < localDate(now))
        throw invalid('body.deadline', 'Hạn xử lý không được trước ngày hôm nay', 'The deadline cannot be before today');
      const co = [...new Set(input.coHandlerIds ?? [])].filter((x) => x !== input.handlerId);
      Object.assign(columns, {
        handler_id: input.handlerId,
        co_handler_ids: co,
        instructions: input.instructions || null,
        deadline: input.deadline ?? null,
        directed_by: p.kind === 'staff' ? p.id : null,
      });
      Object.assign(data, { handlerId: input.handlerId, coHandlerIds: co, deadline: input.deadline ?? null });
      note = input.instructions || null;
      description = `Đã phân công xử lý${input.deadline ? `, hạn ${input.deadline}` : ''}`;
      break;
    }
    case 'progress':
      if (!row.first_progress_at) columns.first_progress_at = now;
      note = input.note;
      description = input.note;
      break;
    case 'complete':
      columns.completed_at = now;
      note = input.note || null;
      description = input.note || 'Đã hoàn thành xử lý văn bản';
      break;
    case 'agree-recall':
      description = 'Đồng ý thu hồi văn bản';
      break;
    case 'refuse-recall':
      columns.recall_reason = null;
      note = input.reason;
      description = input.reason;
      break;
  }

  const exchanged = row.channel === 'axis' || row.channel === 'inbox';
  const sent = t.statusCode ? await sendStatusBack(ctx, tx, row, t.statusCode, description, p.kind === 'staff' ? { staff: p.name } : undefined) : false;
  const seq = await appendHistory(
    tx,
    row,
    {
      action: input.action,
      actor: actorOf(p),
      actorName: p.name,
      at: now,
      toStatus: t.next,
      // The status the sender is owed for this step (paper and e-mail senders have no exchange address).
      statusCode: exchanged ? t.statusCode : null,
      note,
      data: { ...data, ...(t.statusCode && exchanged ? { sent } : {}) },
    },
    columns,
  );
  await recordAudit(tx, {
    actor: actorOf(p),
    action: `documents.incoming.${input.action}`,
    target: `incoming:${row.id}`,
    data: { seq, from: row.status, to: t.next },
  });
  await reindex(tx, row.id);
  return { id: row.id, version: seq, status: t.next, statusCode: t.statusCode };
}

function refusal(r: { code: 'ACTION_NOT_ALLOWED' | 'NOT_YOUR_STEP'; vi: string; en: string }, allowed: IncomingActionName[]) {
  return new AppError(
    r.code,
    {
      vi: `${r.vi}. Thao tác được phép: ${allowed.map((a) => INCOMING_ACTION_LABELS[a].vi).join(', ') || 'không có'}`,
      en: `${r.en}. Allowed now: ${allowed.join(', ') || 'none'}`,
    },
    allowed.map((a) => ({ path: 'allowedActions', message: a, messageEn: a })),
  );
}

const invalid = (path: string, vi: string, en: string) => new AppError('VALIDATION_FAILED', { vi, en }, [{ path, message: vi, messageEn: en }]);

/** The handler is an active specialist of a unit the directing leader covers; co-handlers are active officials of those units. */
async function checkPeople(ctx: Ctx, p: Principal, handlerId: string, coHandlerIds: string[]) {
  if (p.kind !== 'staff') return;
  const units = new Set(await coveredUnits(ctx, p));
  const staff = await listStaff(ctx);
  const h = staff.find((x) => x.id === handlerId && x.active);
  if (!h?.roles.some((r) => r.role === 'specialist' && units.has(r.unitId)))
    throw invalid('body.handlerId', 'Cán bộ chủ trì phải là chuyên viên thuộc đơn vị do bạn phụ trách', 'The handler must be a specialist of a unit you lead');
  coHandlerIds.forEach((c, i) => {
    const x = staff.find((y) => y.id === c && y.active);
    if (!x?.roles.some((r) => units.has(r.unitId)))
      throw invalid(`body.coHandlerIds[${i}]`, 'Cán bộ phối hợp phải thuộc đơn vị do bạn phụ trách', 'A co-handler must belong to a unit you lead');
  });
}

import type { Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { shortDate, shortDateTime } from '../../platform/pdf/index.ts';
import { STAFF_ROLES, type Principal, type StaffRole } from '../../platform/auth/roles.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { listStaff } from '../organisation/list-staff.ts';
import { listUnits } from '../organisation/list-units.ts';
import type { Staff, Unit } from '../organisation/schemas.ts';
import {
  renderApology,
  renderControlSlip,
  renderDossierRegister,
  renderPostalHandover,
  renderReceiptSlip,
  renderRefusal,
  renderStopNotice,
  renderSupplementRequest,
  deskNameAt,
  dueWhen,
  before2025,
  type Agency,
  type Applicant as FormApplicant,
  type Channel,
  type DossierFormBase,
  type Handoff,
  type ProcessingTime,
  type ReceivedComponent,
  type RegisterEntry,
} from './forms/index.ts';
import { getActionLog, getDossier, type ActionLogEntry } from './get-dossier.ts';
import { getResultDraft } from '../results/draft-result.ts';
import { eformLines } from './eform.ts';
import { componentsOf, isOverdue, loadRow, workflowOf, type DossierRow } from './dossier-store.ts';
import { countsHours } from '../calendar/time-limit.ts';
import type { ProcedureData } from '../catalog/national-format.ts';
import { deliveryOf, type Applicant, type Delivery } from './schemas.ts';
import { localDate, workingDaysBetween } from './deadlines.ts';
import { coveredUnits } from './visibility.ts';
import { MAX_YEAR, MIN_YEAR } from '../calendar/schemas.ts';
import { FINAL, STATUSES, stepIndex, type Status, type WorkflowStep } from './workflow.ts';
import { listPostalOrders } from '../postal/list-postal-orders.ts';

/**
 * Issues the one-stop forms of a dossier as PDF (Circular 03/2025/TT-VPCP, Appendix I):
 * 01 receipt and appointment slip, 02 supplement request, 03 refusal, 04 apology and request
 * to extend the time limit, 05 notice of stopping, 06 processing-control slip, 07 the receiving
 * unit's register for the month the dossier was submitted in, 08 the record of handing the
 * result to the postal service (when it was returned by post). The data comes from the dossier
 * row and its action log: a form is issued as of the action it records (its date line is that
 * action's time), so a copy fetched later is the same document, with the names in force then
 * (forms/common.ts, formNameAt). 06, 07 and 08 are internal (officials only).
 */
export const FORM_CODES = ['01', '02', '03', '04', '05', '06', '07', '08'] as const;
export type FormCode = (typeof FORM_CODES)[number];

export interface IssuedPdf {
  bytes: Uint8Array;
  fileName: string;
}

const INTERNAL: readonly FormCode[] = ['06', '07', '08'];
const APPLICANT_UNIT = 'Người nộp hồ sơ';
const DEFAULT_PLACE = 'Hà Nội';
const STOP_LEGAL_BASIS = [
  'Căn cứ Nghị định số 118/2025/NĐ-CP ngày 09 tháng 6 năm 2025 của Chính phủ về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông',
  'Căn cứ Thông tư số 03/2025/TT-VPCP của Văn phòng Chính phủ',
];
const CHANNEL_OF: Record<number, Channel> = { 1: 'direct', 2: 'online', 3: 'postal' };
const DELIVERY_ON_FORM: Record<Delivery, Channel> = { desk: 'direct', online: 'online', post: 'postal' };
const METHOD_OF: Record<number, string> = { 1: 'DIRECT', 2: 'ONLINE', 3: 'POSTAL' };

const notApplicable = (vi: string, en: string) => new AppError('FORM_NOT_APPLICABLE', { vi, en });
const NO_APOLOGY = {
  vi: 'Hồ sơ chưa có văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết',
  en: 'No apology and extension request was recorded for this dossier',
};
const NO_STOP = {
  vi: 'Hồ sơ không bị dừng giải quyết nên không có Thông báo dừng giải quyết hồ sơ',
  en: 'The dossier was not stopped: there is no stop notice',
};
const opt = (v: string | null | undefined) => (v ? v : undefined);

/** What the forms need about the organisation: unit names and people. */
interface Org {
  units: Map<string, Unit>;
  staff: Staff[];
}

async function loadOrg(ctx: Ctx): Promise<Org> {
  const [units, staff] = await Promise.all([listUnits(ctx), listStaff(ctx)]);
  return { units: new Map(units.map((u) => [u.id, u])), staff };
}

const unitName = (org: Org, id: string | null | undefined) => (id ? (org.units.get(id)?.name ?? id) : '');

/**
 * The agency header of a unit: the unit under its parent. The place of the date line is the
 * region a regional office names ("… khu vực Đà Nẵng"), Hà Nội otherwise (the ministry's seat).
 */
export function agencyHeader(units: Map<string, Unit>, unitId: string): Agency {
  const u = units.get(unitId);
  const parent = u?.parentId ? units.get(u.parentId) : undefined;
  const place = /khu vực (.+)$/i.exec(u?.name ?? '')?.[1]?.trim() || DEFAULT_PLACE;
  return { parent: parent?.name, name: u?.name ?? unitId, place };
}
const agencyOf = (org: Org, unitId: string): Agency => agencyHeader(org.units, unitId);

function formApplicant(a: Applicant): FormApplicant {
  return {
    name: a.name,
    idNumber: a.identifier,
    kind: a.kind === 'business' ? 'organisation' : 'individual',
    address: opt(a.address),
    phone: opt(a.phone),
    email: opt(a.email),
  };
}

function baseOf(ctx: Ctx, org: Org, row: DossierRow, issuedAt: Date, unitId = row.receiving_unit): DossierFormBase {
  return {
    agency: agencyOf(org, unitId),
    dossierCode: row.code,
    procedure: { code: row.procedure_code, name: row.procedure_name },
    applicant: formApplicant(row.applicant as unknown as Applicant),
    issuedAt,
    trackingUrl: `${ctx.config.publicUrl}/tra-cuu?ma=${encodeURIComponent(row.code)}`,
  };
}

const lastOf = (log: ActionLogEntry[], action: string) => [...log].reverse().find((e) => e.action === action);
const staffOf = (org: Org, actor: string) => (actor.startsWith('staff:') ? org.staff.find((s) => s.username === actor.slice(6)) : undefined);

const LEADER_ROLES = ['unit_leader', 'signing_leader'];

/**
 * The signatory of a letter (04, 05): the head of the handling agency. The official who recorded
 * the action signs when they lead; otherwise (a specialist recording an apology) the letter goes
 * to the unit's leader, by name when the unit has one.
 */
function signerOf(org: Org, e: ActionLogEntry, unitId: string) {
  const title = 'Thủ trưởng cơ quan';
  if (staffOf(org, e.actor)?.roles.some((r) => LEADER_ROLES.includes(r.role))) return { title, name: e.actorName };
  const head = org.staff
    .filter((s) => s.active && s.roles.some((r) => r.role === 'unit_leader' && r.unitId === unitId))
    .map((s) => s.fullName)
    .sort();
  return { title, name: head[0] };
}

/** How the dossier's time limit is counted; a state written before units existed counts days. */
const unitOf = (row: DossierRow) => (row.state as { processingUnit?: string } | null)?.processingUnit ?? 'WORKING_DAY';

/** The due moment of the row, told with its time where it has one (limits in hours, same day). */
function dueOfRow(row: DossierRow): ReturnType<typeof dueWhen> {
  const day = row.due_date ? String(row.due_date).slice(0, 10) : null;
  return dueWhen(row.due_at, day, countsHours(unitOf(row)));
}

/** The dates an apology moved, as logged: previousDueAt/newDueAt beside the days (older entries have the days only). */
function apologyMoments(row: DossierRow, e: ActionLogEntry) {
  const hours = countsHours(unitOf(row));
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return {
    previous: dueWhen(str(e.data.previousDueAt), str(e.data.previousDueDate), hours),
    next: dueWhen(str(e.data.newDueAt), str(e.data.newDueDate), hours),
  };
}

/** The statutory time limit of the method the dossier was filed by, as form 01 states it. */
function processingTimeOf(method: ProcedureData['methods'][number]): ProcessingTime {
  const value = method.processingTime;
  switch (method.processingTimeUnit) {
    case 'DAY':
      return { unit: 'days', value };
    case 'WORKING_HOUR':
      return { unit: 'working-hours', value };
    case 'SAME_DAY':
      return { unit: 'same-day', cutoff: method.processingCutoff };
    case 'WORKING_DAY':
      return { unit: 'working-days', value };
    default:
      // A unit the import could not map: the catalogue's own words, which the slip must not reinterpret.
      return method.processingTimeText ? { unit: 'text', text: method.processingTimeText } : { unit: 'working-days', value };
  }
}

/** What decides whether a form exists for a dossier: its history, and who asks. */
export interface FormFacts {
  log: ActionLogEntry[];
  /** The caller is an official (06, 07, 08 are internal). */
  staff: boolean;
  /** The official keeps the receiving unit's register (07). */
  coversReceivingUnit: boolean;
  receivingUnit: string;
  /** The dossier's due date (01 states the appointment). */
  dueDate: string | null;
}

/** The facts for `formRefusal` of a dossier the caller may see, from its view and action log. */
export async function formFacts(
  ctx: Ctx,
  d: { receivingUnit: string; dueDate: string | null },
  log: ActionLogEntry[],
  principal: Principal,
): Promise<FormFacts> {
  const staff = principal.kind === 'staff';
  return {
    log,
    staff,
    coversReceivingUnit: staff && (await coveredUnits(ctx, principal)).includes(d.receivingUnit),
    receivingUnit: d.receivingUnit,
    dueDate: d.dueDate,
  };
}

/**
 * The one rule for whether the dossier's history calls for a form: null when it does, else the
 * refusal (FORBIDDEN: an internal form to an applicant or a register the official does not keep;
 * FORM_NOT_APPLICABLE: a form the history does not call for). `issueForm` enforces it; pages offer only the forms it
 * allows (`formsAvailable`).
 */
export function formRefusal(form: FormCode, f: FormFacts): AppError | null {
  if (INTERNAL.includes(form) && !f.staff)
    return new AppError('FORBIDDEN', { vi: `Mẫu ${form} chỉ dành cho cán bộ, công chức`, en: `Form ${form} is for officials only` });
  const has = (action: string) => f.log.some((e) => e.action === action);
  const received = has('receive');
  switch (form) {
    case '01': {
      if (!received)
        return notApplicable(
          'Hồ sơ chưa được tiếp nhận nên chưa có Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
          'The dossier has not been received: there is no receipt slip yet',
        );
      const apology = lastOf(f.log, 'apologise');
      if (!apology?.data.previousDueDate && !apology?.data.previousDueAt && !f.dueDate)
        return notApplicable('Hồ sơ chưa có ngày hẹn trả kết quả', 'The dossier has no due date');
      return null;
    }
    case '02':
      return has('request_supplement')
        ? null
        : notApplicable('Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nên không có Phiếu yêu cầu bổ sung', 'No supplement was requested for this dossier');
    case '03':
      return has('refuse')
        ? null
        : notApplicable('Hồ sơ không bị từ chối tiếp nhận nên không có Phiếu từ chối', 'The dossier was not refused: there is no refusal slip');
    case '04':
      return has('apologise') && received ? null : notApplicable(NO_APOLOGY.vi, NO_APOLOGY.en);
    case '05':
      return has('stop') && received ? null : notApplicable(NO_STOP.vi, NO_STOP.en);
    case '06':
      return received
        ? null
        : notApplicable(
            'Hồ sơ chưa được tiếp nhận nên chưa có Phiếu kiểm soát quá trình giải quyết',
            'The dossier has not been received: there is no control slip yet',
          );
    case '07':
      return f.coversReceivingUnit
        ? null
        : new AppError('FORBIDDEN', {
            vi: `Bạn không quản lý sổ theo dõi hồ sơ của đơn vị ${f.receivingUnit}`,
            en: `You do not keep the register of unit ${f.receivingUnit}`,
          });
    case '08':
      return lastOf(f.log, 'return')?.data.method === 'post'
        ? null
        : notApplicable(
            'Kết quả của hồ sơ không được trả qua dịch vụ bưu chính nên không có Biên bản giao nhận kết quả qua dịch vụ bưu chính',
            'The result of this dossier was not returned by post: there is no postal hand-over record',
          );
  }
}

/** The forms the dossier's history calls for, as the caller may get them (the links a page shows). */
export const formsAvailable = (f: FormFacts): FormCode[] => FORM_CODES.filter((form) => formRefusal(form, f) === null);

/** The form as PDF bytes; 404 for a dossier the caller may not see, then `formRefusal`'s 403 or 409. */
export async function issueForm(ctx: Ctx, code: string, form: FormCode, principal: Principal): Promise<IssuedPdf> {
  const d = await getDossier(ctx, code, principal); // 404 for those who may not see it
  if (INTERNAL.includes(form) && principal.kind !== 'staff')
    throw formRefusal(form, { log: [], staff: false, coversReceivingUnit: false, receivingUnit: d.receivingUnit, dueDate: null })!;
  const row = await loadRow(ctx.database.db, code.toUpperCase());
  const log = await getActionLog(ctx, row.code, principal);
  const refused = formRefusal(form, await formFacts(ctx, d, log, principal));
  if (refused) throw refused;
  const org = await loadOrg(ctx);
  const fileName = `${row.code}-${form}.pdf`;
  const receipt = lastOf(log, 'receive');
  const receivedAt = receipt ? new Date(receipt.at) : undefined;

  switch (form) {
    case '01': {
      if (!receipt || !receivedAt)
        throw notApplicable(
          'Hồ sơ chưa được tiếp nhận nên chưa có Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
          'The dossier has not been received: there is no receipt slip yet',
        );
      const proc = await getProcedure(ctx, row.procedure_code, { version: row.procedure_version });
      const method = proc.methods.find((m) => m.channel === METHOD_OF[row.channel]) ?? proc.methods[0];
      const profile = proc.cases.flatMap((c) => c.components);
      const received = (await componentsOf(ctx.database.db, row.id)).filter((c) => new Date(c.added_at) <= receivedAt);
      let components: ReceivedComponent[] = received.map((c) => {
        const p = profile.find((x) => x.code === c.component_code);
        // The document as the procedure names it; the file's name after it only when it says something else.
        const name = p?.name ?? c.name;
        const file = c.file_name && c.file_name.trim().toLowerCase() !== name.trim().toLowerCase() ? c.file_name : null;
        return { name: file ? `${name} — ${file}` : name, originals: p?.originalQty ?? 1, copies: p?.copyQty ?? 0, digitised: !!c.upload_id };
      });
      if (!components.length) components = [{ name: 'Tờ khai điện tử', originals: 1, copies: 0, digitised: true }];
      // The appointment in force: moved by a supplement, but not by an apology (form 04 carries that).
      // With its time where the limit counts hours: "16 giờ 00 phút, ngày …".
      const apology = lastOf(log, 'apologise');
      const dueDate = apology ? apologyMoments(row, apology).previous : dueOfRow(row);
      if (!dueDate) throw notApplicable('Hồ sơ chưa có ngày hẹn trả kết quả', 'The dossier has no due date');
      const channel = CHANNEL_OF[row.channel] ?? 'online';
      const applicant = row.applicant as unknown as Applicant;
      return {
        fileName,
        bytes: await renderReceiptSlip({
          ...baseOf(ctx, org, row, receivedAt),
          components,
          sets: 1,
          processingTime: method ? processingTimeOf(method) : undefined,
          receivedAt,
          dueDate,
          channel,
          // How the applicant chose to receive the result (issue 11), not how they filed.
          resultDelivery: { method: DELIVERY_ON_FORM[deliveryOf(row)], address: deliveryOf(row) === 'post' ? opt(applicant.address) : undefined },
          receivingOfficer: receipt.actorName,
          eForm: eformLines(proc.eForm, row.form as Record<string, unknown> | null, 'vi'),
        }),
      };
    }
    case '02': {
      const e = lastOf(log, 'request_supplement');
      if (!e)
        throw notApplicable('Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nên không có Phiếu yêu cầu bổ sung', 'No supplement was requested for this dossier');
      const items = ((e.data.items as { component?: string; reason: string }[] | undefined) ?? []).map((i) => ({
        content: i.component ? `Bổ sung, hoàn thiện: ${i.component}` : 'Bổ sung, hoàn thiện hồ sơ',
        reason: i.reason,
      }));
      const officer = staffOf(org, e.actor);
      return {
        fileName,
        bytes: await renderSupplementRequest({
          ...baseOf(ctx, org, row, new Date(e.at)),
          receivedAt: receivedAt && receivedAt <= new Date(e.at) ? receivedAt : undefined,
          items,
          officer: { name: e.actorName },
          // Staff records keep no telephone numbers: the desk's line is the contact.
          contact: { name: e.actorName, phone: `của ${deskNameAt(new Date(e.at))}`, email: opt(officer?.email) },
        }),
      };
    }
    case '03': {
      const e = lastOf(log, 'refuse');
      if (!e) throw notApplicable('Hồ sơ không bị từ chối tiếp nhận nên không có Phiếu từ chối', 'The dossier was not refused: there is no refusal slip');
      return {
        fileName,
        bytes: await renderRefusal({
          ...baseOf(ctx, org, row, new Date(e.at)),
          receivedAt: receivedAt && receivedAt <= new Date(e.at) ? receivedAt : undefined,
          reasons: [String(e.data.reason)],
          officer: { name: e.actorName },
        }),
      };
    }
    case '04': {
      const e = lastOf(log, 'apologise');
      if (!e || !receivedAt) throw notApplicable(NO_APOLOGY.vi, NO_APOLOGY.en);
      const unit = e.toUnit ?? row.handling_unit;
      const moved = apologyMoments(row, e);
      if (!moved.previous || !moved.next) throw notApplicable(NO_APOLOGY.vi, NO_APOLOGY.en);
      return {
        fileName,
        bytes: await renderApology({
          ...baseOf(ctx, org, row, new Date(e.at), unit),
          receivedAt,
          originalDueDate: moved.previous,
          delayReason: String(e.data.reason),
          newDueDate: moved.next,
          signer: signerOf(org, e, unit),
        }),
      };
    }
    case '05': {
      const e = lastOf(log, 'stop');
      if (!e || !receivedAt) throw notApplicable(NO_STOP.vi, NO_STOP.en);
      const basis =
        typeof e.data.legalBasis === 'string'
          ? e.data.legalBasis
              .split(/\r?\n/)
              .map((l) => l.trim())
              .filter(Boolean)
          : [];
      const unit = e.fromUnit ?? row.handling_unit;
      return {
        fileName,
        bytes: await renderStopNotice({
          ...baseOf(ctx, org, row, new Date(e.at), unit),
          receivedAt,
          reason: String(e.data.reason),
          legalBasis: basis.length ? basis : STOP_LEGAL_BASIS,
          signer: signerOf(org, e, unit),
        }),
      };
    }
    case '06': {
      if (!receipt || !receivedAt)
        throw notApplicable(
          'Hồ sơ chưa được tiếp nhận nên chưa có Phiếu kiểm soát quá trình giải quyết',
          'The dossier has not been received: there is no control slip yet',
        );
      const wf = await workflowOf(ctx, row);
      const handoffs = await handoffsOf(ctx, org, row, log, wf);
      const apology = lastOf(log, 'apologise');
      const dueDate = dueOfRow(row) ?? (apology ? apologyMoments(row, apology).next : undefined);
      return {
        fileName,
        bytes: await renderControlSlip({
          ...baseOf(ctx, org, row, new Date()),
          receivedAt,
          dueDate: dueDate ?? receivedAt,
          handlingUnit: unitName(org, row.handling_unit),
          handoffs,
        }),
      };
    }
    case '07': {
      // The register holds every dossier of the receiving unit: only its officials read it (formRefusal).
      const month = localDate(new Date(row.submitted_at));
      const from = `${month.slice(0, 8)}01`;
      const to = lastDayOfMonth(from);
      const r = await registerPdf(ctx, org, row.receiving_unit, from, to);
      return { fileName, bytes: r };
    }
    case '08': {
      const e = lastOf(log, 'return');
      if (e?.data.method !== 'post') {
        throw notApplicable(
          'Kết quả của hồ sơ không được trả qua dịch vụ bưu chính nên không có Biên bản giao nhận kết quả qua dịch vụ bưu chính',
          'The result of this dossier was not returned by post: there is no postal hand-over record',
        );
      }
      // What is handed over: the result as the specialist drafted it, or the procedure's result.
      const draft = await getResultDraft(ctx, row.code, principal);
      // The VNPost order the result travels under, when there is one (postal module).
      const order = (await listPostalOrders(ctx, row.code)).find((o) => o.purpose === 'delivery' && o.state !== 'cancelled');
      const applicant = row.applicant as unknown as Applicant;
      return {
        fileName,
        bytes: await renderPostalHandover({
          ...baseOf(ctx, org, row, new Date(e.at)),
          handedOverAt: new Date(e.at),
          deliveryAddress: opt(applicant.address),
          items: [{ name: draft?.documentName ?? `Kết quả giải quyết thủ tục hành chính: ${row.procedure_name}`, reference: `Hồ sơ ${row.code}` }],
          officer: { name: e.actorName },
          ...(order
            ? {
                postalService: 'Tổng công ty Bưu điện Việt Nam (VNPost)',
                postalOrder: { number: order.orderNumber, itemCode: order.itemCode ?? undefined, fee: order.fee },
              }
            : {}),
        }),
      };
    }
  }
}

/** Form 07 for any unit the official covers and a period of at most 366 days. */
export async function issueRegister(ctx: Ctx, unitId: string, period: { from: string; to: string }, principal: Principal): Promise<IssuedPdf> {
  if (principal.kind !== 'staff')
    throw new AppError('FORBIDDEN', { vi: 'Sổ theo dõi hồ sơ chỉ dành cho cán bộ, công chức', en: 'The register is for officials only' });
  const id = unitId.toUpperCase();
  const { from, to } = period;
  const bad = (vi: string, en: string) => new AppError('VALIDATION_FAILED', { vi, en }, [{ path: 'querystring.to', message: vi, messageEn: en }]);
  if (!isDay(from) || !isDay(to)) throw bad('Ngày phải có dạng YYYY-MM-DD', 'Days must be YYYY-MM-DD');
  if (from < `${MIN_YEAR}-01-01` || to > `${MAX_YEAR}-12-31`)
    throw bad(`Kỳ theo dõi phải nằm trong các năm ${MIN_YEAR}–${MAX_YEAR}`, `The period must lie within the years ${MIN_YEAR}–${MAX_YEAR}`);
  if (to < from) throw bad('Ngày kết thúc trước ngày bắt đầu', 'The period ends before it starts');
  if (daysBetween(from, to) + 1 > 366) throw bad('Kỳ theo dõi tối đa 366 ngày', 'The period is at most 366 days');
  const org = await loadOrg(ctx);
  if (!org.units.has(id)) throw notFound({ vi: `đơn vị ${id}`, en: `Unit ${id}` });
  if (!(await coveredUnits(ctx, principal)).includes(id)) {
    throw new AppError('FORBIDDEN', { vi: `Bạn không quản lý sổ theo dõi hồ sơ của đơn vị ${id}`, en: `You do not keep the register of unit ${id}` });
  }
  return { fileName: `${id}-07-${from}-${to}.pdf`, bytes: await registerPdf(ctx, org, id, from, to) };
}

const isDay = (d: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
function lastDayOfMonth(first: string): string {
  const d = new Date(`${first}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
}
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
/** Midnight of a Vietnam day (UTC+7, no daylight saving). */
const vnMidnight = (day: string) => new Date(`${day}T00:00:00+07:00`);

/**
 * The unit's register: the dossiers it received among those submitted to it in the period,
 * in order of submission. Dossiers never received (refused or withdrawn at the desk, or still
 * waiting) have no appointment date and are not entered.
 */
async function registerPdf(ctx: Ctx, org: Org, unitId: string, from: string, to: string): Promise<Uint8Array> {
  const db = ctx.database.db;
  const rows = await db
    .selectFrom('dossiers')
    .selectAll()
    .where('receiving_unit', '=', unitId)
    .where('submitted_at', '>=', vnMidnight(from))
    .where('submitted_at', '<', vnMidnight(nextDay(to)))
    .where('received_at', 'is not', null)
    .orderBy('submitted_at')
    .orderBy('code')
    .execute();
  const ids = rows.map((r) => r.id);
  const assigns = ids.length
    ? await db.selectFrom('dossier_actions').select(['dossier_id', 'at']).where('dossier_id', 'in', ids).where('action', '=', 'assign').orderBy('seq').execute()
    : [];
  const entries: RegisterEntry[] = rows.map((r) => {
    const a = r.applicant as unknown as Applicant;
    const status = r.status as Status;
    const transferred = assigns.find((x) => x.dossier_id === r.id);
    const notes = [...(FINAL.includes(status) && status !== 'returned' ? [STATUSES[status].vi] : []), ...(isOverdue(r) ? ['Trễ hạn'] : [])];
    return {
      dossierCode: r.code,
      procedureName: r.procedure_name,
      sets: 1,
      applicantName: a.name,
      applicantAddress: opt(a.address),
      applicantPhone: opt(a.phone),
      handlingAgency: unitName(org, r.handling_unit),
      receivedAt: new Date(r.received_at!),
      dueDate: r.due_date ? String(r.due_date).slice(0, 10) : localDate(new Date(r.received_at!)),
      transferredAt: transferred ? new Date(transferred.at) : undefined,
      returnedAt: status === 'returned' && r.finished_at ? new Date(r.finished_at) : undefined,
      note: notes.join('; ') || undefined,
    };
  });
  const wholeMonth = from.endsWith('-01') && to === lastDayOfMonth(from);
  const ym = from.slice(0, 7).replace('-', '');
  return renderDossierRegister({
    agency: agencyOf(org, unitId),
    registerCode: wholeMonth ? `${unitId}-SO-${ym}` : `${unitId}-SO-${from.replaceAll('-', '')}-${to.replaceAll('-', '')}`,
    unitId,
    period: { from, to },
    book: wholeMonth ? `${from.slice(5, 7)}/${from.slice(0, 4)}` : undefined,
    issuedAt: new Date(),
    entries,
  });
}

/** Where the dossier is after an action, as the workflow step it enters (null: with the applicant or finished). */
function stepAfter(e: ActionLogEntry, wf: WorkflowStep[]): WorkflowStep | null {
  const key = ({ submitted: 'receive', received: 'assign', processing: 'examine', proposed: 'approve', approved: 'return' } as const)[
    e.toStatus as 'submitted'
  ];
  return key ? wf[stepIndex(wf, key)] : null;
}

/**
 * Every hand-off of the dossier since receipt, from the action log: each action that moves it
 * (not an apology, which only moves the date) gives a row. The receiving side is who took the
 * next action (or, for the current holder, the assignee or the officials holding the step's
 * role); the step's deadline is the one the action set; it is finished by the next action, and
 * late by the working days between the deadline and that day on the working calendar.
 */
async function handoffsOf(ctx: Ctx, org: Org, row: DossierRow, log: ActionLogEntry[], wf: WorkflowStep[]): Promise<Handoff[]> {
  const applicant = (row.applicant as unknown as Applicant).name;
  const start = log.findIndex((e) => e.action === 'receive');
  const moves = log.slice(start).filter((e) => e.action !== 'apologise');
  const today = localDate(new Date());
  const staffName = (username: string | null) => (username ? (org.staff.find((s) => s.username === username)?.fullName ?? 'Cán bộ xử lý') : null);
  const partyOf = (actor: string, name: string, unit: string | null): { officer: string; unit: string } => {
    if (!actor.startsWith('staff:')) return { officer: name, unit: APPLICANT_UNIT };
    const s = staffOf(org, actor);
    const unitId = s?.roles.find((r) => r.unitId === unit)?.unitId ?? s?.roles[0]?.unitId ?? unit;
    return { officer: name, unit: unitName(org, unitId) };
  };
  const out: Handoff[] = [];
  for (let i = 0; i < moves.length; i++) {
    const e = moves[i];
    const next = moves[i + 1];
    const step = stepAfter(e, wf);
    const handlingStep = !!step && (step === wf[stepIndex(wf, 'assign')] || step === wf[stepIndex(wf, 'examine')]);
    const toUnit = step ? (handlingStep ? (e.toUnit ?? row.handling_unit) : step.unit) : null;
    const fromUnit = unitOfActor(e, wf, log);
    let to: { officer: string; unit: string };
    if (!step) to = { officer: applicant, unit: APPLICANT_UNIT };
    else if (e.toStatus === 'processing' && e.assignee) to = { officer: staffName(e.assignee)!, unit: unitName(org, toUnit) };
    else if (next?.actor.startsWith('staff:')) to = { officer: next.actorName, unit: unitName(org, toUnit) };
    else to = { officer: holdersOf(org, step.role, toUnit!), unit: unitName(org, toUnit) };
    const finished = !step ? new Date(e.at) : next ? new Date(next.at) : undefined;
    const deadline = step ? (e.stepDue ?? undefined) : undefined;
    let lateDays: number | undefined;
    const notes: string[] = [];
    if (deadline && finished && localDate(finished) > deadline) lateDays = Math.max(1, await workingDaysBetween(ctx, deadline, localDate(finished)));
    if (deadline && !finished && today > deadline) notes.push(`Đã quá hạn ${await workingDaysBetween(ctx, deadline, today)} ngày làm việc`);
    const noteOf = noteFor(e);
    if (noteOf) notes.unshift(noteOf);
    for (const a of log.filter((x) => x.action === 'apologise' && x.seq > e.seq && (!next || x.seq < next.seq))) {
      const moved = apologyMoments(row, a).next;
      const at = moved ? (typeof moved === 'string' ? shortDate(moved) : shortDateTime(moved)) : '';
      notes.push(before2025(new Date(a.at)) ? `Xin lỗi, hẹn lại ngày trả: ${at}` : `Xin lỗi, đề nghị gia hạn đến: ${at}`);
    }
    out.push({
      step: step
        ? step.name
        : e.toStatus === 'awaiting_supplement'
          ? 'Bổ sung, hoàn thiện hồ sơ'
          : e.toStatus === 'awaiting_fee'
            ? 'Thực hiện nghĩa vụ tài chính'
            : (STATUSES[e.toStatus as Status]?.vi ?? e.toStatus),
      from: partyOf(e.actor, e.actorName, fromUnit),
      to,
      handedOverAt: new Date(e.at),
      stepDeadline: deadline,
      finishedAt: finished,
      lateDays,
      note: notes.join('; ') || undefined,
    });
  }
  return out;
}

/** The unit the actor acted in: the handling unit for the leader's and specialist's steps, the step's own unit otherwise. */
function unitOfActor(e: ActionLogEntry, wf: WorkflowStep[], log: ActionLogEntry[]): string | null {
  const prev = log.filter((x) => x.seq < e.seq && x.action !== 'apologise').at(-1);
  const step = prev ? stepAfter(prev, wf) : wf[stepIndex(wf, 'receive')];
  if (!step) return e.fromUnit;
  const handling = step === wf[stepIndex(wf, 'assign')] || step === wf[stepIndex(wf, 'examine')];
  return handling ? e.fromUnit : step.unit;
}

function holdersOf(org: Org, role: string, unitId: string): string {
  const names = org.staff.filter((s) => s.active && s.roles.some((r) => r.role === role && r.unitId === unitId)).map((s) => s.fullName);
  return names.length ? names.join(', ') : (STAFF_ROLES[role as StaffRole]?.vi ?? role);
}

function noteFor(e: ActionLogEntry): string | undefined {
  const d = e.data;
  switch (e.action) {
    case 'request_supplement':
      return `Yêu cầu bổ sung ${(d.items as unknown[] | undefined)?.length ?? 0} nội dung`;
    case 'supplement':
      return 'Đã bổ sung hồ sơ';
    case 'transfer':
    case 'approve':
    case 'propose':
      return opt((d.note ?? d.opinion) as string | null);
    case 'send_back':
    case 'refuse':
    case 'stop':
    case 'withdraw':
      return opt(d.reason as string | null);
    default:
      return undefined;
  }
}

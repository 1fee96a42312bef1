import { ACTION_LABELS, type ActionName } from '../dossiers/workflow.ts';
import type { SyncAction, SyncFacts } from '../dossiers/read-sync-facts.ts';
import {
  applicantKindCode,
  ATTACHMENT_FIELDS,
  channelCode,
  DOSSIER_FIELDS,
  DUOC_THANH_TOAN_TRUC_TUYEN,
  FEE_FIELDS,
  flag,
  HINH_THUC_THU,
  HINH_THUC_TRA,
  IDENTIFICATION_FIELDS,
  inOrder,
  LOAI_DINH_DANH,
  LOAI_PHI_LE_PHI,
  portalDateTime,
  portalDay,
  portalDue,
  PROGRESS_FIELDS,
  RESULT_FIELDS,
  SUPPLEMENT_FIELDS,
  trangThaiHoSo,
  type DossierRecord,
  type ProgressRecord,
} from './contract.ts';
import type { SyncStep } from './enqueue-national-sync.ts';

/**
 * The portal's records of one step, built from the step's snapshot and the dossier's facts,
 * pure: what the portal is told is decided here, checked field by field by the tests. A record
 * describes the dossier as of its step (the log up to the step's seq, files and results up to its
 * time), so a record delivered late says what was true then, and the next one what is true next.
 */

export interface RecordNames {
  /** The handling unit's name (DonViXuLy). */
  handlingUnitName: string;
  /** Where the public checks a result by its code (`${publicUrl}/verify/`). */
  publicUrl: string;
}

/** The step's log entry, or null when the log does not have it (a rolled-back step cannot have a message: only a deleted dossier). */
export const stepAction = (f: SyncFacts, s: SyncStep): SyncAction | null => f.actions.find((a) => a.seq === s.seq) ?? null;

const at = (a: SyncAction | undefined) => (a ? portalDateTime(a.at) : '');
const day = (d: string | null | undefined) => (d ? portalDay(d) : '');
/** A due moment when the message or the log has one (a limit in hours carries its time), else its day. */
const due = (at: unknown, d: string | null | undefined) => (typeof at === 'string' && at ? portalDue(new Date(at)) : day(d));
const last = (log: SyncAction[], ...actions: string[]) => log.findLast((a) => actions.includes(a.action));

/** DongBoHoSoMC's record of the dossier after `step`. */
export function toDossierRecord(f: SyncFacts, step: SyncStep, names: RecordNames): DossierRecord {
  const log = f.actions.filter((a) => a.seq <= step.seq);
  const now = stepAction(f, step)?.at ?? new Date(step.at);
  const identifier = f.applicant.identifier;
  const supplementRequests = log.filter((a) => a.action === 'request_supplement');
  const paidOnline = step.paidOnline || log.some((a) => a.action === 'fee_paid' && a.data.online === true);
  const feeBearing = step.feeBearing || f.fees.length > 0 || log.some((a) => a.action === 'fee_paid');
  return inOrder(DOSSIER_FIELDS, {
    MaHoSo: step.nationalCode ?? f.code,
    MaTTHC: f.procedureCode,
    TenTTHC: f.procedureName,
    MaLinhVuc: f.fieldCode,
    TenLinhVuc: f.fieldName,
    KenhThucHien: channelCode(f.channel),
    ChuHoSo: f.applicant.name,
    SoGiayToChuHoSo: identifier,
    LoaiDoiTuong: applicantKindCode(f.applicant.kind),
    MaDoiTuong: '',
    Email: f.applicant.email ?? '',
    SoDienThoai: f.applicant.phone ?? '',
    TrichYeuHoSo: `${f.procedureName} - ${f.applicant.name}`.slice(0, 2000),
    NgayTiepNhan: at(last(log, 'receive')),
    NgayHenTra: due(step.dueAt, step.dueDate),
    TrangThaiHoSo: String(trangThaiHoSo(step.status)),
    NgayTra: at(last(log, 'return')),
    HinhThuc: f.delivery === 'post' ? HINH_THUC_TRA.post : f.delivery === 'online' ? HINH_THUC_TRA.online : HINH_THUC_TRA.desk,
    // Processing ends with the decision: approved (or refused, stopped, withdrawn).
    NgayKetThucXuLy: at(last(log, 'approve', 'refuse', 'stop', 'withdraw')),
    DonViXuLy: names.handlingUnitName,
    NgayNopHoSo: portalDateTime(f.submittedAt),
    NgayTuChoi: at(last(log, 'refuse')),
    HoSoCoThanhPhanSoHoa: flag(step.hasDigitisedComponents),
    TaiKhoanDuocXacThucVoiVNeID: flag(f.vneidAuthenticated),
    DuocThanhToanTrucTuyen: paidOnline
      ? DUOC_THANH_TOAN_TRUC_TUYEN.paidOnline
      : feeBearing
        ? DUOC_THANH_TOAN_TRUC_TUYEN.notOnline
        : DUOC_THANH_TOAN_TRUC_TUYEN.none,
    TaiLieuNop: f.components
      // Files sent with a supplement belong to the records from the supplement on (the log says when, whatever the clocks).
      .filter((c) => !c.supplemented || log.some((x) => x.action === 'supplement'))
      .map((c) =>
        inOrder(ATTACHMENT_FIELDS, {
          TepDinhKemId: c.uploadId ?? `${f.code}-${c.idx}`,
          TenTepDinhKem: c.fileName ?? c.name,
          MaThanhPhanHoSo: c.code ?? '',
          // Our files are the applicant's and are not public: the portal is not given a link to them.
          DuongDanTaiTepTin: '',
          DuocSoHoa: flag(step.hasDigitisedComponents && !c.supplemented),
          DuocTaiSuDung: flag(c.reused),
          DuocLayTuKhoDMQG: flag(false),
          MaKetQuaThayThe: '',
        }),
      ),
    DanhSachLePhi: feeLines(f, log).map((l) =>
      inOrder(FEE_FIELDS, {
        TenPhiLePhi: l.name,
        MaPhiLePhi: l.code,
        HinhThucThu: paidOnline ? HINH_THUC_THU.online : HINH_THUC_THU.desk,
        Gia: String(l.amount),
        LoaiPhiLePhi: l.kind === 2 ? LOAI_PHI_LE_PHI.charge : LOAI_PHI_LE_PHI.fee,
      }),
    ),
    DanhSachHoSoBoSung: supplementRequests.map((r) => {
      const done = log.find((a) => a.action === 'supplement' && a.seq > r.seq);
      const items = Array.isArray(r.data.items) ? (r.data.items as unknown[]).map(itemText).join('; ') : '';
      return inOrder(SUPPLEMENT_FIELDS, {
        HoSoBoSungId: `${f.code}-${r.seq}`,
        NguoiYeuCauBoSung: r.actorName,
        NoiDungBoSung: items.slice(0, 2000),
        NgayBoSung: portalDateTime(r.at),
        NgayTiepNhanBoSung: at(done),
        // The log keeps both dates with the supplement (workflow.ts); a supplement logged before it did falls back on the step's own snapshot.
        NgayHenTraTruoc: done
          ? due(
              done.data.dueAtBefore ?? (done.seq === step.seq ? step.previousDueAt : null),
              (done.data.dueDateBefore as string | undefined) ?? (done.seq === step.seq ? step.previousDueDate : null),
            )
          : due(step.dueAt, step.dueDate),
        NgayHenTraMoi: done
          ? due(
              done.data.dueAtAfter ?? (done.seq === step.seq ? step.dueAt : null),
              (done.data.dueDateAfter as string | undefined) ?? (done.seq === step.seq ? step.dueDate : null),
            )
          : '',
      });
    }),
    DanhSachGiayToKetQua: f.results
      // Issued after the approval, before the return: a returned dossier's record always carries its results.
      .filter((r) => r.issuedAt <= now || step.status === 'returned')
      .map((r) =>
        inOrder(RESULT_FIELDS, {
          TenGiayTo: r.documentName,
          GiayToId: r.resultCode,
          DuongDanTepTinKetQua: `${names.publicUrl}/verify/${encodeURIComponent(r.resultCode)}`,
          MaGiayToKetQua: r.resultCode,
        }),
      ),
    DinhDanhCHS: identifier
      ? [
          inOrder(IDENTIFICATION_FIELDS, {
            // A 12-digit number is a citizen ID (CCCD); a business files under its tax code.
            LoaiDinhDanh: f.applicant.kind !== 'business' && /^\d{12}$/.test(identifier) ? LOAI_DINH_DANH.citizenId : LOAI_DINH_DANH.taxCode,
            SoDinhDanh: identifier,
          }),
        ]
      : [],
  });
}

/** The fee lines made due up to the step: asked for while processing, or due at filing (the dossier's filing fee). */
function feeLines(f: SyncFacts, log: SyncAction[]) {
  const seqs = new Set(log.map((a) => a.seq));
  return f.fees.filter((l) => l.seq === null || seqs.has(l.seq));
}

function itemText(x: unknown): string {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    // A supplement request's item: the component missing, and why.
    return [o.component, o.reason].filter((v) => typeof v === 'string' && v).join(': ');
  }
  return '';
}

export interface ActorNames {
  /** The official's title (ChucDanh): their role as people say it; the applicant's and the platform's own words. */
  title: string;
  /** The unit the actor acted in (PhongBanXuLy). */
  unitName: string;
}

/** CapNhatTienDoHoSoMC's record of `step`. */
export function toProgressRecord(f: SyncFacts, step: SyncStep, actor: ActorNames): ProgressRecord {
  const a = stepAction(f, step);
  const when = a?.at ?? new Date(step.at);
  return inOrder(PROGRESS_FIELDS, {
    MaHoSo: step.nationalCode ?? f.code,
    NguoiXuLy: a?.actorName ?? '',
    ChucDanh: actor.title,
    ThoiDiemXuLy: portalDateTime(when),
    PhongBanXuLy: actor.unitName,
    NoiDungXuLy: stepContent(step.action, a?.data ?? {}),
    TrangThai: String(trangThaiHoSo(step.status)),
    NgayBatDau: portalDateTime(when),
    // The step entered ends by its own due date; one that enters no step (with the applicant, final) by the dossier's.
    NgayKetThucTheoQuyDinh: a?.stepDue ? day(a.stepDue) : due(step.dueAt, step.dueDate),
  });
}

/** What was done, as the portal shows it to the applicant: the action's name, and its reason or opinion when it has one. */
export function stepContent(action: string, data: Record<string, unknown>): string {
  const label = action === 'submit' ? 'Nộp hồ sơ' : (ACTION_LABELS[action as ActionName]?.vi ?? action);
  const detail = [data.reason, data.opinion, data.note].find((v) => typeof v === 'string' && v.trim());
  const items = Array.isArray(data.items) ? (data.items as unknown[]).map(itemText).filter(Boolean).join('; ') : '';
  return [label, detail ?? items].filter(Boolean).join(': ').slice(0, 2000);
}

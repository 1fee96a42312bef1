import { randomBytes } from 'node:crypto';
import { PHIEN_BAN, fileHash, hashOf, hashOk, thoiGian, validThoiGian } from './protocol.ts';

/**
 * The national payment platform, simulated (INTEGRATIONS §2): the other side of
 * src/modules/payments/gateway. It checks our INIT, QUERY, GET_BILL and statement requests as
 * the platform would (partner, version, fixed fields, MaXacThuc), runs a pay page, sends the
 * signed CONFIRM to the partner's callback and the browser back with the same signed fields,
 * answers QUERY and GET_BILL, and writes the day's statement from what was really paid through
 * it. Faults can be set for the next payment and planted in statements, for tests and the demo.
 * State is in memory: it is a stand-in, and a restart forgets it like a platform's test bed.
 */

export interface Partner {
  code: string;
  secret: string;
  callbackUrl: string;
  returnUrl: string;
}

export interface SimulatorOptions {
  partners: Partner[];
  /** The simulator's own address (the pay page is under it). */
  baseUrl: string;
  /** How long a transaction may stay unpaid before the platform fails it; 15 minutes by default. */
  lifetimeMs?: number;
  now?: () => Date;
  log?: { warn(o: object, msg: string): void };
}

/** Banks and wallets offered on the pay page (MaNganHang; the platform's own list is not public). */
export const METHODS = [
  { code: 'VCB', name: 'Vietcombank', kind: 'bank' },
  { code: 'ICB', name: 'VietinBank', kind: 'bank' },
  { code: 'BIDV', name: 'BIDV', kind: 'bank' },
  { code: 'VBA', name: 'Agribank', kind: 'bank' },
  { code: 'TCB', name: 'Techcombank', kind: 'bank' },
  { code: 'MB', name: 'MB Bank', kind: 'bank' },
  { code: 'VNPTMONEY', name: 'VNPT Money', kind: 'wallet' },
  { code: 'VIETTELMONEY', name: 'Viettel Money', kind: 'wallet' },
  { code: 'MOMO', name: 'MoMo', kind: 'wallet' },
  { code: 'ZALOPAY', name: 'ZaloPay', kind: 'wallet' },
] as const;

export type NextFault =
  /** The bank never answers: no callback, no return; QUERY says pending, then failed once the transaction expires. */
  | { kind: 'timeout'; expiresAfterSeconds?: number }
  /** The CONFIRM is sent twice at once. */
  | { kind: 'duplicate_callback' }
  /** The browser returns first; the CONFIRM follows after `delayMs` (1.5 s by default). */
  | { kind: 'late_callback'; delayMs?: number }
  /** The CONFIRM (and the return, if `alsoReturn`) carries another amount, correctly signed. */
  | { kind: 'changed_amount'; amount?: number; alsoReturn?: boolean }
  /** The CONFIRM (and the return, if `alsoReturn`) carries a wrong MaXacThuc. */
  | { kind: 'bad_hash'; alsoReturn?: boolean };

export type Plant =
  | { kind: 'drop'; reference: string }
  | { kind: 'change_amount'; reference: string; amount?: number }
  | { kind: 'change_state'; reference: string; state?: '1' | '3' | '4' }
  /** A line for a transaction we never started, on `day` (YYYY-MM-DD). */
  | { kind: 'add_unknown'; day: string; reference?: string; amount?: number };

type State = 'pending' | 'paid' | 'failed';

export interface CallbackRecord {
  at: string;
  fault: NextFault['kind'] | null;
  /** The partner's HTTP status, or null when it could not be reached. */
  status: number | null;
  /** The partner's answer, when it was JSON. */
  reply: unknown;
  /** Whether the answer was signed correctly (CONFIRM reply order, our secret). */
  replySigned: boolean;
}

interface Txn {
  reference: string;
  partner: Partner;
  amount: number;
  bankCode: string;
  description: string;
  receipt: unknown;
  token: string;
  gatewayTxn: string;
  state: State;
  errorCode: string;
  createdAt: Date;
  completedAt: Date | null;
  expiresAt: Date;
  timedOut: boolean;
  callbacks: CallbackRecord[];
}

/** The platform's generic refusal: `{error_code, message}` (§2 gives "0" for success). */
export type Refusal = {
  error_code: string;
  message: string;
};

const refuse = (code: string, message: string): Refusal => ({ error_code: code, message });

/** Refusal codes of the simulator (the platform's are not public). */
export const REFUSAL = { unknownPartner: '01', badHash: '02', badField: '03', duplicateReference: '04' } as const;

const PAY_FAILED = '51'; // the bank's "insufficient funds"
const EXPIRED = '99';
const NOT_FOUND = '01';

export type PayOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; page: 'timeout' | 'abandoned' | 'done' | 'unknown'; txn?: PublicTxn; home?: string };

export interface PublicTxn {
  reference: string;
  amount: number;
  state: State;
  errorCode: string;
  bankCode: string;
  description: string;
  gatewayTxn: string;
  /** The bank never answered (fault "timeout"): the payment waits for its expiry. */
  timedOut: boolean;
  unitName: string;
  dossierCode: string;
  callbacks: CallbackRecord[];
}

export interface PaymentSimulator {
  init(body: unknown): Refusal;
  /** The transaction behind a pay page, or null. */
  payPage(token: string): PublicTxn | null;
  pay(token: string, outcome: 'pay' | 'fail' | 'abandon', bank: string): Promise<PayOutcome>;
  query(body: unknown, kind: 'QUERY' | 'GET_BILL'): Record<string, unknown>;
  statement(body: unknown): { ok: true; csv: string; signature: string } | { ok: false; refusal: Refusal };
  setFault(f: NextFault): void;
  plant(p: Plant): void;
  reset(): void;
  faults(): { next: NextFault[]; plants: Plant[] };
  transaction(reference: string): PublicTxn | null;
  /** Stops late callbacks still waiting. */
  close(): void;
}

const isText = (v: unknown, max = 500): v is string => typeof v === 'string' && v.length <= max;

export function createPaymentSimulator(o: SimulatorOptions): PaymentSimulator {
  const now = o.now ?? (() => new Date());
  const lifetime = o.lifetimeMs ?? 15 * 60 * 1000;
  const base = o.baseUrl.replace(/\/+$/, '');
  const partners = new Map(o.partners.map((p) => [p.code, p]));
  const byReference = new Map<string, Txn>();
  const byToken = new Map<string, Txn>();
  let next: NextFault[] = [];
  let plants: Plant[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  /** The platform fails what was not paid in time. */
  function settleExpiry(t: Txn) {
    if (t.state === 'pending' && now().getTime() >= t.expiresAt.getTime()) {
      t.state = 'failed';
      t.errorCode = EXPIRED;
      t.completedAt = t.expiresAt;
    }
  }

  const view = (t: Txn): PublicTxn => {
    settleExpiry(t);
    const r = (t.receipt ?? {}) as Record<string, unknown>;
    return {
      reference: t.reference,
      amount: t.amount,
      state: t.state,
      errorCode: t.errorCode,
      bankCode: t.bankCode,
      description: t.description,
      gatewayTxn: t.gatewayTxn,
      timedOut: t.timedOut,
      unitName: typeof r.TenDonVi === 'string' ? r.TenDonVi : '',
      dossierCode: typeof r.MaHoSo === 'string' ? r.MaHoSo : '',
      callbacks: t.callbacks,
    };
  };

  /** The signed CONFIRM fields of a finished transaction, as the callback and the return carry them. */
  function confirmFields(t: Txn, fault: NextFault | null): Record<string, string> {
    const m: Record<string, string> = {
      LoaiBanTin: 'CONFIRM',
      MaLoi: t.errorCode,
      MaDoiTac: t.partner.code,
      MaThamChieu: t.reference,
      SoTien: String(fault?.kind === 'changed_amount' ? (fault.amount ?? t.amount + 1000) : t.amount),
      MaTienTe: 'VND',
      MaGiaoDich: t.gatewayTxn,
      MaNganHang: t.bankCode,
      ThoiGianGD: thoiGian(t.completedAt!),
      ThongTinGiaoDich: t.description,
    };
    m.MaXacThuc = fault?.kind === 'bad_hash' ? hashOf('CONFIRM', m, `${t.partner.secret}-not`) : hashOf('CONFIRM', m, t.partner.secret);
    return m;
  }

  async function callback(t: Txn, fault: NextFault | null): Promise<void> {
    const body = confirmFields(t, fault && (fault.kind === 'changed_amount' || fault.kind === 'bad_hash') ? fault : null);
    const record: CallbackRecord = { at: thoiGian(now()), fault: fault?.kind ?? null, status: null, reply: null, replySigned: false };
    t.callbacks.push(record);
    try {
      const res = await fetch(t.partner.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(6000),
      });
      record.status = res.status;
      const text = await res.text();
      try {
        record.reply = JSON.parse(text) as unknown;
      } catch {
        record.reply = text.slice(0, 500);
      }
      const r = record.reply as Record<string, unknown> | null;
      record.replySigned =
        !!r && typeof r === 'object' && r.MaDoiTac === t.partner.code && r.MaThamChieu === t.reference && hashOk('REPLY', r, t.partner.secret);
      if (!record.replySigned)
        o.log?.warn({ reference: t.reference, status: res.status }, 'payment simulator: the partner answered the CONFIRM without a valid signature');
    } catch (e) {
      // The partner is down: the platform would retry; the simulator records it and the partner's QUERY job finds the payment.
      o.log?.warn({ reference: t.reference, err: (e as Error).message }, 'payment simulator: CONFIRM not delivered');
    }
  }

  function returnUrl(t: Txn, fields: Record<string, string>): string {
    const u = new URL(t.partner.returnUrl);
    for (const [k, v] of Object.entries(fields)) u.searchParams.set(k, v);
    return u.toString();
  }

  /** A QUERY/GET_BILL answer for one transaction (or for none: TrangThaiGD 3, "unknown"). */
  function answer(kind: 'QUERY' | 'GET_BILL', p: Partner, reference: string, t: Txn | undefined): Record<string, unknown> {
    if (t) settleExpiry(t);
    const state = t?.state;
    const m: Record<string, unknown> = {
      LoaiBanTin: kind,
      MaLoi: t ? t.errorCode : NOT_FOUND,
      MaDoiTac: p.code,
      MaThamChieu: reference,
      SoTien: t ? String(t.amount) : '',
      MaTienTe: 'VND',
      MaGiaoDich: t?.gatewayTxn ?? '',
      MaNganHang: t?.bankCode ?? '',
      ThoiGianGD: thoiGian(t?.completedAt ?? now()),
      ThongTinGiaoDich: t?.description ?? '',
      TrangThaiGD: state === 'paid' ? '1' : state === 'failed' ? '4' : '3',
    };
    m.MaXacThuc = hashOf('ANSWER', m, p.secret);
    if (kind === 'GET_BILL' && t) m.ThongTinBienLai = t.receipt;
    return m;
  }

  /** The partner and a refusal, for the partner-signed requests. */
  function caller(m: Record<string, unknown>, kind: 'INIT' | 'QUERY' | 'STATEMENT'): { p: Partner } | { refusal: Refusal } {
    const p = typeof m.MaDoiTac === 'string' ? partners.get(m.MaDoiTac) : undefined;
    if (!p) return { refusal: refuse(REFUSAL.unknownPartner, 'MaDoiTac không tồn tại / unknown partner') };
    if (!hashOk(kind, m, p.secret)) return { refusal: refuse(REFUSAL.badHash, 'Sai MaXacThuc / bad MaXacThuc') };
    if (m.PhienBan !== PHIEN_BAN) return { refusal: refuse(REFUSAL.badField, `PhienBan phải là ${PHIEN_BAN} / PhienBan must be ${PHIEN_BAN}`) };
    if (!validThoiGian(m.ThoiGianGD)) return { refusal: refuse(REFUSAL.badField, 'ThoiGianGD không đúng yyyyMMddHHmmss / bad ThoiGianGD') };
    return { p };
  }

  function checkReceipt(r: unknown, amount: number): string | null {
    if (!r || typeof r !== 'object' || Array.isArray(r)) return 'ThongTinBienLai';
    const b = r as Record<string, unknown>;
    for (const k of ['MaDonVi', 'TenDonVi', 'MaHoSo', 'MaTTHC', 'TenTTHC', 'HoTenNguoiNop']) if (!isText(b[k]) || b[k] === '') return `ThongTinBienLai.${k}`;
    if (!Array.isArray(b.PhiLePhi) || b.PhiLePhi.length === 0) return 'ThongTinBienLai.PhiLePhi';
    let sum = 0;
    for (const [i, l] of (b.PhiLePhi as unknown[]).entries()) {
      const line = (l ?? {}) as Record<string, unknown>;
      if (line.LoaiPhiLePhi !== 1 && line.LoaiPhiLePhi !== 2) return `ThongTinBienLai.PhiLePhi[${i}].LoaiPhiLePhi`;
      if (!isText(line.TenPhiLePhi) || !isText(line.MaPhiLePhi)) return `ThongTinBienLai.PhiLePhi[${i}]`;
      if (!Number.isSafeInteger(line.SoTien) || (line.SoTien as number) <= 0) return `ThongTinBienLai.PhiLePhi[${i}].SoTien`;
      sum += line.SoTien as number;
    }
    return sum === amount ? null : 'ThongTinBienLai.PhiLePhi (tổng khác SoTien / total differs from SoTien)';
  }

  return {
    init(body) {
      const m = (body ?? {}) as Record<string, unknown>;
      if (m.LoaiBanTin !== 'INIT') return refuse(REFUSAL.badField, 'LoaiBanTin phải là INIT / LoaiBanTin must be INIT');
      const who = caller(m, 'INIT');
      if ('refusal' in who) return who.refusal;
      const fixed = { LoaiHinhThanhToan: 'PAY', MaKenhThanhToan: '1', MaThietBi: '1', NgonNgu: 'vi-VN', MaTienTe: 'VND' } as Record<string, string>;
      for (const [k, v] of Object.entries(fixed)) if (m[k] !== v) return refuse(REFUSAL.badField, `${k} phải là "${v}" / ${k} must be "${v}"`);
      if (!isText(m.MaThamChieu, 50) || !/^[A-Za-z0-9_.-]+$/.test(m.MaThamChieu)) return refuse(REFUSAL.badField, 'MaThamChieu');
      if (!isText(m.SoTien, 12) || !/^[1-9]\d*$/.test(m.SoTien))
        return refuse(REFUSAL.badField, 'SoTien phải là số nguyên đồng dương / SoTien must be whole đồng');
      if (!isText(m.MaNganHang, 20) || (m.MaNganHang !== '' && !METHODS.some((x) => x.code === m.MaNganHang))) return refuse(REFUSAL.badField, 'MaNganHang');
      if (!isText(m.ThongTinGiaoDich, 255) || m.ThongTinGiaoDich === '') return refuse(REFUSAL.badField, 'ThongTinGiaoDich');
      if (!isText(m.Ip, 45) || m.Ip === '') return refuse(REFUSAL.badField, 'Ip');
      const amount = Number(m.SoTien);
      const bad = checkReceipt(m.ThongTinBienLai, amount);
      if (bad) return refuse(REFUSAL.badField, bad);
      if (byReference.has(m.MaThamChieu)) return refuse(REFUSAL.duplicateReference, 'MaThamChieu đã được dùng / MaThamChieu already used');
      const created = now();
      const token = randomBytes(16).toString('base64url');
      const t: Txn = {
        reference: m.MaThamChieu,
        partner: who.p,
        amount,
        bankCode: m.MaNganHang,
        description: m.ThongTinGiaoDich,
        receipt: m.ThongTinBienLai,
        token,
        gatewayTxn: `SIM${thoiGian(created).slice(0, 8)}${String(++seq).padStart(6, '0')}`,
        state: 'pending',
        errorCode: '',
        createdAt: created,
        completedAt: null,
        expiresAt: new Date(created.getTime() + lifetime),
        timedOut: false,
        callbacks: [],
      };
      byReference.set(t.reference, t);
      byToken.set(token, t);
      return { error_code: '0', message: JSON.stringify({ UrlThanhToan: `${base}/pay/${token}` }) };
    },

    payPage(token) {
      const t = byToken.get(token);
      return t ? view(t) : null;
    },

    async pay(token, outcome, bank) {
      const t = byToken.get(token);
      if (!t) return { kind: 'page', page: 'unknown' };
      settleExpiry(t);
      const home = `${new URL(t.partner.returnUrl).origin}/`;
      if (t.state !== 'pending' || t.timedOut) return { kind: 'page', page: t.timedOut && t.state === 'pending' ? 'timeout' : 'done', txn: view(t), home };
      if (outcome === 'abandon') return { kind: 'page', page: 'abandoned', txn: view(t), home };
      const fault = next.shift() ?? null;
      t.bankCode = bank;
      if (fault?.kind === 'timeout') {
        t.timedOut = true;
        t.expiresAt = new Date(now().getTime() + (fault.expiresAfterSeconds ?? lifetime / 1000) * 1000);
        return { kind: 'page', page: 'timeout', txn: view(t), home };
      }
      t.state = outcome === 'pay' ? 'paid' : 'failed';
      t.errorCode = outcome === 'pay' ? '00' : PAY_FAILED;
      t.completedAt = now();
      const tampersReturn = (fault?.kind === 'changed_amount' || fault?.kind === 'bad_hash') && fault.alsoReturn === true;
      const location = returnUrl(t, confirmFields(t, tampersReturn ? fault : null));
      if (fault?.kind === 'late_callback') {
        const timer = setTimeout(() => {
          timers.delete(timer);
          void callback(t, fault);
        }, fault.delayMs ?? 1500);
        timers.add(timer);
      } else if (fault?.kind === 'duplicate_callback') {
        await Promise.all([callback(t, fault), callback(t, fault)]);
      } else {
        await callback(t, fault);
      }
      return { kind: 'redirect', location };
    },

    query(body, kind) {
      const m = (body ?? {}) as Record<string, unknown>;
      if (m.LoaiBanTin !== kind) return refuse(REFUSAL.badField, `LoaiBanTin phải là ${kind} / LoaiBanTin must be ${kind}`);
      const who = caller(m, 'QUERY');
      if ('refusal' in who) return who.refusal;
      const reference = isText(m.MaThamChieu, 50) ? m.MaThamChieu : '';
      const t = byReference.get(reference);
      return answer(kind, who.p, reference, t && t.partner === who.p ? t : undefined);
    },

    statement(body) {
      const m = (body ?? {}) as Record<string, unknown>;
      if (m.LoaiBanTin !== 'STATEMENT') return { ok: false, refusal: refuse(REFUSAL.badField, 'LoaiBanTin phải là STATEMENT / LoaiBanTin must be STATEMENT') };
      const who = caller(m, 'STATEMENT');
      if ('refusal' in who) return { ok: false, refusal: who.refusal };
      if (typeof m.NgayGiaoDich !== 'string' || !validThoiGian(`${m.NgayGiaoDich}000000`))
        return { ok: false, refusal: refuse(REFUSAL.badField, 'NgayGiaoDich (yyyyMMdd)') };
      const day = m.NgayGiaoDich;
      const lines: string[][] = [];
      for (const t of byReference.values()) {
        if (t.partner !== who.p) continue;
        settleExpiry(t);
        const at = thoiGian(t.completedAt ?? t.createdAt);
        if (at.slice(0, 8) !== day) continue;
        lines.push([
          t.partner.code,
          t.reference,
          t.gatewayTxn,
          String(t.amount),
          'VND',
          t.state === 'paid' ? '1' : t.state === 'failed' ? '4' : '3',
          at,
          t.bankCode,
        ]);
      }
      let unknown = 0;
      for (const pl of plants) {
        if (pl.kind === 'add_unknown') {
          if (pl.day.replaceAll('-', '') !== day) continue;
          unknown++;
          const ref = pl.reference ?? `SIM-UNKNOWN-${day}-${unknown}`;
          lines.push([who.p.code, ref, `SIMX${day}${String(unknown).padStart(5, '0')}`, String(pl.amount ?? 50_000), 'VND', '1', `${day}120000`, 'VCB']);
          continue;
        }
        const i = lines.findIndex((l) => l[1] === pl.reference);
        if (i < 0) continue;
        const line = lines[i]!;
        if (pl.kind === 'drop') lines.splice(i, 1);
        else if (pl.kind === 'change_amount') line[3] = String(pl.amount ?? Number(line[3]) + 1000);
        else line[5] = pl.state ?? (line[5] === '1' ? '4' : '1');
      }
      const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
      const header = ['MaDoiTac', 'MaThamChieu', 'MaGiaoDich', 'SoTien', 'MaTienTe', 'TrangThaiGD', 'ThoiGianGD', 'MaNganHang'];
      const csv = [header, ...lines].map((l) => `${l.map(field).join(',')}\r\n`).join('');
      return { ok: true, csv, signature: fileHash(csv, who.p.secret) };
    },

    setFault(f) {
      next.push(f);
    },
    plant(p) {
      plants.push(p);
    },
    reset() {
      next = [];
      plants = [];
    },
    faults: () => ({ next: [...next], plants: [...plants] }),
    transaction(reference) {
      const t = byReference.get(reference);
      return t ? view(t) : null;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

import { z } from 'zod';
import { AppError, type ErrorDetail } from '../../../platform/errors.ts';
import {
  CONFIRM_REPLY_CODE,
  INIT_CONSTANTS,
  INIT_OK,
  MA_LOI_SUCCESS,
  MAX_AMOUNT,
  MESSAGE,
  PATHS,
  REFERENCE_PATTERN,
  STATEMENT_FORMAT,
  TIMEOUT_MS,
  TRANG_THAI_GD,
  VERSION,
  formatTime,
  hashMatches,
  maXacThuc,
  parseAmount,
  parseTime,
  readCsv,
  sign,
  type HashedMessage,
} from './contract.ts';
import type { Confirmation, InitRequest, PaymentGateway, StatementLine } from './gateway.ts';

/**
 * The national payment platform's adapter (INTEGRATIONS §2; the contract's facts are all in
 * contract.ts). Every call is a JSON POST with a 6 s timeout (OpenCPS's); a platform that cannot
 * be reached, answers an HTTP error or something unreadable is PAYMENT_PLATFORM_UNAVAILABLE
 * (503, nothing was done). Every message from the platform that the contract signs is checked:
 * a bad MaXacThuc, another partner's code, another reference than asked for, or a missing
 * field is PAYMENT_MESSAGE_FORGED (400).
 */

export interface NationalGatewayOptions {
  /** The platform's base URL; PATHS are under it. */
  url: string;
  partnerCode: string;
  secret: string;
  /** 6 s by default. */
  timeoutMs?: number;
  /** The clock for messages whose interface takes no time (the statement request). */
  now?: () => Date;
}

const unavailable = (vi: string, en: string, details?: ErrorDetail[]) =>
  new AppError(
    'PAYMENT_PLATFORM_UNAVAILABLE',
    {
      vi: `Cổng thanh toán quốc gia chưa xử lý được yêu cầu: ${vi}. Chưa có khoản nào bị trừ; vui lòng thử lại sau.`,
      en: `The national payment platform could not handle the request: ${en}. Nothing was charged; try again later.`,
    },
    details,
  );

const forged = (path: string, vi: string, en: string) =>
  new AppError('PAYMENT_MESSAGE_FORGED', { vi: `Thông điệp thanh toán không hợp lệ: ${vi}`, en: `The payment message is not genuine: ${en}` }, [
    { path, message: vi, messageEn: en },
  ]);

const text = (max: number) => z.string().max(max);
/** CONFIRM, as the callback's JSON body or the browser return's query (§2). Other fields are ignored: they are not signed. */
const ConfirmFields = z.object({
  LoaiBanTin: text(20),
  MaLoi: text(10),
  MaDoiTac: text(50),
  MaThamChieu: text(50),
  SoTien: text(15),
  MaTienTe: text(3),
  MaGiaoDich: text(100),
  MaNganHang: text(50),
  ThoiGianGD: text(14),
  ThongTinGiaoDich: text(2000),
  MaXacThuc: text(64),
});
const QueryFields = ConfirmFields.extend({ TrangThaiGD: text(2) });
type ConfirmShape = z.output<typeof ConfirmFields>;

export class NationalPaymentGateway implements PaymentGateway {
  readonly name = 'national';
  readonly #url: string;
  readonly #partner: string;
  readonly #secret: string;
  readonly #timeoutMs: number;
  readonly #now: () => Date;

  constructor(o: NationalGatewayOptions) {
    this.#url = o.url.replace(/\/+$/, '');
    this.#partner = o.partnerCode;
    this.#secret = o.secret;
    this.#timeoutMs = o.timeoutMs ?? TIMEOUT_MS;
    this.#now = o.now ?? (() => new Date());
  }

  async init(req: InitRequest): Promise<{ redirectUrl: string }> {
    checkAmount(req.amount, 'amount');
    if (!REFERENCE_PATTERN.test(req.reference)) throw new RangeError(`payment reference "${req.reference}" does not match ${REFERENCE_PATTERN}`);
    for (const l of req.receipt.lines) if (l.amount !== 0) checkAmount(l.amount, 'line amount');
    // A line fully exempted (0 đồng) is not collected, so it is not sent.
    const lines = req.receipt.lines.filter((l) => l.amount !== 0);
    const sum = lines.reduce((s, l) => s + l.amount, 0);
    if (sum !== req.amount) throw new RangeError(`the fee lines add up to ${sum}, not ${req.amount}`);
    const r = req.receipt;
    const signed: Record<string, string> = {
      LoaiBanTin: MESSAGE.INIT,
      PhienBan: VERSION,
      MaDoiTac: this.#partner,
      MaThamChieu: req.reference,
      SoTien: String(req.amount),
      ...INIT_CONSTANTS,
      MaNganHang: req.bankCode ?? '',
      ThongTinGiaoDich: req.description,
      ThoiGianGD: formatTime(req.at),
      Ip: req.payerIp,
    };
    const body = {
      ...signed,
      MaXacThuc: sign('INIT', signed, this.#secret),
      ThongTinBienLai: {
        MaDichVu: r.serviceCode,
        MaDVC: r.procedureCode,
        TenDVC: r.procedureName,
        MaTTHC: r.procedureCode,
        TenTTHC: r.procedureName,
        MaDonVi: r.unitCode,
        TenDonVi: r.unitName,
        MaHoSo: r.dossierCode,
        // The collecting unit's account is registered with the platform per MaDonVi; not sent.
        TKThuHuong: '',
        MaNHThuHuong: '',
        TenTKThuHuong: '',
        NoiDungThanhToan: r.content,
        HoTenNguoiNop: r.payerName,
        SoCMNDNguoiNop: r.payerIdentifier,
        DiaChiNguoiNop: r.payerAddress,
        PhiLePhi: lines.map((l) => ({ LoaiPhiLePhi: l.kind, MaPhiLePhi: l.code, TenPhiLePhi: l.name, SoTien: l.amount })),
        DSKhoanNop: lines.map((l) => ({ NoiDung: l.name, SoTien: l.amount })),
      },
    };
    const answer = await this.#post(PATHS.INIT, body);
    const code = (answer as { error_code?: unknown }).error_code;
    const message = (answer as { message?: unknown }).message;
    if (String(code) !== INIT_OK) {
      throw unavailable(`mã lỗi ${String(code)} (${String(message ?? '').slice(0, 200)})`, `error ${String(code)} (${String(message ?? '').slice(0, 200)})`);
    }
    let url: unknown;
    try {
      url = (typeof message === 'string' ? (JSON.parse(message) as { UrlThanhToan?: unknown }) : (message as { UrlThanhToan?: unknown } | null))?.UrlThanhToan;
    } catch {
      url = undefined;
    }
    if (typeof url !== 'string' || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw unavailable('không có địa chỉ trang thanh toán trong câu trả lời', 'its answer has no payment page address');
    }
    return { redirectUrl: url };
  }

  verifyConfirm(body: unknown): Confirmation {
    return this.#confirmation(body, 'body');
  }

  verifyReturn(query: Record<string, string>): Confirmation {
    return this.#confirmation(query, 'query');
  }

  confirmReply(c: { reference: string; ok: boolean; message: string; at: Date }): Record<string, string> {
    const reply: Record<string, string> = {
      MaLoi: c.ok ? CONFIRM_REPLY_CODE.accepted : CONFIRM_REPLY_CODE.refused,
      MoTaLoi: c.message,
      MaDoiTac: this.#partner,
      MaThamChieu: c.reference,
      ThoiGianGD: formatTime(c.at),
    };
    return { ...reply, MaXacThuc: sign('CONFIRM_REPLY', reply, this.#secret) };
  }

  async query(reference: string, at: Date) {
    const { state, amount, gatewayTxn } = await this.#ask('QUERY', reference, at);
    return { state, amount, gatewayTxn };
  }

  /** GET_BILL: QUERY's answer with the platform's receipt data (ThongTinBienLai, not signed). */
  async getBill(reference: string, at: Date) {
    return this.#ask('GET_BILL', reference, at);
  }

  async statement(day: string): Promise<StatementLine[]> {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    if (!m) throw new RangeError(`statement day "${day}" is not YYYY-MM-DD`);
    const signed: Record<string, string> = {
      LoaiBanTin: MESSAGE.STATEMENT,
      PhienBan: VERSION,
      MaDoiTac: this.#partner,
      NgayGiaoDich: `${m[1]}${m[2]}${m[3]}`,
      ThoiGianGD: formatTime(this.#now()),
    };
    const res = await this.#send(PATHS.STATEMENT, { ...signed, MaXacThuc: sign('STATEMENT', signed, this.#secret) });
    const body = await res.text().catch(() => {
      throw unavailable('bảng kê đối soát bị cắt ngang', 'the statement was cut off');
    });
    const given = res.headers.get(STATEMENT_FORMAT.signatureHeader) ?? '';
    const expected = maXacThuc([body], this.#secret);
    if (given.toLowerCase() !== expected)
      throw forged(STATEMENT_FORMAT.signatureHeader, 'bảng kê đối soát sai mã xác thực', 'the statement file has a bad MaXacThuc');
    const rows = readCsv(body);
    const columns: readonly string[] = STATEMENT_FORMAT.columns;
    if (!rows || rows.length === 0 || rows[0]!.join() !== columns.join()) {
      throw unavailable('bảng kê đối soát không đúng định dạng', 'the statement file is not in the agreed format');
    }
    const col = Object.fromEntries(columns.map((c, i) => [c, i])) as Record<(typeof STATEMENT_FORMAT.columns)[number], number>;
    return rows.slice(1).map((r, i) => {
      const bad = (what: string) => unavailable(`dòng ${i + 2} của bảng kê: ${what}`, `statement line ${i + 2}: ${what}`);
      if (r.length !== columns.length) throw bad('số cột');
      if (r[col.MaDoiTac] !== this.#partner) throw bad('MaDoiTac');
      const amount = parseAmount(r[col.SoTien]);
      if (amount === null) throw bad('SoTien');
      const at = parseTime(r[col.ThoiGianGD]);
      if (!at) throw bad('ThoiGianGD');
      const state = stateOf(r[col.TrangThaiGD]!);
      if (!state) throw bad('TrangThaiGD');
      return { reference: r[col.MaThamChieu]!, gatewayTxn: r[col.MaGiaoDich]!, amount, state, at };
    });
  }

  async #ask(kind: 'QUERY' | 'GET_BILL', reference: string, at: Date) {
    const signed: Record<string, string> = {
      LoaiBanTin: MESSAGE[kind],
      PhienBan: VERSION,
      MaDoiTac: this.#partner,
      MaThamChieu: reference,
      ThoiGianGD: formatTime(at),
    };
    const answer = await this.#post(kind === 'QUERY' ? PATHS.QUERY : PATHS.GET_BILL, { ...signed, MaXacThuc: sign(kind, signed, this.#secret) });
    const a = answer as Record<string, unknown>;
    if (a.MaXacThuc === undefined && a.error_code !== undefined) {
      throw unavailable(
        `mã lỗi ${String(a.error_code)} (${String(a.message ?? '').slice(0, 200)})`,
        `error ${String(a.error_code)} (${String(a.message ?? '').slice(0, 200)})`,
      );
    }
    const f = this.#checked(QueryFields, answer, `${kind}_REPLY`, 'body');
    if (f.LoaiBanTin !== MESSAGE[kind])
      throw forged('body.LoaiBanTin', `câu trả lời không phải ${MESSAGE[kind]}`, `the answer is not a ${MESSAGE[kind]} answer`);
    if (f.MaThamChieu !== reference) throw forged('body.MaThamChieu', 'câu trả lời nói về giao dịch khác', 'the answer is about another transaction');
    const state = stateOf(f.TrangThaiGD) ?? 'pending'; // an unknown state settles nothing
    const amount = f.SoTien === '' ? null : parseAmount(f.SoTien);
    if (f.SoTien !== '' && amount === null) throw forged('body.SoTien', 'số tiền không hợp lệ', 'the amount is not whole đồng');
    return { state, amount, gatewayTxn: f.MaGiaoDich || null, bill: a.ThongTinBienLai ?? null };
  }

  #confirmation(input: unknown, where: 'body' | 'query'): Confirmation {
    const f = this.#checked(ConfirmFields, input, 'CONFIRM', where);
    if (f.LoaiBanTin !== MESSAGE.CONFIRM) throw forged(`${where}.LoaiBanTin`, 'không phải thông điệp CONFIRM', 'not a CONFIRM message');
    if (!REFERENCE_PATTERN.test(f.MaThamChieu)) throw forged(`${where}.MaThamChieu`, 'mã tham chiếu không hợp lệ', 'the reference is malformed');
    const amount = parseAmount(f.SoTien);
    if (amount === null) throw forged(`${where}.SoTien`, 'số tiền không hợp lệ', 'the amount is not whole đồng');
    const at = parseTime(f.ThoiGianGD);
    if (!at) throw forged(`${where}.ThoiGianGD`, 'thời gian giao dịch không hợp lệ', 'the transaction time is not yyyyMMddHHmmss');
    return { reference: f.MaThamChieu, amount, success: f.MaLoi === MA_LOI_SUCCESS, errorCode: f.MaLoi, gatewayTxn: f.MaGiaoDich, bankCode: f.MaNganHang, at };
  }

  /** Shape, then the hash, then our partner code and currency: whatever is wrong, nothing of it is believed. */
  #checked<T extends ConfirmShape>(schema: z.ZodType<T>, input: unknown, kind: HashedMessage, where: string): T {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const path = parsed.error.issues[0]?.path.join('.') ?? '';
      throw forged(`${where}${path ? `.${path}` : ''}`, 'thiếu trường hoặc trường sai kiểu', 'a field is missing or of the wrong type');
    }
    const f: T = parsed.data;
    if (!hashMatches(kind, f, f.MaXacThuc, this.#secret)) throw forged(`${where}.MaXacThuc`, 'sai mã xác thực (MaXacThuc)', 'bad MaXacThuc');
    if (f.MaDoiTac !== this.#partner) throw forged(`${where}.MaDoiTac`, 'mã đối tác không phải của chúng tôi', 'the partner code is not ours');
    if (f.MaTienTe !== INIT_CONSTANTS.MaTienTe) throw forged(`${where}.MaTienTe`, 'đơn vị tiền tệ không phải VND', 'the currency is not VND');
    return f;
  }

  async #send(path: string, body: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.#url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/csv' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError';
      throw unavailable(
        timedOut ? `không trả lời trong ${this.#timeoutMs / 1000} giây` : 'không kết nối được',
        timedOut ? `no answer within ${this.#timeoutMs / 1000} s` : 'it cannot be reached',
      );
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined); // the status is all we need; the body is dropped
      throw unavailable(`trả lời HTTP ${res.status}`, `it answered HTTP ${res.status}`);
    }
    return res;
  }

  async #post(path: string, body: unknown): Promise<unknown> {
    const res = await this.#send(path, body);
    try {
      return (await res.json()) as unknown;
    } catch {
      throw unavailable('câu trả lời không phải JSON', 'its answer is not JSON');
    }
  }
}

function checkAmount(n: number, what: string) {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_AMOUNT) throw new RangeError(`${what} ${n} is not whole đồng in 1…${MAX_AMOUNT}`);
}

function stateOf(t: string): StatementLine['state'] | null {
  if (t === TRANG_THAI_GD.PAID) return 'success';
  if (t === TRANG_THAI_GD.FAILED) return 'failed';
  if (t === TRANG_THAI_GD.PENDING) return 'pending';
  return null;
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The data-sharing platform (a provincial LGSP) with the national business registry behind it,
 * simulated: the other side of src/platform/gateway and src/modules/business-registry. Its own
 * reading of the contract, so it checks ours: `POST /token` (client credentials, Basic or form
 * body) gives a Bearer token; every registry call must carry it and be signed
 * (`x-lgsp-client-id`, `x-lgsp-timestamp` in Unix seconds within 5 minutes, `x-lgsp-content-sha256`
 * of the body, `x-lgsp-signature` = base64 HMAC-SHA256 of "METHOD\npath?query\ntimestamp\nsha256");
 * `GET /dkkd/v1/doanh-nghiep/{code}` answers a demo business (fields maSoDoanhNghiep,
 * tenDoanhNghiep, diaChiTruSo, nguoiDaiDienPhapLuat, ngayDangKyLanDau dd/MM/yyyy, tinhTrang 01
 * active, 02 suspended, 03 ceased) or 404. Faults for tests and the demo: the next N calls fail
 * with a status or have their connection reset, a fraction fail or time out, every answer late,
 * tokens revoked. State is in memory, like a test bed.
 */

export interface RegistrySimulatorOptions {
  clientId: string;
  clientSecret: string;
  signingKey: string;
  now?: () => number;
}

export interface DemoBusiness {
  maSoDoanhNghiep: string;
  tenDoanhNghiep: string;
  diaChiTruSo: string;
  nguoiDaiDienPhapLuat: string;
  ngayDangKyLanDau: string;
  tinhTrang: '01' | '02' | '03';
  /** This one always answers late (a registry node far away). */
  slowMs?: number;
}

/** The demo's businesses. The first is the VNeID simulator's demo business (demo/citizens.json). */
export const DEMO_BUSINESSES: readonly DemoBusiness[] = [
  {
    maSoDoanhNghiep: '0101234565',
    tenDoanhNghiep: 'Công ty TNHH Thương mại Sao Việt',
    diaChiTruSo: 'Tầng 5, số 25 Láng Hạ, phường Đống Đa, Hà Nội',
    nguoiDaiDienPhapLuat: 'Lê Thị Thu',
    ngayDangKyLanDau: '12/03/2015',
    tinhTrang: '01',
  },
  {
    maSoDoanhNghiep: '0101234565-001',
    tenDoanhNghiep: 'Chi nhánh Công ty TNHH Thương mại Sao Việt tại Đà Nẵng',
    diaChiTruSo: 'Số 40 Bạch Đằng, phường Hải Châu, thành phố Đà Nẵng',
    nguoiDaiDienPhapLuat: 'Trần Minh Quân',
    ngayDangKyLanDau: '05/09/2019',
    tinhTrang: '01',
  },
  {
    maSoDoanhNghiep: '0312456782',
    tenDoanhNghiep: 'Công ty TNHH Xuất nhập khẩu Phương Nam',
    diaChiTruSo: 'Số 215 Nam Kỳ Khởi Nghĩa, phường Xuân Hòa, Thành phố Hồ Chí Minh',
    nguoiDaiDienPhapLuat: 'Lê Thị Mỹ Dung',
    ngayDangKyLanDau: '21/07/2013',
    tinhTrang: '01',
  },
  {
    maSoDoanhNghiep: '0309876547',
    tenDoanhNghiep: 'Công ty TNHH Vận tải Bến Nghé',
    diaChiTruSo: 'Số 8 Tôn Đức Thắng, phường Sài Gòn, Thành phố Hồ Chí Minh',
    nguoiDaiDienPhapLuat: 'Đỗ Văn Lộc',
    ngayDangKyLanDau: '02/11/2009',
    tinhTrang: '03',
  },
  {
    maSoDoanhNghiep: '4500654329',
    tenDoanhNghiep: 'Công ty Cổ phần Nông sản Phan Rang',
    diaChiTruSo: 'Số 12 Thống Nhất, phường Phan Rang, tỉnh Khánh Hòa',
    nguoiDaiDienPhapLuat: 'Nguyễn Thị Hạnh',
    ngayDangKyLanDau: '30/06/2016',
    tinhTrang: '02',
  },
  {
    maSoDoanhNghiep: '0106123989',
    tenDoanhNghiep: 'Công ty Cổ phần Công nghệ Hồng Hà',
    diaChiTruSo: 'Số 99 Nguyễn Trãi, phường Thanh Xuân, Hà Nội',
    nguoiDaiDienPhapLuat: 'Vũ Quang Hưng',
    ngayDangKyLanDau: '18/01/2018',
    tinhTrang: '01',
    slowMs: 1_500,
  },
];

export interface Faults {
  /** The next this many registry calls are answered with `status`. */
  failNext: number;
  status: number;
  /** The next this many registry calls have their connection dropped with no answer. */
  resetNext: number;
  /** This share of registry calls is answered with `status` (0–1). */
  failFraction: number;
  /** This share of registry calls is never answered (the caller's time limit decides). */
  timeoutFraction: number;
  /** Every registry answer waits this long first. */
  delayMs: number;
}

export interface ReceivedCall {
  at: string;
  method: string;
  path: string;
  /** What it was answered: a status, `reset` or `timeout`. */
  outcome: number | 'reset' | 'timeout';
  error?: string;
}

export type Answer =
  | { kind: 'answer'; status: number; body: unknown; delayMs?: number; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'timeout' };

const NO_FAULTS: Faults = { failNext: 0, status: 503, resetNext: 0, failFraction: 0, timeoutFraction: 0, delayMs: 0 };
const TOKEN_TTL_SECONDS = 3600;
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function createRegistrySimulator(o: RegistrySimulatorOptions) {
  const now = o.now ?? Date.now;
  let tokens = new Map<string, number>();
  let calls: ReceivedCall[] = [];
  let faults: Faults = { ...NO_FAULTS };
  let tokensIssued = 0;
  const log = (c: Omit<ReceivedCall, 'at'>) => {
    calls.push({ at: new Date(now()).toISOString(), ...c });
    if (calls.length > 10_000) calls = calls.slice(-10_000);
  };

  /** The client's credentials, from the Basic header or the form body (RFC 6749 §2.3.1). */
  const credentials = (authorization: string | undefined, body: Record<string, unknown>) => {
    if (authorization && /^Basic /i.test(authorization)) {
      const raw = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const i = raw.indexOf(':');
      if (i > 0) {
        try {
          return { id: decodeURIComponent(raw.slice(0, i)), secret: decodeURIComponent(raw.slice(i + 1)) };
        } catch {
          return null;
        }
      }
    }
    return typeof body.client_id === 'string' && typeof body.client_secret === 'string' ? { id: body.client_id, secret: body.client_secret } : null;
  };

  /** The first thing wrong with a call's token and signature, or null. */
  const refusal = (
    h: Record<string, string | string[] | undefined>,
    method: string,
    pathWithQuery: string,
    body: string,
  ): { status: number; error: string } | null => {
    const one = (k: string) => (typeof h[k] === 'string' ? (h[k] as string) : undefined);
    const bearer = /^Bearer (.+)$/i.exec(one('authorization') ?? '')?.[1];
    const until = bearer ? tokens.get(bearer) : undefined;
    if (!until || until <= now()) return { status: 400, error: 'invalid_token' };
    if (one('x-lgsp-client-id') !== o.clientId) return { status: 400, error: 'x-lgsp-client-id: not the client the token was issued to' };
    const ts = one('x-lgsp-timestamp') ?? '';
    if (!/^\d{1,12}$/.test(ts)) return { status: 400, error: 'x-lgsp-timestamp: must be Unix seconds' };
    if (Math.abs(Number(ts) - now() / 1000) > 300) return { status: 400, error: 'x-lgsp-timestamp: more than 5 minutes away' };
    const sha = one('x-lgsp-content-sha256') ?? '';
    if (sha !== sha256(body)) return { status: 400, error: 'x-lgsp-content-sha256: not the SHA-256 of the body' };
    const expected = createHmac('sha256', o.signingKey).update(`${method.toUpperCase()}\n${pathWithQuery}\n${ts}\n${sha}`).digest('base64');
    if (!same(one('x-lgsp-signature') ?? '', expected)) return { status: 400, error: 'x-lgsp-signature: does not verify' };
    return null;
  };

  return {
    /** POST /token. */
    token(authorization: string | undefined, body: unknown): { status: number; body: unknown } {
      const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      if (b.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
      const c = credentials(authorization, b);
      // 400, which RFC 6749 §5.2 allows for invalid_client.
      if (!c || c.id !== o.clientId || !same(c.secret, o.clientSecret)) return { status: 400, body: { error: 'invalid_client' } };
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, now() + TOKEN_TTL_SECONDS * 1000);
      tokensIssued++;
      return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS } };
    },

    /** GET /dkkd/v1/doanh-nghiep/{code}: `pathWithQuery` as the request line has it (what was signed). */
    lookup(headers: Record<string, string | string[] | undefined>, method: string, pathWithQuery: string, code: string, body = ''): Answer {
      const refused = refusal(headers, method, pathWithQuery, body);
      if (refused) {
        log({ method, path: pathWithQuery, outcome: refused.status, error: refused.error });
        // Refused as a bad message (400), as the demo's other stand-ins refuse theirs: the caller is a system, not a person
        // signing in. A token it does not know is said in WWW-Authenticate (RFC 6750 §3), on which the client renews it.
        return refused.error === 'invalid_token'
          ? {
              kind: 'answer',
              status: 400,
              body: { maLoi: 'TOKEN_KHONG_HOP_LE', moTaLoi: refused.error },
              headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
            }
          : { kind: 'answer', status: 400, body: { maLoi: 'CHU_KY_KHONG_HOP_LE', moTaLoi: refused.error } };
      }
      if (faults.resetNext > 0) {
        faults.resetNext--;
        log({ method, path: pathWithQuery, outcome: 'reset' });
        return { kind: 'reset' };
      }
      if (faults.failNext > 0 || (faults.failFraction > 0 && Math.random() < faults.failFraction)) {
        if (faults.failNext > 0) faults.failNext--;
        log({ method, path: pathWithQuery, outcome: faults.status, error: 'fault injected' });
        return { kind: 'answer', status: faults.status, body: { maLoi: 'LOI_HE_THONG' }, delayMs: faults.delayMs };
      }
      if (faults.timeoutFraction > 0 && Math.random() < faults.timeoutFraction) {
        log({ method, path: pathWithQuery, outcome: 'timeout' });
        return { kind: 'timeout' };
      }
      if (!/^[0-9]{10}(-[0-9]{3})?$/.test(code)) {
        log({ method, path: pathWithQuery, outcome: 400 });
        return { kind: 'answer', status: 400, body: { maLoi: 'MA_SO_KHONG_HOP_LE' }, delayMs: faults.delayMs };
      }
      const b = DEMO_BUSINESSES.find((x) => x.maSoDoanhNghiep === code);
      log({ method, path: pathWithQuery, outcome: b ? 200 : 404 });
      if (!b) return { kind: 'answer', status: 404, body: { maLoi: 'KHONG_TIM_THAY' }, delayMs: faults.delayMs };
      const { slowMs, ...record } = b;
      return { kind: 'answer', status: 200, body: record, delayMs: faults.delayMs + (slowMs ?? 0) };
    },

    /** What the registry was asked, oldest first (one business's, when named). */
    calls(code?: string): ReceivedCall[] {
      return code ? calls.filter((c) => c.path.includes(`/doanh-nghiep/${code}`)) : [...calls];
    },
    tokensIssued: () => tokensIssued,
    /** Every token issued so far stops working (the platform rotated its keys). */
    revokeTokens() {
      tokens = new Map();
    },
    setFaults(f: Partial<Faults>) {
      faults = { ...faults, ...f };
    },
    faults: () => ({ ...faults }),
    reset() {
      tokens = new Map();
      calls = [];
      faults = { ...NO_FAULTS };
      tokensIssued = 0;
    },
  };
}
export type RegistrySimulator = ReturnType<typeof createRegistrySimulator>;

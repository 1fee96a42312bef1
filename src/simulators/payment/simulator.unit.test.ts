import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import type { Ctx } from '../../platform/context.ts';
import type { App } from '../../platform/http/types.ts';
import { hashOf, hashOk, thoiGian, validThoiGian } from './protocol.ts';
import { createPaymentSimulator, REFUSAL } from './simulator.ts';
import { paymentSimulatorModule } from './routes.ts';

/**
 * The simulator on its own: its copy of §2 against digests computed outside the code
 * (`printf '%s' '…' | sha256sum`, written out by hand), its checks of an INIT, and its refusal
 * to be mounted outside demo mode. Driven through our adapter over HTTP, with every fault, in
 * src/modules/payments/gateway/national-gateway.test.ts (a simulator's files may import only
 * the platform, so that test lives beside the adapter).
 */

const SECRET = 'bí-mật-thử';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const init = (over: Record<string, unknown> = {}) => {
  const m: Record<string, unknown> = {
    LoaiBanTin: 'INIT',
    PhienBan: '1.0.6',
    MaDoiTac: 'CONGSO-DEMO',
    MaThamChieu: 'TT-000.00.00.G12-260105-0001-1',
    SoTien: '1005000',
    LoaiHinhThanhToan: 'PAY',
    MaKenhThanhToan: '1',
    MaThietBi: '1',
    NgonNgu: 'vi-VN',
    MaTienTe: 'VND',
    MaNganHang: '',
    ThongTinGiaoDich: 'Nộp phí hồ sơ 000.00.00.G12-260105-0001',
    ThoiGianGD: '20260105093000',
    Ip: '203.0.113.7',
    ThongTinBienLai: {
      MaDonVi: '000.00.00.G12',
      TenDonVi: 'Bộ Thử nghiệm',
      MaHoSo: '000.00.00.G12-260105-0001',
      MaTTHC: '1.000001',
      TenTTHC: 'Cấp giấy phép thử',
      HoTenNguoiNop: 'Nguyễn Văn An',
      PhiLePhi: [
        { LoaiPhiLePhi: 2, MaPhiLePhi: 'LP-01', TenPhiLePhi: 'Lệ phí', SoTien: 1_000_000 },
        { LoaiPhiLePhi: 1, MaPhiLePhi: 'P-01', TenPhiLePhi: 'Phí thẩm định', SoTien: 5_000 },
      ],
    },
    ...over,
  };
  // §2: LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|SoTien|LoaiHinhThanhToan|MaKenhThanhToan|MaThietBi|NgonNgu|MaTienTe|MaNganHang|ThongTinGiaoDich|ThoiGianGD|Ip|Secret
  const order =
    'LoaiBanTin PhienBan MaDoiTac MaThamChieu SoTien LoaiHinhThanhToan MaKenhThanhToan MaThietBi NgonNgu MaTienTe MaNganHang ThongTinGiaoDich ThoiGianGD Ip';
  m.MaXacThuc ??= sha(
    `${order
      .split(' ')
      .map((k) => m[k])
      .join('|')}|${SECRET}`,
  );
  return m;
};

describe('the simulator’s copy of the contract', () => {
  it('hashes as §2 says (digests computed outside the code)', () => {
    expect(hashOf('INIT', init(), SECRET)).toBe('0427f64293f379eb516217506bad89bdeec6b09bcd1ae7d2658f99f632c94f14');
    const confirm = {
      LoaiBanTin: 'CONFIRM',
      MaLoi: '00',
      MaDoiTac: 'CONGSO-DEMO',
      MaThamChieu: 'TT-1',
      SoTien: '1005000',
      MaTienTe: 'VND',
      MaGiaoDich: 'SIM20260105000001',
      MaNganHang: 'VCB',
      ThoiGianGD: '20260105093512',
      ThongTinGiaoDich: 'Nộp phí',
    };
    expect(hashOf('CONFIRM', confirm, SECRET)).toBe('1028dc84b8248ef668f90e7c626450d1ead34c2e4b05dc096cbffb6a2954acf6');
    const query = { LoaiBanTin: 'QUERY', PhienBan: '1.0.6', MaDoiTac: 'CONGSO-DEMO', MaThamChieu: 'TT-1', ThoiGianGD: '20260105100000' };
    expect(hashOf('QUERY', query, SECRET)).toBe('44f71b3bcd67125627d60d68bba6a4ef1ffb7454679608140c029a14c9b2a6f8');
    expect(hashOk('QUERY', { ...query, MaXacThuc: '44f71b3bcd67125627d60d68bba6a4ef1ffb7454679608140c029a14c9b2a6f8' }, SECRET)).toBe(true);
    expect(hashOk('QUERY', { ...query, MaThamChieu: 'TT-2', MaXacThuc: '44f71b3bcd67125627d60d68bba6a4ef1ffb7454679608140c029a14c9b2a6f8' }, SECRET)).toBe(
      false,
    );
  });

  it('writes ThoiGianGD in Vietnam time and accepts only real times', () => {
    expect(thoiGian(new Date('2026-12-31T17:30:05Z'))).toBe('20270101003005');
    expect(validThoiGian('20270101003005')).toBe(true);
    expect(validThoiGian('20260230120000')).toBe(false);
    expect(validThoiGian('2026010512000')).toBe(false);
  });
});

describe('INIT, as the platform checks it', () => {
  const sim = () =>
    createPaymentSimulator({
      partners: [{ code: 'CONGSO-DEMO', secret: SECRET, callbackUrl: 'http://127.0.0.1:9/cb', returnUrl: 'http://127.0.0.1:9/back' }],
      baseUrl: 'http://127.0.0.1:9/simulators/payment',
    });

  it('answers error_code "0" and the pay page for a well-signed INIT, once per reference', () => {
    const s = sim();
    const a = s.init(init());
    expect(a.error_code).toBe('0');
    expect((JSON.parse(a.message) as { UrlThanhToan: string }).UrlThanhToan).toMatch(/^http:\/\/127\.0\.0\.1:9\/simulators\/payment\/pay\/[\w-]{20,}$/);
    expect(s.transaction('TT-000.00.00.G12-260105-0001-1')).toMatchObject({ state: 'pending', amount: 1_005_000, dossierCode: '000.00.00.G12-260105-0001' });
    expect(s.init(init()).error_code).toBe(REFUSAL.duplicateReference);
  });

  it('refuses another partner, a bad hash, a wrong version, a fixed field changed, lines that do not add up', () => {
    const s = sim();
    expect(s.init(init({ MaDoiTac: 'KHAC' })).error_code).toBe(REFUSAL.unknownPartner);
    expect(s.init(init({ MaXacThuc: '0'.repeat(64) })).error_code).toBe(REFUSAL.badHash);
    expect(s.init({ ...init(), SoTien: '1005001' }).error_code).toBe(REFUSAL.badHash);
    expect(s.init(init({ PhienBan: '1.0.5' })).error_code).toBe(REFUSAL.badField);
    expect(s.init(init({ MaTienTe: 'USD' })).error_code).toBe(REFUSAL.badField);
    expect(s.init(init({ ThoiGianGD: '20260230093000' })).error_code).toBe(REFUSAL.badField);
    expect(s.init(init({ SoTien: '1005000.0' })).error_code).toBe(REFUSAL.badField);
    expect(s.init(init({ SoTien: '2000000' })).error_code).toBe(REFUSAL.badField);
    expect(s.init(null).error_code).toBe(REFUSAL.badField);
  });
});

describe('mounting', () => {
  it('mounts nothing outside demo mode (no pay page, no faults)', async () => {
    const routes: string[] = [];
    const recorder = new Proxy({}, { get: () => (url: unknown) => routes.push(String(url)) }) as unknown as App;
    // Production with a real platform configured: the simulator stays away.
    const config = loadConfig({
      CONGSO_MODE: 'production',
      DATABASE_URL: 'postgresql://congso@127.0.0.1/congso',
      PUBLIC_URL: 'https://dichvucong.example.vn',
      OIDC_ISSUER: 'https://vneid.example.vn',
      OIDC_CLIENT_ID: 'congso',
      OIDC_CLIENT_SECRET: 'x'.repeat(32),
      SESSION_SECRET: 'x'.repeat(32),
      TOKEN_SECRET: 'y'.repeat(32),
      PAYMENT_URL: 'https://thanhtoan.example.vn',
      PAYMENT_PARTNER_CODE: 'CONGSO',
      PAYMENT_SECRET: 'z'.repeat(32),
    });
    expect(config.payment).toMatchObject({ url: 'https://thanhtoan.example.vn', callbackUrl: 'https://dichvucong.example.vn/api/v1/payments/callback' });
    await paymentSimulatorModule.routes(recorder, { config } as Ctx);
    expect(routes).toEqual([]);
    // Demo mode without a payment configuration: nothing to simulate.
    await paymentSimulatorModule.routes(recorder, { config: { ...config, mode: 'demo', payment: undefined } } as Ctx);
    expect(routes).toEqual([]);
  });
});

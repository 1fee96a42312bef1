import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HASH_FIELDS, formatTime, hashMatches, maXacThuc, parseAmount, parseTime, readCsv, sign, vietnamDay, writeCsv } from './contract.ts';

/**
 * The contract against INTEGRATIONS §2, computed independently: the field orders below are
 * copied from the text of §2, the expected digests were computed outside the code
 * (`printf '%s' '…' | sha256sum`) and are written out by hand.
 */

// §2, verbatim (without "|Secret").
const INIT_ORDER =
  'LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|SoTien|LoaiHinhThanhToan|MaKenhThanhToan|MaThietBi|NgonNgu|MaTienTe|MaNganHang|ThongTinGiaoDich|ThoiGianGD|Ip';
const CONFIRM_ORDER = 'LoaiBanTin|MaLoi|MaDoiTac|MaThamChieu|SoTien|MaTienTe|MaGiaoDich|MaNganHang|ThoiGianGD|ThongTinGiaoDich';
const QUERY_ORDER = 'LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|ThoiGianGD';

const SECRET = 'bí-mật-thử';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const init = {
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
  // Not signed: must not change the hash.
  ThongTinBienLai: { MaHoSo: '000.00.00.G12-260105-0001' },
};
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
const query = { LoaiBanTin: 'QUERY', PhienBan: '1.0.6', MaDoiTac: 'CONGSO-DEMO', MaThamChieu: 'TT-1', ThoiGianGD: '20260105100000' };

describe('MaXacThuc (INTEGRATIONS §2)', () => {
  it('keeps the three public field orders exactly as §2 writes them', () => {
    expect(HASH_FIELDS.INIT.join('|')).toBe(INIT_ORDER);
    expect(HASH_FIELDS.CONFIRM.join('|')).toBe(CONFIRM_ORDER);
    expect(HASH_FIELDS.QUERY.join('|')).toBe(QUERY_ORDER);
    expect(HASH_FIELDS.GET_BILL.join('|')).toBe(QUERY_ORDER);
  });

  it('signs an INIT: SHA-256 of the values in §2 order joined by "|", secret last, lowercase hex', () => {
    expect(sign('INIT', init, SECRET)).toBe('0427f64293f379eb516217506bad89bdeec6b09bcd1ae7d2658f99f632c94f14');
    const joined = INIT_ORDER.split('|')
      .map((f) => init[f as keyof typeof init])
      .join('|');
    expect(sign('INIT', init, SECRET)).toBe(sha(`${joined}|${SECRET}`));
  });

  it('signs a CONFIRM with ThoiGianGD before ThongTinGiaoDich (the other way round from INIT)', () => {
    expect(sign('CONFIRM', confirm, SECRET)).toBe('1028dc84b8248ef668f90e7c626450d1ead34c2e4b05dc096cbffb6a2954acf6');
    const swapped = { ...confirm, ThoiGianGD: confirm.ThongTinGiaoDich, ThongTinGiaoDich: confirm.ThoiGianGD };
    expect(sign('CONFIRM', swapped, SECRET)).not.toBe(sign('CONFIRM', confirm, SECRET));
  });

  it('signs QUERY and GET_BILL over the same five fields', () => {
    expect(sign('QUERY', query, SECRET)).toBe('44f71b3bcd67125627d60d68bba6a4ef1ffb7454679608140c029a14c9b2a6f8');
    expect(sign('GET_BILL', { ...query, LoaiBanTin: 'GET_BILL' }, SECRET)).toBe(sha(`GET_BILL|1.0.6|CONGSO-DEMO|TT-1|20260105100000|${SECRET}`));
  });

  it('is plain SHA-256, not HMAC, with nothing but "|" between the values', () => {
    expect(maXacThuc(['a', 'b'], 's')).toBe(sha('a|b|s'));
    expect(maXacThuc(['a', 'b'], 's')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts the right hash only', () => {
    const good = sign('CONFIRM', confirm, SECRET);
    expect(hashMatches('CONFIRM', confirm, good, SECRET)).toBe(true);
    expect(hashMatches('CONFIRM', confirm, good.toUpperCase(), SECRET)).toBe(true);
    expect(hashMatches('CONFIRM', { ...confirm, SoTien: '1005001' }, good, SECRET)).toBe(false);
    expect(hashMatches('CONFIRM', confirm, good, `${SECRET}x`)).toBe(false);
    expect(hashMatches('CONFIRM', confirm, good.slice(0, 63), SECRET)).toBe(false);
    expect(hashMatches('CONFIRM', confirm, undefined, SECRET)).toBe(false);
  });
});

describe('ThoiGianGD: yyyyMMddHHmmss, Asia/Ho_Chi_Minh', () => {
  it('writes Vietnam time, 24-hour', () => {
    expect(formatTime(new Date('2026-12-31T17:30:05Z'))).toBe('20270101003005');
    expect(formatTime(new Date('2026-01-05T08:00:00Z'))).toBe('20260105150000');
    expect(vietnamDay(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01-01');
    expect(vietnamDay(new Date('2026-12-31T16:59:59Z'))).toBe('2026-12-31');
  });

  it('reads only real times', () => {
    expect(parseTime('20270101003005')?.toISOString()).toBe('2026-12-31T17:30:05.000Z');
    expect(parseTime('20260230120000')).toBeNull();
    expect(parseTime('20260105240000')).toBeNull();
    expect(parseTime('2026010512000')).toBeNull();
    expect(parseTime(20260105120000)).toBeNull();
  });
});

describe('amounts and the statement file', () => {
  it('reads SoTien as whole đồng only', () => {
    expect(parseAmount('1005000')).toBe(1005000);
    expect(parseAmount('999999999999')).toBe(999999999999);
    for (const bad of ['', '-5', '1.5', '1e6', '01', '1 000', '1000000000000', 5]) expect(parseAmount(bad)).toBeNull();
  });

  it('writes and reads RFC 4180 CSV', () => {
    const rows = [
      ['MaThamChieu', 'NoiDung'],
      ['TT-1', 'Lệ phí, "cấp" giấy'],
      ['TT-2', 'hai\r\ndòng'],
      ['TT-3', ''],
    ];
    const text = writeCsv(rows);
    expect(text).toBe('MaThamChieu,NoiDung\r\nTT-1,"Lệ phí, ""cấp"" giấy"\r\nTT-2,"hai\r\ndòng"\r\nTT-3,\r\n');
    expect(readCsv(text)).toEqual(rows);
    expect(readCsv('a,"b\r\n')).toBeNull();
    expect(readCsv('a,"b"c\r\n')).toBeNull();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STATUSES } from '../dossiers/workflow.ts';
import {
  applicantKindCode,
  channelCode,
  DOSSIER_FIELDS,
  inOrder,
  isAlreadyExists,
  isNotFound,
  isRejection,
  isSessionExpired,
  parsePortalDateTime,
  portalDateTime,
  portalDay,
  portalDue,
  PROGRESS_FIELDS,
  STATUS_MAPPING,
  trangThaiHoSo,
} from './contract.ts';

describe('dates as the portal writes them', () => {
  it('yyyyMMddHHmmss in Vietnam time, across the day, month and year boundaries', () => {
    expect(portalDateTime(new Date('2026-04-23T02:00:00Z'))).toBe('20260423090000');
    expect(portalDateTime(new Date('2025-12-31T17:30:05.999Z'))).toBe('20260101003005');
    expect(portalDateTime(new Date('2024-02-28T16:59:59Z'))).toBe('20240228235959');
    expect(portalDateTime(new Date('2024-02-28T17:00:00Z'))).toBe('20240229000000');
    expect(portalDay('2026-05-05')).toBe('20260505170000');
    expect(() => portalDay('5/5/2026')).toThrow();
    expect(() => portalDateTime(new Date('nonsense'))).toThrow();
  });

  it('any moment: 14 digits that read back as the same second, and order is kept (property)', () => {
    const moments = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(
      fc.property(moments, (d) => {
        const s = portalDateTime(d);
        expect(s).toMatch(/^\d{14}$/);
        expect(parsePortalDateTime(s)?.getTime()).toBe(Math.floor(d.getTime() / 1000) * 1000);
        // The local time is UTC+7: the hour is the UTC hour plus 7, modulo a day.
        expect(Number(s.slice(8, 10))).toBe((d.getUTCHours() + 7) % 24);
      }),
    );
    fc.assert(
      fc.property(moments, moments, (a, b) => {
        const [x, y] = [portalDateTime(a), portalDateTime(b)];
        if (Math.floor(a.getTime() / 1000) < Math.floor(b.getTime() / 1000)) expect(x < y).toBe(true);
      }),
    );
  });

  it('a due moment: a limit in days (ending 23:59:59.999) as its day at 17:00, a limit in hours at its own time', () => {
    // 23:59:59.999 on 7 December 2026 in Viet Nam.
    expect(portalDue(new Date('2026-12-07T16:59:59.999Z'))).toBe('20261207170000');
    // 10:00 that day (eight working hours from Friday 14:00), and 17:00 (a same-day limit's close).
    expect(portalDue(new Date('2026-12-07T03:00:00Z'))).toBe('20261207100000');
    expect(portalDue(new Date('2026-12-07T10:00:00Z'))).toBe('20261207170000');
    // A millisecond either side of the end of a day is a time, not the day.
    expect(portalDue(new Date('2026-12-07T16:59:59.998Z'))).toBe('20261207235959');
    expect(portalDue(new Date('2026-12-07T17:00:00Z'))).toBe('20261208000000');
    expect(() => portalDue(new Date('nonsense'))).toThrow();
  });

  it('reads no impossible date', () => {
    for (const s of ['20260230120000', '20261301000000', '20260101240000', '2026010112000', '2026-01-01T00', '']) expect(parsePortalDateTime(s)).toBeNull();
  });
});

describe('codes', () => {
  it('maps every status of the workflow to TrangThaiHoSo 1–10, as the workflow counts it', () => {
    expect(Object.keys(STATUS_MAPPING).sort()).toEqual(Object.keys(STATUSES).sort());
    for (const [s, v] of Object.entries(STATUSES)) expect(trangThaiHoSo(s)).toBe(v.national);
    expect(trangThaiHoSo('awaiting_supplement')).toBe(5);
    expect(trangThaiHoSo('returned')).toBe(10);
    expect(() => trangThaiHoSo('lost')).toThrow();
  });

  it('channel and applicant kind', () => {
    expect([1, 2, 3].map(channelCode)).toEqual(['1', '2', '3']);
    expect(applicantKindCode('citizen')).toBe('1');
    expect(applicantKindCode('business')).toBe('2');
  });

  it('tells the answers apart by code, and by message only when the code is not one it knows', () => {
    expect(isAlreadyExists({ error_code: 2, message: '' })).toBe(true);
    expect(isAlreadyExists({ error_code: -1, message: 'Hồ sơ ĐÃ TỒN TẠI trên hệ thống' })).toBe(true);
    // A rejection that happens to say the words is still a rejection.
    expect(isAlreadyExists({ error_code: 1, message: 'MaHoSo: mã đã tồn tại ở định dạng khác' })).toBe(false);
    expect(isRejection({ error_code: 1, message: 'NgayHenTra: must be a date' })).toBe(true);
    expect(isSessionExpired({ error_code: 3, message: '' })).toBe(true);
    expect(isSessionExpired({ error_code: 401, message: 'Session expired' })).toBe(true);
    expect(isSessionExpired({ error_code: 0, message: 'session' })).toBe(false);
    expect(isNotFound({ error_code: 4, message: '' })).toBe(true);
    expect(isNotFound({ error_code: 0, message: '' })).toBe(false);
  });
});

describe('records', () => {
  it('keep the portal’s field order whatever order they were built in, and fill what is missing', () => {
    const built = inOrder(PROGRESS_FIELDS, {
      TrangThai: '4',
      MaHoSo: 'X',
      NguoiXuLy: 'A',
      ChucDanh: '',
      ThoiDiemXuLy: '20260101000000',
      PhongBanXuLy: '',
      NoiDungXuLy: 'c',
      NgayBatDau: '',
      NgayKetThucTheoQuyDinh: '',
    });
    expect(Object.keys(built)).toEqual([...PROGRESS_FIELDS]);
    expect(DOSSIER_FIELDS[0]).toBe('MaHoSo');
    expect(DOSSIER_FIELDS.at(-1)).toBe('DinhDanhCHS');
  });
});

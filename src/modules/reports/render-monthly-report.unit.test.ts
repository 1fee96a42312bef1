import { describe, expect, it } from 'vitest';
import { pdfInfo, qrInTopLeftQuarter, readBack } from '../../platform/pdf/testing.ts';
import { percent, renderMonthlyReport, type MonthlyReportData, type MonthlyReportRow } from './render-monthly-report.ts';

const row = (key: string, name: string, v: number[]): MonthlyReportRow => {
  const [received, receivedOnline, carriedOver, processed, onTime, late, inProgress, overdue] = v;
  return { key, name, received, receivedOnline, carriedOver, processed, onTime, late, inProgress, overdue };
};

const DATA: MonthlyReportData = {
  month: '2026-11',
  unitId: '000.05.00.G12',
  agency: { parent: 'Bộ Công Thương', name: 'Cục Xuất nhập khẩu', place: 'Hà Nội' },
  issuedAt: new Date('2026-12-02T09:00:00+07:00'),
  byUnit: [
    row('000.05.01.G12', 'Phòng Quản lý xuất nhập khẩu khu vực Hà Nội', [120, 90, 15, 100, 95, 5, 35, 3]),
    row('000.05.02.G12', 'Phòng Quản lý xuất nhập khẩu khu vực Hải Phòng', [40, 10, 4, 30, 30, 0, 14, 0]),
  ],
  byField: [row('Xuất nhập khẩu', 'Xuất nhập khẩu', [150, 95, 19, 125, 120, 5, 44, 3]), row('Thử nghiệm', 'Thử nghiệm', [10, 5, 0, 5, 5, 0, 5, 0])],
  total: row('total', 'Tổng cộng', [160, 100, 19, 130, 125, 5, 49, 3]),
};

describe('the monthly report PDF (issue 15)', () => {
  it('prints the national header, the title with the month, both tables with their totals and the summary', async () => {
    const pdf = await renderMonthlyReport(DATA);
    const { layout, flow } = await readBack(pdf);
    expect(flow).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(flow).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(flow).toContain('BỘ CÔNG THƯƠNG');
    expect(flow).toContain('Hà Nội, ngày 02 tháng 12 năm 2026');
    expect(flow).toMatch(/BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THÁNG 11\/2026/);
    expect(flow).toContain('Kính gửi: Văn phòng Chính phủ');
    // The summary, with the shares worked out by hand: 100/160 online, 125/130 on time, 5/130 late.
    expect(flow).toContain('Số hồ sơ tiếp nhận trong tháng: 160 (trong đó trực tuyến: 100, tỷ lệ 62,5%); từ tháng trước chuyển sang: 19.');
    expect(flow).toContain('Số hồ sơ đã giải quyết: 130, trong đó đúng hạn 125 (96,2%), quá hạn 5 (3,8%).');
    expect(flow).toContain('Số hồ sơ đang giải quyết cuối tháng: 49, trong đó quá hạn 3.');
    // The table rows as a reader sees them: the name, then the figures in column order, the online share last.
    const lines = layout.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    expect(lines.some((l) => /^1 Phòng Quản lý xuất nhập khẩu khu vực Hà 120 90 15 100 95 5 35 3 75,0%$/.test(l))).toBe(true);
    expect(lines.some((l) => /^2 Phòng Quản lý xuất nhập khẩu khu vực Hải 40 10 4 30 30 0 14 0 25,0%$/.test(l))).toBe(true);
    expect(lines.some((l) => /^1 Xuất nhập khẩu 150 95 19 125 120 5 44 3 63,3%$/.test(l))).toBe(true);
    expect(lines.filter((l) => /^Tổng cộng 160 100 19 130 125 5 49 3 62,5%$/.test(l))).toHaveLength(2);
    expect(flow).toContain('THỦ TRƯỞNG ĐƠN VỊ');
    const info = await pdfInfo(pdf);
    expect(info['Page size']).toMatch(/841\.89 x 595\.28/);
    expect(info.Title).toBe('Báo cáo tình hình, kết quả giải quyết thủ tục hành chính tháng 11/2026');
  });

  it('names the report in its QR code, and says so when a month had no dossier', async () => {
    const empty = { ...DATA, byUnit: [], byField: [], total: row('total', 'Tổng cộng', [0, 0, 0, 0, 0, 0, 0, 0]) };
    const pdf = await renderMonthlyReport(empty);
    const qr = await qrInTopLeftQuarter(pdf);
    expect(qr).toMatchObject({ ma: 'BC-TTHC-000.05.00.G12-202611', tt: '', nd: '000.05.00.G12', thang: '2026-11', tiepNhan: 0 });
    const { flow } = await readBack(pdf);
    expect(flow.match(/Không có hồ sơ nào trong tháng\./g)).toHaveLength(2);
    expect(flow).toContain('tỷ lệ —');
  });

  it('writes shares the Vietnamese way, a dash when there is nothing to divide', () => {
    expect(percent(1, 3)).toBe('33,3%');
    expect(percent(2, 2)).toBe('100,0%');
    expect(percent(0, 0)).toBe('—');
  });
});

import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { pdfInfo, qrInTopLeftQuarter, readBack } from '../../platform/pdf/testing.ts';
import { renderReceiptPdf, type ReceiptDocument } from './render-receipt.ts';

const online = (over: Partial<ReceiptDocument> = {}): ReceiptDocument => ({
  templateCode: '01BLP0-001',
  series: 'AB-26E',
  number: '0000012',
  // 09:05 on 7 December 2026 in Vietnam.
  issuedAt: new Date('2026-12-07T02:05:00Z'),
  collectingUnit: { name: 'Cục Xuất nhập khẩu', taxCode: '0100100079', address: 'Số 54 Hai Bà Trưng, phường Cửa Nam, Hà Nội' },
  payer: { name: 'Nguyễn Thị Ấn', identifier: '001190012345', address: 'Số 12 phố Huế, phường Hai Bà Trưng, Hà Nội' },
  dossierCode: 'XNK-261207-0042',
  procedureName: 'Cấp Giấy chứng nhận xuất xứ hàng hóa mẫu D',
  lines: [
    { name: 'Lệ phí cấp Giấy chứng nhận xuất xứ', kind: 2, amount: 1_000_000 },
    { name: 'Phí thẩm định hồ sơ', kind: 1, amount: 5_000 },
  ],
  total: 1_005_000,
  method: 'online',
  gatewayTxn: 'PG2612070000123',
  bank: 'VCB',
  collector: 'Cổng thanh toán',
  verifyUrl: 'https://dvc.example.gov.vn/bien-lai/6f1c2a9e-0b7d-4d53-9a51-3e2f0c1d7a10',
  ...over,
});

describe('renderReceiptPdf', () => {
  it('prints the header, the identifiers, the parties, each line and the total in figures and in words', async () => {
    const r = online();
    const pdf = await renderReceiptPdf(r);
    const { layout, flow } = await readBack(pdf);
    expect(layout).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(layout).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(flow).toContain('CỤC XUẤT NHẬP KHẨU');
    expect(flow).toContain('BIÊN LAI THU PHÍ, LỆ PHÍ');
    expect(flow).toContain('Receipt of fees and charges');
    expect(layout).toContain('Hà Nội, ngày 07 tháng 12 năm 2026');
    expect(layout).toContain('Ký hiệu mẫu: 01BLP0-001');
    expect(layout).toContain('Ký hiệu: AB-26E');
    expect(layout).toContain('Số: 0000012');
    expect(layout).toContain('Mã số thuế: 0100100079');
    expect(flow).toContain('Họ và tên: Nguyễn Thị Ấn');
    expect(flow).toContain('001190012345');
    expect(flow).toContain('Số 12 phố Huế, phường Hai Bà Trưng, Hà Nội');
    expect(flow).toContain('Mã hồ sơ: XNK-261207-0042');
    expect(flow).toContain('Cấp Giấy chứng nhận xuất xứ hàng hóa mẫu D');
    // Each line with its number, its kind and its amount, on one row of the table.
    expect(layout).toMatch(/1\s+Lệ phí cấp Giấy chứng nhận xuất xứ\s+Lệ phí\s+1\.000\.000/);
    expect(layout).toMatch(/2\s+Phí thẩm định hồ sơ\s+Phí\s+5\.000/);
    expect(layout).toMatch(/Tổng cộng\s+1\.005\.000/);
    expect(flow).toContain('Tổng số tiền: 1.005.000 đồng');
    expect(flow).toContain('Số tiền bằng chữ: Một triệu không trăm linh năm nghìn đồng.');
    expect(flow).toContain('Trực tuyến, qua Nền tảng thanh toán trực tuyến của Cổng Dịch vụ công quốc gia');
    expect(flow).toContain('Mã giao dịch: PG2612070000123');
    expect(flow).toContain('Ngân hàng: VCB');
    expect(flow).toContain('09 giờ 05 phút, ngày 07 tháng 12 năm 2026');
    expect(flow).toContain('NGƯỜI THU TIỀN');
    expect(flow).toContain('Cổng thanh toán');

    const info = await pdfInfo(pdf);
    expect(info.Title).toBe('Biên lai thu phí, lệ phí');
    expect(info.Keywords).toContain('XNK-261207-0042');
    expect(info['Page size']).toContain('(A4)');
  });

  it('puts the verification address in the QR code in the top-left corner', async () => {
    const r = online();
    expect(await qrInTopLeftQuarter(await renderReceiptPdf(r))).toEqual({
      ma: 'XNK-261207-0042',
      tt: '',
      nd: '001190012345',
      ten: 'Biên lai thu phí, lệ phí',
      kh: 'AB-26E',
      so: '0000012',
      tien: 1_005_000,
      url: r.verifyUrl,
    });
  });

  it('a counter payment in cash: the method and the officer, no transaction or bank; missing details are left out', async () => {
    const pdf = await renderReceiptPdf(
      online({
        collectingUnit: { name: 'Phòng Quản lý Xuất nhập khẩu khu vực Đà Nẵng', taxCode: null, address: null },
        payer: { name: 'Trần Văn Bình', identifier: null, address: null },
        lines: [{ name: 'Lệ phí cấp giấy phép', kind: 2, amount: 2_500_000 }],
        total: 2_500_000,
        method: 'cash',
        gatewayTxn: null,
        bank: null,
        collector: 'Lê Thị Thu',
      }),
    );
    const { layout, flow } = await readBack(pdf);
    expect(layout).toContain('Đà Nẵng, ngày 07 tháng 12 năm 2026');
    expect(flow).toContain('Tiền mặt, tại Bộ phận Một cửa');
    expect(flow).toContain('Lê Thị Thu');
    expect(flow).toContain('Tổng số tiền: 2.500.000 đồng');
    expect(flow).toContain('Số tiền bằng chữ: Hai triệu năm trăm nghìn đồng.');
    expect(flow).not.toContain('Mã giao dịch');
    expect(flow).not.toContain('Ngân hàng');
    expect(flow).not.toContain('Mã số thuế');
    expect(flow).not.toContain('……');
  });

  it('a card payment at the counter names the bank', async () => {
    const { flow } = await readBack(await renderReceiptPdf(online({ method: 'card', gatewayTxn: null, bank: 'BIDV', collector: 'Lê Thị Thu' })));
    expect(flow).toContain('Thẻ ngân hàng, tại Bộ phận Một cửa');
    expect(flow).toContain('Ngân hàng: BIDV');
    expect(flow).not.toContain('Mã giao dịch');
  });

  it('names the desk as it was on the day of payment: before 15 September 2025, Bộ phận Tiếp nhận và Trả kết quả', async () => {
    const at = (iso: string) => renderReceiptPdf(online({ method: 'cash', gatewayTxn: null, bank: null, collector: 'Lê Thị Thu', issuedAt: new Date(iso) }));
    // 23:59 on 14 September 2025 and 00:00 on 15 September 2025, Vietnam time.
    expect((await readBack(await at('2025-09-14T16:59:00Z'))).flow).toContain('Tiền mặt, tại Bộ phận Tiếp nhận và Trả kết quả');
    const after = (await readBack(await at('2025-09-14T17:00:00Z'))).flow;
    expect(after).toContain('Tiền mặt, tại Bộ phận Một cửa');
    expect(after).not.toContain('Tiếp nhận và Trả kết quả');
  });

  it('refuses a total that is not the sum of its lines, and a malformed number', async () => {
    const wrongTotal = await renderReceiptPdf(online({ total: 1_000_000 })).catch((e: unknown) => e);
    expect(wrongTotal).toBeInstanceOf(AppError);
    expect((wrongTotal as AppError).code).toBe('VALIDATION_FAILED');
    expect((wrongTotal as AppError).details?.map((d) => d.path)).toEqual(['receipt.total']);

    const badNumber = await renderReceiptPdf(online({ number: '12' })).catch((e: unknown) => e);
    expect((badNumber as AppError).code).toBe('VALIDATION_FAILED');
    expect((badNumber as AppError).details?.map((d) => d.path)).toEqual(['receipt.number']);
  });
});

import { PDFDocument, rgb } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { MM } from '../../../platform/pdf/index.ts';
import { pdfInfo, pdfPages, pdfWords, qrInTopLeftQuarter, readBack, type Word } from '../../../platform/pdf/testing.ts';
import { renderResult, type PlacementRect } from './index.ts';
import { sampleCertificate, sampleLicence, sampleRefusalDecision, sampleWrittenReply } from './samples.ts';
import type { ResultDocumentData } from './types.ts';

const read = readBack;

/** The words of a phrase on a page (pdftotext boxes, y from the top), the last occurrence. */
function phrase(words: Word[], text: string): Word[] {
  const parts = text.normalize('NFC').split(' ');
  for (let i = words.length - parts.length; i >= 0; i--)
    if (parts.every((p, j) => words[i + j].text.normalize('NFC') === p)) return words.slice(i, i + parts.length);
  throw new Error(`"${text}" not found`);
}

/** Checks the rectangles against the words printed around them. */
async function checkRects(pdf: Uint8Array, d: ResultDocumentData, sig: PlacementRect, seal: PlacementRect) {
  const { width, height, words } = await pdfWords(pdf, sig.page + 1);
  const name = phrase(words, d.signer.name);
  const titleLast = d.signer.title.split('/').at(-1)!.trim();
  const title = phrase(words, titleLast);
  // PDF y (from the bottom) to pdftotext y (from the top).
  const top = height - (sig.y + sig.h);
  const bottom = height - sig.y;
  // The signature sits in the gap between the title and the name, and spans the name.
  expect(top).toBeGreaterThanOrEqual(Math.max(...title.map((w) => w.yMax)) - 1);
  expect(bottom).toBeLessThanOrEqual(Math.min(...name.map((w) => w.yMin)) + 1);
  expect(sig.h).toBeGreaterThanOrEqual(25 * MM);
  const nameCentre = (name[0].xMin + name.at(-1)!.xMax) / 2;
  expect(Math.abs(sig.x + sig.w / 2 - nameCentre)).toBeLessThan(2);
  expect(sig.x + sig.w).toBeLessThanOrEqual(width - 20 * MM + 0.01);
  // The seal covers about the left third of the signature, at a real seal size.
  expect(seal.page).toBe(sig.page);
  expect(seal.x + seal.w).toBeCloseTo(sig.x + sig.w / 3, 1);
  expect(seal.x).toBeLessThan(sig.x);
  expect(seal.w).toBeCloseTo(36 * MM, 1);
  expect(seal.h).toBe(seal.w);
  expect(seal.y + seal.h / 2).toBeCloseTo(sig.y + sig.h / 2, 1);
  expect(seal.x).toBeGreaterThan(20 * MM);
}

const kinds: { kind: string; data: ResultDocumentData; title: string }[] = [
  { kind: 'certificate', data: sampleCertificate(), title: 'GIẤY CHỨNG NHẬN XUẤT XỨ HÀNG HÓA MẪU D' },
  { kind: 'licence', data: sampleLicence(), title: 'GIẤY PHÉP BÁN LẺ SẢN PHẨM RƯỢU' },
  { kind: 'written_reply', data: sampleWrittenReply(), title: 'VĂN BẢN TRẢ LỜI KIẾN NGHỊ CỦA DOANH NGHIỆP' },
  { kind: 'refusal_decision', data: sampleRefusalDecision(), title: 'QUYẾT ĐỊNH' },
];

describe.each(kinds)('$kind', ({ data, title }) => {
  it('renders the national header, the title, the number, the holder and the signer', async () => {
    const { pdf, signatureRect, sealRect } = await renderResult(data);
    const { layout, flow } = await read(pdf);
    expect(layout).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(layout).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(flow).toContain(data.agency.parent!.toLocaleUpperCase('vi'));
    expect(flow).toContain(data.agency.name.toLocaleUpperCase('vi'));
    expect(layout).toContain(`Số: ${data.number}`);
    expect(layout).toContain(`${data.agency.place}, ngày 01 tháng 12 năm 2026`);
    expect(flow).toContain(title);
    expect(flow).toContain(data.holder.name);
    expect(flow).toContain(data.signer.name);
    expect(flow).not.toContain('Ký và ghi rõ họ tên');

    const info = await pdfInfo(pdf);
    expect(info.Title).toBe(data.documentName);
    expect(info.Author).toBe(data.agency.name);
    expect(info.Keywords).toContain(data.resultCode);
    expect(info['Page size']).toContain('(A4)');

    await checkRects(pdf, data, signatureRect, sealRect);
  });

  it('puts the dossier, procedure, holder, document name and verification URL in the QR code', async () => {
    const { pdf } = await renderResult(data);
    expect(await qrInTopLeftQuarter(pdf)).toEqual({
      ma: data.dossierCode,
      tt: data.procedure.code,
      nd: data.holder.idNumber,
      ten: data.documentName,
      kq: data.resultCode,
      url: data.verificationUrl,
    });
  });
});

describe('body per kind', () => {
  it('certificate: the fields, the goods table and the validity', async () => {
    const d = sampleCertificate();
    const { layout, flow } = await read((await renderResult(d)).pdf);
    expect(flow).toContain('PHÒNG QUẢN LÝ XUẤT NHẬP KHẨU KHU VỰC HẢI PHÒNG CHỨNG NHẬN:');
    expect(layout).toContain('Người xuất khẩu: Công ty Cổ phần Thực phẩm Hữu Nghị Đông Á');
    expect(layout).toContain('Mã số doanh nghiệp, tổ chức: 0201234567');
    expect(layout).toContain('Nước xuất xứ: Việt Nam');
    expect(layout).toMatch(/Mứt gừng sấy dẻo đóng gói 250 g\s+2006\.00\s+WO\s+8\.500 gói/);
    expect(flow).toContain('Giấy chứng nhận xuất xứ hàng hóa mẫu D có hiệu lực đến hết ngày 01 tháng 12 năm 2027.');
    expect(flow).toContain('KT. TRƯỞNG PHÒNG PHÓ TRƯỞNG PHÒNG');
  });

  it('licence: the holder as trader and the licence terms', async () => {
    const { layout, flow } = await read((await renderResult(sampleLicence())).pdf);
    expect(flow).toContain('SỞ CÔNG THƯƠNG CẤP PHÉP:');
    expect(layout).toContain('Tên thương nhân: Hộ kinh doanh Trần Thị Thu Hằng');
    expect(layout).toContain('Số định danh cá nhân: 001186009876');
    expect(flow).toContain('Được phép bán lẻ các loại sản phẩm rượu: Rượu có độ cồn từ 5,5 độ trở lên');
    expect(flow).toContain('có hiệu lực đến hết ngày 01 tháng 12 năm 2031.');
  });

  it('written reply: the subject, the addressee, the paragraphs and the recipients', async () => {
    const { flow } = await read((await renderResult(sampleWrittenReply())).pdf);
    expect(flow).toContain('V/v nhập khẩu máy móc, thiết bị đã qua sử dụng');
    expect(flow).toContain('Kính gửi: Công ty TNHH Cơ khí Chính xác Phú Mỹ');
    expect(flow).toContain('Cục Xuất nhập khẩu trả lời để Công ty được biết và thực hiện./.');
    expect(flow).toContain('Nơi nhận:');
    expect(flow).toContain('Lưu: VT, TM.');
  });

  it('refusal decision: authority, legal bases, "QUYẾT ĐỊNH:" and numbered articles', async () => {
    const { flow } = await read((await renderResult(sampleRefusalDecision())).pdf);
    expect(flow).toContain('QUYẾT ĐỊNH Về việc từ chối cấp Giấy phép phân phối sản phẩm rượu');
    expect(flow).toContain('CỤC TRƯỞNG CỤC QUẢN LÝ VÀ PHÁT TRIỂN THỊ TRƯỜNG TRONG NƯỚC');
    expect(flow).toContain('Căn cứ Nghị định số 105/2017/NĐ-CP ngày 14 tháng 9 năm 2017 của Chính phủ về kinh doanh rượu;');
    expect(flow).toContain('QUYẾT ĐỊNH:');
    expect(flow).toContain('Điều 1. Từ chối cấp Giấy phép phân phối sản phẩm rượu cho Công ty TNHH Thương mại Rượu vang Đà Lạt Xanh');
    expect(flow).toContain('Điều 3. Quyết định này có hiệu lực kể từ ngày ký.');
    expect(flow).toContain('Như Điều 3;');
  });
});

describe('signature and seal placement', () => {
  it('follows the signature block onto a later page', async () => {
    const base = sampleCertificate();
    const table = base.content.table!;
    const rows = Array.from({ length: 40 }, (_, i) => [
      String(i + 1),
      `Bánh quy bơ sữa hiệu Hữu Nghị, loại ${i + 1}, hộp thiếc 500 g`,
      '1905.31',
      'RVC 45%',
      `${(i + 1) * 100} hộp`,
    ]);
    const d = sampleCertificate({ content: { ...base.content, table: { ...table, rows } } });
    const { pdf, signatureRect, sealRect } = await renderResult(d);
    const pages = await pdfPages(pdf);
    expect(pages.length).toBeGreaterThan(1);
    expect(signatureRect.page).toBe(pages.length - 1);
    expect(pages.at(-1)!.normalize('NFC')).toContain(d.signer.name);
    await checkRects(pdf, d, signatureRect, sealRect);
  });

  it('honours the sizes asked for', async () => {
    const { signatureRect: s, sealRect: seal } = await renderResult(sampleLicence(), { signatureSpaceMm: 35, signatureWidthMm: 60, sealDiameterMm: 40 });
    expect(s.h).toBeCloseTo(35 * MM, 1);
    expect(s.w).toBeCloseTo(60 * MM, 1);
    expect(seal.w).toBeCloseTo(40 * MM, 1);
  });

  it('leaves the signature rectangle clear of text, and a stamped copy still saves', async () => {
    const d = sampleWrittenReply();
    const { pdf, signatureRect: s } = await renderResult(d);
    const { height, words } = await pdfWords(pdf, s.page + 1);
    const inside = words.filter((w) => w.xMax > s.x && w.xMin < s.x + s.w && height - w.yMax < s.y + s.h - 0.5 && height - w.yMin > s.y + 0.5);
    expect(inside).toEqual([]);
    // And a stamped copy still renders.
    const doc = await PDFDocument.load(pdf);
    doc.getPage(s.page).drawRectangle({ x: s.x, y: s.y, width: s.w, height: s.h, borderColor: rgb(0, 0, 1), borderWidth: 1 });
    expect((await doc.save()).length).toBeGreaterThan(0);
  });
});

describe('validation', () => {
  it('rejects a missing verification URL and a table row of the wrong width', async () => {
    await expect(renderResult({ ...sampleWrittenReply(), verificationUrl: 'not a url' })).rejects.toBeInstanceOf(AppError);
    const c = sampleCertificate();
    const bad = sampleCertificate({ content: { ...c.content, table: { ...c.content.table!, rows: [['1', 'Bánh quy']] } } });
    await expect(renderResult(bad)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

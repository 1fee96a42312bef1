import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate } from '../calendar/dates.ts';
import { documentTypeOf, suggestMetadata } from './suggest-metadata.ts';

// Texts as tesseract gives them back: the two-column header on shared lines, the motto beside the agency.
const DECISION = `ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH BẮC NINH                Độc lập - Tự do - Hạnh phúc
-------                      ---------------
Số: 123/2024/QĐ-UBND         Bắc Ninh, ngày 05 tháng 3 năm 2024

QUYẾT ĐỊNH
Về việc cấp Giấy phép sử dụng vật liệu nổ công nghiệp

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC NINH
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Xét đề nghị của Giám đốc Sở Công Thương tại Tờ trình số 56/TTr-SCT ngày 01 tháng 3 năm 2024,
QUYẾT ĐỊNH:
Điều 1. Cấp Giấy phép sử dụng vật liệu nổ công nghiệp cho Công ty TNHH Khai thác Đá Việt, mã số thuế: 2300123456.
Giấy phép có giá trị đến ngày 31 tháng 12 năm 2026.
`;

// The same kind of page read badly: diacritics lost, spaces doubled, the date line under the title.
const CERTIFICATE_NOISY = `UBND TINH BAC NINH      CONG HOA XA HOI CHU NGHIA VIET NAM
SO CONG THUONG          Doc lap  -  Tu do  -  Hanh phuc

So  45/GCN-SCT

GIAY CHUNG NHAN
DU DIEU KIEN KINH DOANH RUOU
Cap cho:  Cong ty Co phan Ruou Kinh Bac
Ma so doanh nghiep:  2300 987 654
Dia chi tru so chinh: so 12 duong Ly Thai To, phuong Suoi Hoa, thanh pho Bac Ninh
Bac Ninh , ngay  12  thang  01  nam  2025
Giay chung nhan nay co gia tri den ngay 12/01/2030
`;

const ID_CARD = `CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
CĂN CƯỚC CÔNG DÂN
Số: 001089012345
Họ và tên: NGUYỄN VĂN AN
Ngày, tháng, năm sinh: 15/08/1989
Giới tính: Nam  Quốc tịch: Việt Nam
Nơi thường trú: Số 5 ngõ 10 Láng Hạ, Đống Đa, Hà Nội
Có giá trị đến: 15/08/2029
`;

const LICENCE = `BỘ CÔNG THƯƠNG
CỤC XUẤT NHẬP KHẨU
--------
Số: 0815/GP-XNK
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Hà Nội, ngày 20 tháng 10 năm 2023
GIẤY PHÉP NHẬP KHẨU TỰ ĐỘNG
Cấp cho: CÔNG TY TNHH THƯƠNG MẠI HOÀNG ĐẠT
Mã số thuế: 0101234567-001
Địa chỉ: 25 Tràng Tiền, Hoàn Kiếm, Hà Nội   Điện thoại: 024 3825 1234
Giấy phép có hiệu lực đến hết ngày 19/10/2024.
`;

describe('suggestMetadata: rules over OCR text', () => {
  it('reads a decision: agency wrapped over two lines, number and notation, place and date, title, tax code, validity', () => {
    const { metadata, evidence } = suggestMetadata(DECISION);
    expect(metadata).toEqual({
      documentName: 'QUYẾT ĐỊNH',
      documentType: 'decision',
      number: '123/2024',
      notation: 'QĐ-UBND',
      issuingAgency: 'ỦY BAN NHÂN DÂN TỈNH BẮC NINH',
      issueDate: '2024-03-05',
      validUntil: '2026-12-31',
      subjectName: null,
      subjectIdentifier: '2300123456',
      extra: {},
    });
    expect(evidence.issueDate).toBe('Số: 123/2024/QĐ-UBND Bắc Ninh, ngày 05 tháng 3 năm 2024');
  });

  it('reads a certificate whose diacritics OCR lost, with doubled spaces: the issuing body is the lower header line', () => {
    const { metadata } = suggestMetadata(CERTIFICATE_NOISY);
    expect(metadata).toEqual({
      documentName: 'GIAY CHUNG NHAN DU DIEU KIEN KINH DOANH RUOU',
      documentType: 'certificate',
      number: '45',
      notation: 'GCN-SCT',
      issuingAgency: 'SO CONG THUONG',
      issueDate: '2025-01-12',
      validUntil: '2030-01-12',
      subjectName: 'Cong ty Co phan Ruou Kinh Bac',
      subjectIdentifier: '2300987654',
      extra: { enterpriseCode: '2300987654', address: 'so 12 duong Ly Thai To, phuong Suoi Hoa, thanh pho Bac Ninh' },
    });
  });

  it('reads an identity card: the 12-digit number, the name, birth date and residence, the expiry; no agency or number', () => {
    const { metadata } = suggestMetadata(ID_CARD);
    expect(metadata).toEqual({
      documentName: 'CĂN CƯỚC CÔNG DÂN',
      documentType: 'identity_card',
      number: null,
      notation: null,
      issuingAgency: null,
      issueDate: null,
      validUntil: '2029-08-15',
      subjectName: 'NGUYỄN VĂN AN',
      subjectIdentifier: '001089012345',
      extra: { dateOfBirth: '1989-08-15', address: 'Số 5 ngõ 10 Láng Hạ, Đống Đa, Hà Nội' },
    });
  });

  it('reads a licence with the agency on its own lines above the motto, a 13-digit branch tax code and dd/mm/yyyy validity', () => {
    const { metadata } = suggestMetadata(LICENCE);
    expect(metadata).toEqual({
      documentName: 'GIẤY PHÉP NHẬP KHẨU TỰ ĐỘNG',
      documentType: 'licence',
      number: '0815',
      notation: 'GP-XNK',
      issuingAgency: 'CỤC XUẤT NHẬP KHẨU',
      issueDate: '2023-10-20',
      validUntil: '2024-10-19',
      subjectName: 'CÔNG TY TNHH THƯƠNG MẠI HOÀNG ĐẠT',
      subjectIdentifier: '0101234567-001',
      extra: { address: '25 Tràng Tiền, Hoàn Kiếm, Hà Nội' },
    });
  });

  it('reads text in decomposed Unicode (NFD) and keeps the values as written', () => {
    const { metadata } = suggestMetadata(DECISION.normalize('NFD'));
    expect(metadata.issuingAgency).toBe('ỦY BAN NHÂN DÂN TỈNH BẮC NINH');
    expect(metadata.notation).toBe('QĐ-UBND');
    expect(metadata.issueDate).toBe('2024-03-05');
  });

  it('takes the date of issue from "Ngày cấp: dd/mm/yyyy" and ignores dates in the legal basis', () => {
    const text = `Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020;\nNgày cấp: 20/10/2021\nCMND số: 012 345 678`;
    const { metadata } = suggestMetadata(text);
    expect(metadata.issueDate).toBe('2021-10-20');
    expect(metadata.subjectIdentifier).toBe('012345678');
  });

  it('does not take an address ("số 12 đường …") or a phone number for the number or the identifier', () => {
    const text = `Địa chỉ: số 12 đường Lê Lợi\nĐiện thoại: 0912345678`;
    const { metadata } = suggestMetadata(text);
    expect(metadata.number).toBeNull();
    expect(metadata.subjectIdentifier).toBeNull();
  });

  it('drops a date that does not exist (OCR misread 31 tháng 2) rather than moving it', () => {
    expect(suggestMetadata('Hà Nội, ngày 31 tháng 02 năm 2024').metadata.issueDate).toBeNull();
    expect(suggestMetadata('Hà Nội, ngày 29 tháng 02 năm 2024').metadata.issueDate).toBe('2024-02-29');
  });

  it('falls back to the component name and the type it suggests when the text has no title', () => {
    const { metadata } = suggestMetadata('không đọc được', { componentName: 'Giấy chứng nhận đăng ký doanh nghiệp' });
    expect(metadata.documentName).toBe('Giấy chứng nhận đăng ký doanh nghiệp');
    expect(metadata.documentType).toBe('certificate');
    expect(suggestMetadata('', { documentType: 'contract' }).metadata.documentType).toBe('contract');
  });

  it('gives each title its document type', () => {
    expect(documentTypeOf('Đơn đề nghị cấp Giấy phép bán buôn sản phẩm thuốc lá')).toBe('application');
    expect(documentTypeOf('Hợp đồng nhập khẩu')).toBe('contract');
    expect(documentTypeOf('GIAY PHEP SAN XUAT')).toBe('licence');
    expect(documentTypeOf('Bản sao Quyết định thành lập')).toBe('decision');
    expect(documentTypeOf('Danh sách thợ mìn')).toBeNull();
  });
});

describe('suggestMetadata: properties', () => {
  const FRAGMENTS = [
    'Số: ',
    'Số ',
    '/',
    '-',
    'ngày ',
    'tháng ',
    'năm ',
    ', ngày ',
    'Có giá trị đến ngày ',
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc',
    'QUYẾT ĐỊNH',
    'GIẤY CHỨNG NHẬN',
    'Mã số thuế: ',
    'CCCD: ',
    'Họ và tên: ',
    '\n',
    '  ',
    'ế',
    'Đ',
    '\u0301',
  ];
  const noisy = fc
    .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 }), fc.integer({ min: 0, max: 99999 }).map(String)), { maxLength: 80 })
    .map((parts) => parts.join(''));
  const anyText = fc.oneof(noisy, fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 400 }));

  it('never throws, and every date it returns is a real day written YYYY-MM-DD', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { metadata } = suggestMetadata(text);
        for (const d of [metadata.issueDate, metadata.validUntil, metadata.extra.dateOfBirth ?? null])
          if (d !== null) expect(isIsoDate(d), `${d} from ${JSON.stringify(text)}`).toBe(true);
        if (metadata.subjectIdentifier !== null) expect(metadata.subjectIdentifier).toMatch(/^(\d{9}|\d{10}|\d{12}|\d{13}|\d{10}-\d{3})$/);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on what is not text', () => {
    for (const v of [null, undefined, 42, {}, ['Số: 1/QĐ']]) expect(suggestMetadata(v).metadata.number).toBeNull();
  });

  it('reads back any real day from a place-and-date line, with or without diacritics and with extra spaces', () => {
    const day = fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2150-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(day, fc.boolean(), fc.boolean(), fc.constantFrom(' ', '  ', '   '), (d, accents, twoDigits, gap) => {
        const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
        const p = (n: number) => (twoDigits ? String(n).padStart(2, '0') : String(n));
        const line = accents ? `Đà Nẵng, ngày${gap}${p(dd)}${gap}tháng${gap}${p(m)}${gap}năm${gap}${y}` : `Da Nang,${gap}ngay ${p(dd)} thang ${p(m)} nam ${y}`;
        expect(suggestMetadata(`SỞ TƯ PHÁP\n${line}`).metadata.issueDate).toBe(d.toISOString().slice(0, 10));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads large texts in bounded time: a page of 200,000 characters of digits and spaces', () => {
    const text = `${'1 2/3-4 '.repeat(25_000)}`;
    const { metadata } = suggestMetadata(text);
    expect(metadata.issueDate).toBeNull();
  });
});

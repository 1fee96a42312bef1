import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { MM } from '../../../platform/pdf/index.ts';
import { decodeQr, pdfInfo, pdfPages, pdfText, pdfWords, qrInTopLeftQuarter, readBack, squash } from '../../../platform/pdf/testing.ts';
import {
  CIRCULAR_03_2025_FROM,
  FORM_NAMES,
  dueWhen,
  formNameAt,
  handoffOutcome,
  processingTimeText,
  renderApology,
  renderControlSlip,
  renderDossierRegister,
  renderPostalHandover,
  renderReceiptSlip,
  renderRefusal,
  renderStopNotice,
  renderSupplementRequest,
} from './index.ts';
import {
  SAMPLE_APPLICANT,
  sampleApology,
  sampleBase,
  sampleControl,
  samplePostal,
  sampleReceipt,
  sampleRefusal,
  sampleRegister,
  sampleStop,
  sampleSupplement,
} from './samples.ts';

const base = sampleBase();

const read = readBack;

const DESK = 'Bộ phận Một cửa';
const AGENCY = 'Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội';
/** The 2018 names, which no form about an event since 15 September 2025 may print. */
const OLD_NAMES = /Tiếp nhận và Trả kết quả|dừng xử lý|hẹn lại ngày trả/i;

// `heading`: what the form prints as its title. Form 04 is an official letter: besides its title,
// its summary line ("V/v …") under the number says what it is.
const dossierForms = [
  { name: FORM_NAMES.receipt, render: () => renderReceiptSlip(sampleReceipt()), issuer: DESK, heading: 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ' },
  {
    name: FORM_NAMES.supplement,
    render: () => renderSupplementRequest(sampleSupplement()),
    issuer: DESK,
    heading: 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
  },
  { name: FORM_NAMES.refusal, render: () => renderRefusal(sampleRefusal()), issuer: DESK, heading: 'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ' },
  {
    name: FORM_NAMES.apology,
    render: () => renderApology(sampleApology()),
    issuer: AGENCY,
    heading: 'VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT',
  },
  { name: FORM_NAMES.stop, render: () => renderStopNotice(sampleStop()), issuer: AGENCY, heading: 'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ' },
  { name: FORM_NAMES.control, render: () => renderControlSlip(sampleControl()), issuer: DESK, heading: 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ' },
  // The postal record runs onto a second page: its two parties, the result table and both signatures.
  {
    name: FORM_NAMES.postal,
    render: () => renderPostalHandover(samplePostal()),
    issuer: DESK,
    heading: 'BIÊN BẢN GIAO NHẬN KẾT QUẢ QUA DỊCH VỤ BƯU CHÍNH',
    pages: '2',
  },
];

describe('the names of Circular 03/2025/TT-VPCP, Appendix I', () => {
  it('are the forms’ names', () => {
    expect(FORM_NAMES).toEqual({
      receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
      supplement: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
      refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ',
      apology: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết',
      stop: 'Thông báo dừng giải quyết hồ sơ',
      control: 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
      register: 'Sổ theo dõi hồ sơ',
      postal: 'Biên bản giao nhận kết quả qua dịch vụ bưu chính',
    });
  });

  it('apply from 15 September 2025 (Vietnam time); events before keep the 2018 names', () => {
    expect(CIRCULAR_03_2025_FROM).toBe('2025-09-15');
    // 23:59 on 14 September and 00:00 on 15 September 2025 in Vietnam.
    const lastOld = new Date('2025-09-14T16:59:59Z');
    const firstNew = new Date('2025-09-14T17:00:00Z');
    expect(formNameAt('apology', lastOld)).toBe('Phiếu xin lỗi và hẹn lại ngày trả kết quả');
    expect(formNameAt('stop', lastOld)).toBe('Thông báo dừng xử lý hồ sơ');
    expect(formNameAt('apology', '2025-09-14')).toBe('Phiếu xin lỗi và hẹn lại ngày trả kết quả');
    expect(formNameAt('apology', firstNew)).toBe(FORM_NAMES.apology);
    expect(formNameAt('stop', firstNew)).toBe(FORM_NAMES.stop);
    expect(formNameAt('stop', '2025-09-15')).toBe(FORM_NAMES.stop);
    // The names that did not change are the same on both sides.
    for (const k of ['receipt', 'supplement', 'refusal', 'control', 'register', 'postal'] as const) expect(formNameAt(k, lastOld)).toBe(FORM_NAMES[k]);
  });

  it('tell a due moment with its time where the limit counts hours or the moment has one, as a day at the end of a day', () => {
    const tenAm = '2026-12-07T03:00:00.000Z';
    const endOfDay = '2026-12-07T16:59:59.999Z';
    expect(dueWhen(tenAm, '2026-12-07', true)).toEqual(new Date(tenAm));
    expect(dueWhen(tenAm, '2026-12-07', false)).toEqual(new Date(tenAm));
    expect(dueWhen(endOfDay, '2026-12-07', false)).toBe('2026-12-07');
    expect(dueWhen(endOfDay, null, false)).toBe('2026-12-07');
    expect(dueWhen(null, '2026-12-07', true)).toBe('2026-12-07');
    expect(dueWhen(null, null, true)).toBeUndefined();
  });
});

describe.each(dossierForms)('$name', ({ name, render, issuer, heading, pages = '1' }) => {
  it('carries the national header, its title, the applicant and the QR code in the top-left corner', async () => {
    const bytes = await render();
    const { layout, flow } = await read(bytes);
    expect(layout).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(layout).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(layout).toContain('BỘ CÔNG THƯƠNG');
    expect(flow).toContain(issuer.toUpperCase());
    expect(flow).toContain(heading);
    expect(flow).not.toMatch(OLD_NAMES);
    expect(layout).toContain('Nguyễn Thị Ấn');
    expect(flow).toContain(base.dossierCode);

    expect(await qrInTopLeftQuarter(bytes)).toEqual({
      ma: base.dossierCode,
      tt: base.procedure.code,
      nd: base.applicant.idNumber,
      ten: name,
      url: base.trackingUrl,
    });

    const info = await pdfInfo(bytes);
    expect(info.Pages).toBe(pages);
    expect(info.Title).toBe(name);
    expect(info.Author).toBe(issuer);
    expect(info.Producer).toBe('congso');
  });
});

describe('01 receipt and appointment slip', () => {
  it('lists the components, the times and both signatures at the counter', async () => {
    const d = sampleReceipt();
    const { layout, flow } = await read(await renderReceiptSlip(d));
    expect(layout).toContain('Hà Nội, ngày 23 tháng 11 năm 2026');
    expect(layout).toContain('Số: 42/GTN-BPMC');
    expect(flow).toContain('Bộ phận Một cửa - Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội tiếp nhận hồ sơ của: Nguyễn Thị Ấn');
    expect(flow).toContain('Hình thức nộp hồ sơ: Trực tiếp tại Bộ phận Một cửa');
    expect(layout).toContain('Số định danh cá nhân: 001190012345');
    expect(layout).toMatch(/Số điện thoại: 0912 345 678\s+Email: nguyen\.thi\.an@example\.vn/);
    expect(flow).toContain('Nội dung yêu cầu giải quyết: Cấp Giấy chứng nhận đủ điều kiện kinh doanh xuất khẩu gạo (mã thủ tục: 2.000815)');
    for (const c of d.components) expect(flow).toContain(c.name);
    expect(layout).toMatch(/Giấy chứng nhận đăng ký doanh nghiệp\s+0\s+1\s+Có/);
    expect(layout).toContain('2. Số lượng hồ sơ: 01 (bộ)');
    expect(layout).toContain('3. Thời gian giải quyết hồ sơ theo quy định là: 20 ngày làm việc');
    expect(layout).toContain('4. Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 23 tháng 11 năm 2026');
    expect(layout).toContain('5. Thời gian trả kết quả giải quyết hồ sơ: ngày 21 tháng 12 năm 2026');
    expect(flow).toContain('6. Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích, địa chỉ: Số 18 ngõ 71 phố Đặng Văn Ngữ');
    expect(layout).toContain('Vào Sổ theo dõi hồ sơ, Quyển số: 11/2026, Số thứ tự: 42');
    expect(layout).toMatch(/NGƯỜI NỘP HỒ SƠ\s+NGƯỜI TIẾP NHẬN HỒ SƠ/);
    expect(layout).toMatch(/Nguyễn Thị Ấn\s+Đặng Văn Ưởng\s*\n/);
  });

  it("prints the e-form as labelled lines, codes by their names, a table's rows one line each", async () => {
    const eForm = [
      { label: 'Nước nhập khẩu', value: 'Thái Lan' },
      { label: 'Ngày hóa đơn', value: '05/03/2025' },
      { label: 'Danh mục hàng hóa, dòng 1', value: 'Mô tả hàng hóa: Cà phê nhân; Mã HS: 09011110; Tiêu chí xuất xứ: Xuất xứ thuần túy' },
    ];
    const { flow } = await read(await renderReceiptSlip(sampleReceipt({ eForm })));
    expect(flow).toContain('Nội dung tờ khai điện tử:');
    expect(flow).toContain('Nước nhập khẩu: Thái Lan');
    expect(flow).toContain('Danh mục hàng hóa, dòng 1: Mô tả hàng hóa: Cà phê nhân; Mã HS: 09011110; Tiêu chí xuất xứ: Xuất xứ thuần túy');
    expect(flow.indexOf('Nội dung tờ khai điện tử:')).toBeLessThan(flow.indexOf('2. Số lượng hồ sơ'));
  });

  it('has no applicant signature when filed online, and prints a due time when there is one', async () => {
    const { layout } = await read(
      await renderReceiptSlip(sampleReceipt({ channel: 'online', dueDate: new Date('2026-12-21T09:00:00Z'), resultDelivery: { method: 'online' } })),
    );
    expect(layout).not.toContain('NGƯỜI NỘP HỒ SƠ');
    expect(layout).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ');
    expect(layout).toContain('Hình thức nộp hồ sơ: Trực tuyến');
    expect(layout).toContain('5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 21 tháng 12 năm 2026');
  });

  it('states a limit in working hours and its appointment with the time: "… giờ … phút, ngày …"', async () => {
    // Received 09:30 on Monday 7 December 2026, 8 working hours: due at 09:30 the next day.
    const { layout, flow } = await read(
      await renderReceiptSlip(
        sampleReceipt({
          receivedAt: new Date('2026-12-07T02:30:00Z'),
          processingTime: { unit: 'working-hours', value: 8 },
          dueDate: new Date('2026-12-08T02:30:00Z'),
        }),
      ),
    );
    expect(layout).toContain('3. Thời gian giải quyết hồ sơ theo quy định là: 8 giờ làm việc');
    expect(layout).toContain('4. Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 07 tháng 12 năm 2026');
    expect(flow).toContain('5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 30 phút, ngày 08 tháng 12 năm 2026');
  });

  it('states a same-day limit with its cut-off, and a limit the catalogue words itself', async () => {
    const sameDay = await read(
      await renderReceiptSlip(sampleReceipt({ processingTime: { unit: 'same-day', cutoff: '15:00' }, dueDate: new Date('2026-11-23T10:00:00Z') })),
    );
    expect(sameDay.flow).toContain(
      '3. Thời gian giải quyết hồ sơ theo quy định là: Trong ngày làm việc (hồ sơ tiếp nhận sau 15 giờ 00 phút được trả kết quả trong ngày làm việc tiếp theo)',
    );
    expect(sameDay.flow).toContain('5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 23 tháng 11 năm 2026');
    expect(processingTimeText({ unit: 'same-day' })).toBe('Trong ngày làm việc');
    expect(processingTimeText({ unit: 'days', value: 30 })).toBe('30 ngày');
    expect(processingTimeText({ unit: 'text', text: 'Trong thời hạn 03 ngày kể từ ngày nhận đủ hồ sơ' })).toBe(
      'Trong thời hạn 03 ngày kể từ ngày nhận đủ hồ sơ',
    );
    await expect(renderReceiptSlip(sampleReceipt({ processingTime: { unit: 'same-day', cutoff: '3pm' } }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'data.processingTime.cutoff' }],
    });
  });

  it('names the desk as it was on the day of receipt: a slip of a dossier received before 15 September 2025 keeps the 2018 name', async () => {
    const old = sampleReceipt({ receivedAt: new Date('2025-09-14T08:00:00Z'), issuedAt: new Date('2025-09-14T08:00:00Z'), dueDate: '2025-10-10' });
    const { flow } = await read(await renderReceiptSlip(old));
    expect(flow).toContain('BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ');
    expect(flow).toContain('Bộ phận Tiếp nhận và Trả kết quả - Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội tiếp nhận hồ sơ của: Nguyễn Thị Ấn');
    expect(flow).toContain('Hình thức nộp hồ sơ: Trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả');
    expect(flow).not.toContain('Một cửa');
    const bytes = await renderReceiptSlip({ ...old, receivedAt: new Date('2025-09-14T17:00:00Z'), issuedAt: new Date('2025-09-14T17:00:00Z') });
    expect((await read(bytes)).flow).toContain('BỘ PHẬN MỘT CỬA');
    expect((await pdfInfo(bytes)).Author).toBe('Bộ phận Một cửa');
  });

  it('reads back decomposed (NFD) input in composed form', async () => {
    const nfd = (s: string) => s.normalize('NFD');
    const bytes = await renderReceiptSlip(
      sampleReceipt({ applicant: { ...SAMPLE_APPLICANT, name: nfd('Đặng Văn Ưởng') }, receivingOfficer: nfd('Nguyễn Thị Ấn') }),
    );
    const raw = await pdfText(bytes, { mode: 'raw' });
    expect(raw).toBe(raw.normalize('NFC'));
    expect(squash(raw)).toContain('tiếp nhận hồ sơ của: Đặng Văn Ưởng');
    expect(squash(raw)).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) Nguyễn Thị Ấn');
    expect(JSON.parse((await decodeQr(bytes))[0]).nd).toBe('001190012345');
  });

  it('is deterministic for the same data', async () => {
    const [a, b] = await Promise.all([renderReceiptSlip(sampleReceipt()), renderReceiptSlip(sampleReceipt())]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('refuses incomplete data with the path of each problem', async () => {
    const bad = { ...sampleReceipt(), dossierCode: ' ', components: [], dueDate: '21/12/2026' };
    const err = await renderReceiptSlip(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_FAILED');
    const paths = (err as AppError).details!.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['data.dossierCode', 'data.components', 'data.dueDate']));
  });
});

describe('02 supplement request', () => {
  it('lists each item with its reason, and whom to ask', async () => {
    const d = sampleSupplement();
    const { flow } = await read(await renderSupplementRequest(d));
    expect(flow).toContain('Hồ sơ của: Nguyễn Thị Ấn');
    expect(flow).toContain('Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:');
    d.items.forEach((it, i) => expect(flow).toContain(`${i + 1}. ${it.content} Lý do: ${it.reason}`));
    expect(flow).toContain('liên hệ với Bà Lê Thị Hường, số điện thoại 024 3825 1234, email huong.lt@example.gov.vn để được hướng dẫn./.');
    expect(flow).toContain('không tính vào thời hạn giải quyết hồ sơ');
    expect(flow).toContain('NGƯỜI HƯỚNG DẪN (Ký và ghi rõ họ tên) Đặng Văn Ưởng');
  });
});

describe('03 refusal', () => {
  it('gives the reasons', async () => {
    const d = sampleRefusal();
    const { flow } = await read(await renderRefusal(d));
    expect(flow).toContain('thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:');
    d.reasons.forEach((r, i) => expect(flow).toContain(`${i + 1}. ${r}`));
    expect(flow).toContain('Xin thông báo cho Ông/Bà được biết và thực hiện./.');
  });
});

describe('04 apology and request to extend the time limit', () => {
  it('is the handling agency’s letter: number, summary line, the dossier, the due moment, the reason, the apology and the extension asked for', async () => {
    const { layout, flow } = await read(await renderApology(sampleApology()));
    expect(layout).toContain('Số: 15/PXL-XNK');
    expect(flow).toContain('V/v xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ');
    expect(layout).toContain('Hà Nội, ngày 18 tháng 12 năm 2026');
    expect(layout).toContain('Kính gửi: Nguyễn Thị Ấn');
    expect(flow).toContain('Mã hồ sơ: 000.00.19.H26-261123-0042');
    expect(flow).toContain('Thủ tục hành chính: Cấp Giấy chứng nhận đủ điều kiện kinh doanh xuất khẩu gạo (mã thủ tục: 2.000815)');
    expect(flow).toContain('Thời gian tiếp nhận hồ sơ: 09 giờ 30 phút, ngày 23 tháng 11 năm 2026');
    expect(flow).toContain('Thời hạn trả kết quả theo quy định: ngày 21 tháng 12 năm 2026');
    expect(flow).toContain('Lý do: Hồ sơ cần lấy ý kiến thẩm định của Sở Nông nghiệp và Môi trường về điều kiện kho chứa;');
    expect(flow).toContain('Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội trân trọng xin lỗi Ông/Bà.');
    expect(flow).toContain(
      'Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội đề nghị gia hạn thời gian giải quyết hồ sơ đến ngày 28 tháng 12 năm 2026 và sẽ trả kết quả cho Ông/Bà trong thời hạn này.',
    );
    expect(flow).toContain('Thời gian giải quyết hồ sơ chỉ được gia hạn một lần.');
    expect(flow).not.toContain('PHIẾU XIN LỖI');
    expect(layout).toMatch(/Nơi nhận:\s+KT\. TRƯỞNG PHÒNG/);
    expect(layout).toContain('PHÓ TRƯỞNG PHÒNG');
    expect(layout).toContain('Trịnh Thị Mỹ Dung');
    expect(flow).toContain('Lưu: VT, Bộ phận Một cửa.');
  });

  it('gives the times when the limit counts hours, and a blank number line when unnumbered', async () => {
    const { layout, flow } = await read(
      await renderApology(
        sampleApology({
          number: undefined,
          originalDueDate: new Date('2026-12-21T03:00:00Z'),
          newDueDate: new Date('2026-12-22T08:30:00Z'),
        }),
      ),
    );
    expect(layout).toContain('Số: ……/……');
    expect(flow).toContain('Thời hạn trả kết quả theo quy định: 10 giờ 00 phút, ngày 21 tháng 12 năm 2026');
    expect(flow).toContain('đề nghị gia hạn thời gian giải quyết hồ sơ đến 15 giờ 30 phút, ngày 22 tháng 12 năm 2026');
  });

  it('takes a custom apology in place of the standard sentence, and still asks for the extension', async () => {
    const { flow } = await read(await renderApology(sampleApology({ apology: 'Chúng tôi thành thật xin lỗi Ông/Bà vì sự chậm trễ này.' })));
    expect(flow).toContain('Chúng tôi thành thật xin lỗi Ông/Bà vì sự chậm trễ này.');
    expect(flow).not.toContain('trân trọng xin lỗi');
    expect(flow).toContain('đề nghị gia hạn thời gian giải quyết hồ sơ đến ngày 28 tháng 12 năm 2026');
  });

  it('reissued for an apology before 15 September 2025, is the 2018 Phiếu xin lỗi và hẹn lại ngày trả kết quả', async () => {
    const old = sampleApology({
      issuedAt: new Date('2025-09-10T03:00:00Z'),
      receivedAt: new Date('2025-08-20T02:30:00Z'),
      originalDueDate: '2025-09-12',
      newDueDate: '2025-09-19',
    });
    const bytes = await renderApology(old);
    const { layout, flow } = await read(bytes);
    expect(flow).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(flow).not.toContain('gia hạn');
    expect(flow).not.toContain('V/v');
    expect(layout).toContain('Kính gửi: Nguyễn Thị Ấn');
    expect(flow).toContain('Thời gian hẹn trả kết quả giải quyết hồ sơ: ngày 12 tháng 9 năm 2025.');
    expect(flow).toContain('xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào ngày 19 tháng 9 năm 2025.');
    expect(flow).toContain('Lưu: VT, Bộ phận Tiếp nhận và Trả kết quả.');
    expect((await pdfInfo(bytes)).Title).toBe('Phiếu xin lỗi và hẹn lại ngày trả kết quả');
    expect((await qrInTopLeftQuarter(bytes)).ten).toBe('Phiếu xin lỗi và hẹn lại ngày trả kết quả');
  });
});

describe('05 notice of stopping', () => {
  it('is titled Thông báo dừng giải quyết hồ sơ: the legal basis, the dossier, the reason and from when', async () => {
    const d = sampleStop();
    const { flow } = await read(await renderStopNotice(d));
    expect(flow).toContain('THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ');
    for (const l of d.legalBasis) expect(flow).toContain(`${l};`);
    expect(flow).toContain('Kính gửi: Nguyễn Thị Ấn');
    expect(flow).toContain('đã tiếp nhận hồ sơ mã số 000.00.19.H26-261123-0042 của Ông/Bà vào lúc 09 giờ 30 phút, ngày 23 tháng 11 năm 2026');
    expect(flow).toContain('thông báo dừng giải quyết hồ sơ nêu trên kể từ ngày 01 tháng 12 năm 2026.');
    expect(flow).toContain(`Lý do: ${d.reason}`);
    expect(flow).toContain('TRƯỞNG PHÒNG (Ký, ghi rõ họ tên và đóng dấu) Vũ Đức Thưởng');
  });

  it('reissued for a stop before 15 September 2025, keeps the 2018 wording', async () => {
    const bytes = await renderStopNotice(sampleStop({ issuedAt: new Date('2025-09-14T16:59:00Z'), receivedAt: new Date('2025-08-20T02:30:00Z') }));
    const { flow } = await read(bytes);
    expect(flow).toContain('THÔNG BÁO Về việc dừng xử lý hồ sơ');
    expect(flow).toContain('thông báo dừng xử lý hồ sơ nêu trên kể từ ngày 14 tháng 9 năm 2025.');
    expect(flow).not.toContain('giải quyết hồ sơ nêu trên');
    expect((await qrInTopLeftQuarter(bytes)).ten).toBe('Thông báo dừng xử lý hồ sơ');
  });
});

describe('the desk’s name on forms about older events', () => {
  const before = new Date('2025-09-12T03:00:00Z');
  it('02, 03, 06 and 08 name Bộ phận Tiếp nhận và Trả kết quả for an event before 15 September 2025', async () => {
    const supplement = (await read(await renderSupplementRequest(sampleSupplement({ issuedAt: before, receivedAt: before })))).flow;
    expect(supplement).toContain('(Bộ phận Tiếp nhận và Trả kết quả - Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội)');
    const refusal = (await read(await renderRefusal(sampleRefusal({ issuedAt: before, receivedAt: before })))).flow;
    expect(refusal).toContain('Bộ phận Tiếp nhận và Trả kết quả - Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội thông báo không tiếp nhận');
    // The control slip goes with the receipt slip: printed today, it names the desk as at receipt.
    const control = (await read(await renderControlSlip(sampleControl({ receivedAt: before, issuedAt: new Date('2026-12-01T01:00:00Z'), handoffs: [] })))).flow;
    expect(control).toContain('BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ');
    const postal = (await read(await renderPostalHandover(samplePostal({ issuedAt: before, handedOverAt: before })))).flow;
    expect(postal).toContain('tại Bộ phận Tiếp nhận và Trả kết quả - Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội');
    expect(postal).toContain('Chức vụ: Công chức tiếp nhận và trả kết quả');
  });

  it('08 since then: the officer of Bộ phận Một cửa', async () => {
    const { flow } = await read(await renderPostalHandover(samplePostal()));
    expect(flow).toContain('Chức vụ: Công chức Bộ phận Một cửa');
    expect(flow).toContain('1. Bên giao: Bộ phận Một cửa - Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội');
  });

  it('07 names the desk as it was at the end of the period', async () => {
    const old = { ...sampleRegister(2), period: { from: '2025-08-01', to: '2025-08-31' } };
    expect((await read(await renderDossierRegister(old))).flow).toContain('BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ');
    expect((await read(await renderDossierRegister(sampleRegister(2)))).flow).toContain('BỘ PHẬN MỘT CỬA');
  });
});

describe('06 processing-control slip', () => {
  it('prints every hand-off with its times and result', async () => {
    const { layout, flow } = await read(await renderControlSlip(sampleControl()));
    expect(layout).toContain('(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)');
    expect(flow).toContain('Cơ quan phối hợp giải quyết hồ sơ: Sở Nông nghiệp và Môi trường thành phố Hà Nội');
    for (const name of ['Đặng Văn Ưởng', 'Phạm Quốc Việt', 'Trịnh Thị Mỹ Dung', 'Nguyễn Thị Ấn']) expect(flow).toContain(name);
    expect(flow).toMatch(/Thẩm định hồ sơ .*Trễ hạn 3 ngày/);
    expect(flow).toMatch(/Tiếp nhận, chuyển hồ sơ .*Trước hạn/);
    expect(flow).toMatch(/Trả kết quả .*Đang xử lý/);
    // Each time on two lines of its cell: the hour, then the whole date.
    expect(layout).toMatch(/10:00\s+24\/11\/2026\s+11:15\s+Trước hạn/);
    expect(layout).toMatch(/23\/11\/2026\s+23\/11\/2026/);
    expect(flow).toMatch(/Thẩm định hồ sơ .*11:15 23\/11\/2026 14\/12\/2026 16:40 17\/12\/2026 Trễ hạn 3 ngày/);
  });

  it('says early, on time, late or in progress', () => {
    const h = sampleControl().handoffs[0];
    expect(handoffOutcome({ ...h, finishedAt: undefined })).toBe('Đang xử lý');
    expect(handoffOutcome({ ...h, stepDeadline: '2026-11-24', finishedAt: new Date('2026-11-23T09:00:00Z') })).toBe('Trước hạn');
    // 23:30 on 24 November in Vietnam is still the deadline day.
    expect(handoffOutcome({ ...h, stepDeadline: '2026-11-24', finishedAt: new Date('2026-11-24T16:30:00Z') })).toBe('Đúng hạn');
    expect(handoffOutcome({ ...h, stepDeadline: '2026-11-24', finishedAt: new Date('2026-11-26T02:00:00Z'), lateDays: 2 })).toBe('Trễ hạn 2 ngày');
    expect(() => handoffOutcome({ ...h, stepDeadline: '2026-11-24', finishedAt: new Date('2026-11-24T17:30:00Z') })).toThrow(AppError);
  });

  it('refuses a late hand-off without its late days', async () => {
    const d = sampleControl();
    d.handoffs[1] = { ...d.handoffs[1], lateDays: undefined };
    await expect(renderControlSlip(d)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'data.handoffs[1].lateDays' }] });
  });
});

describe('07 dossier register', () => {
  it('puts 120 dossiers on landscape pages, header repeated, none lost, every page filled', async () => {
    const d = sampleRegister(120);
    const bytes = await renderDossierRegister(d);
    const info = await pdfInfo(bytes);
    expect(info['Page size']).toContain('841.89 x 595.28');
    const pages = await pdfPages(bytes);
    const n = Number(info.Pages);
    expect(pages).toHaveLength(n);
    expect(n).toBeGreaterThan(5);

    // Each code once, in order, across the pages; in drawing order a code split after a
    // hyphen still reads back whole once the whitespace is gone.
    const raw = (await pdfText(bytes, { mode: 'raw' })).replace(/\s/g, '');
    let at = -1;
    for (const e of d.entries) {
      const pos = raw.indexOf(e.dossierCode);
      expect(pos, e.dossierCode).toBeGreaterThan(at);
      expect(raw.indexOf(e.dossierCode, pos + 1)).toBe(-1);
      at = pos;
    }

    const rowsPerPage: number[] = [];
    for (let p = 1; p <= n; p++) {
      const text = pages[p - 1];
      expect(text).toMatch(/STT\s+Mã hồ sơ\s+Tên thủ tục hành chính/);
      expect(text).toMatch(/\(1\)\s+\(2\)\s+\(3\)(\s+\(\d+\)){9}/);
      expect(text).toContain(`Trang ${p}/${n}`);
      const { height, words } = await pdfWords(bytes, p);
      const rowNumbers = words.filter((w) => /^\d+$/.test(w.text) && w.xMax < 20 * MM + 25);
      rowsPerPage.push(rowNumbers.length);
      const bodyBottom = Math.max(...words.filter((w) => !w.text.startsWith('Trang') && !/^\d+\/\d+$/.test(w.text)).map((w) => w.yMax));
      expect(bodyBottom).toBeLessThanOrEqual(height - 20 * MM + 0.5);
      // A page ends only when the next row would not fit: what is left under the last row is
      // less than one row's height (rows here are at most 5 lines of 7.5 pt).
      if (p < n) expect(height - 20 * MM - bodyBottom).toBeLessThan(5 * 7.5 * 1.38 + 2 * MM + 1);
    }
    expect(rowsPerPage.reduce((s, r) => s + r, 0)).toBe(120);
    const first = sampleRegister(120).entries[0];
    expect(pages[0]).toContain('Nguyễn Thị Ấn');
    expect(pages[0]).toContain(first.dossierCode);
    expect(squash(pages[0])).toContain('Từ ngày 01/11/2026 đến ngày 30/11/2026');
  });

  it('carries the register QR code in the top-left corner of page 1', async () => {
    const bytes = await renderDossierRegister(sampleRegister(3));
    expect(await qrInTopLeftQuarter(bytes)).toEqual({
      ma: '000.00.19.H26-SO-202611',
      tt: '',
      nd: '000.00.19.H26',
      ten: 'Sổ theo dõi hồ sơ',
      tu: '2026-11-01',
      den: '2026-11-30',
      so: 3,
    });
    expect((await pdfInfo(bytes)).Pages).toBe('1');
  });

  it('refuses a period that ends before it starts', async () => {
    await expect(renderDossierRegister({ ...sampleRegister(1), period: { from: '2026-11-30', to: '2026-11-01' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'data.period.to' }],
    });
  });
});

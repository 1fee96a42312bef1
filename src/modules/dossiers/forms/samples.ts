import type {
  Agency,
  Applicant,
  ApologyData,
  ControlSlipData,
  PostalHandoverData,
  DossierFormBase,
  DossierRegisterData,
  ReceiptSlipData,
  RefusalData,
  StopNoticeData,
  SupplementRequestData,
} from './types.ts';

/**
 * Realistic form data for tests and demos: names with every kind of Vietnamese diacritic
 * (ấ, ặ, ư, ở, ữ, ỹ, đ …), an agency whose name wraps in the header, dates in Vietnam time.
 */
/** No desk name of its own: the forms name the desk as the regulation did on the day of their event. */
export const SAMPLE_AGENCY: Agency = {
  parent: 'Bộ Công Thương',
  name: 'Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội',
  place: 'Hà Nội',
};

export const SAMPLE_APPLICANT: Applicant = {
  name: 'Nguyễn Thị Ấn',
  idNumber: '001190012345',
  kind: 'individual',
  address: 'Số 18 ngõ 71 phố Đặng Văn Ngữ, phường Kim Liên, thành phố Hà Nội',
  phone: '0912 345 678',
  email: 'nguyen.thi.an@example.vn',
};

/** 09:30 on 23 November 2026, Vietnam time. */
export const SAMPLE_RECEIVED = new Date('2026-11-23T02:30:00Z');

export const sampleBase = (over: Partial<DossierFormBase> = {}): DossierFormBase => ({
  agency: SAMPLE_AGENCY,
  dossierCode: '000.00.19.H26-261123-0042',
  procedure: { code: '2.000815', name: 'Cấp Giấy chứng nhận đủ điều kiện kinh doanh xuất khẩu gạo' },
  applicant: SAMPLE_APPLICANT,
  number: '42/GTN-BPMC',
  issuedAt: SAMPLE_RECEIVED,
  trackingUrl: 'https://dichvucong.example.gov.vn/tra-cuu?ma=000.00.19.H26-261123-0042',
  ...over,
});

export const sampleReceipt = (over: Partial<ReceiptSlipData> = {}): ReceiptSlipData => ({
  ...sampleBase(),
  components: [
    { name: 'Văn bản đề nghị cấp Giấy chứng nhận đủ điều kiện kinh doanh xuất khẩu gạo (Mẫu số 01)', originals: 1, copies: 0, digitised: true },
    { name: 'Giấy chứng nhận đăng ký doanh nghiệp', originals: 0, copies: 1, digitised: true },
    { name: 'Hợp đồng thuê kho chứa thóc, gạo; sơ đồ mặt bằng kho, cơ sở xay xát của Đặng Văn Ưởng', originals: 1, copies: 1, digitised: false },
  ],
  sets: 1,
  processingTime: { value: 20, unit: 'working-days' },
  receivedAt: SAMPLE_RECEIVED,
  dueDate: '2026-12-21',
  channel: 'direct',
  resultDelivery: { method: 'postal', address: 'Số 18 ngõ 71 phố Đặng Văn Ngữ, phường Kim Liên, thành phố Hà Nội' },
  receivingOfficer: 'Đặng Văn Ưởng',
  register: { book: '11/2026', entry: 42 },
  ...over,
});

export const sampleSupplement = (over: Partial<SupplementRequestData> = {}): SupplementRequestData => ({
  ...sampleBase({ number: '07/PYCBS-BPMC' }),
  receivedAt: SAMPLE_RECEIVED,
  items: [
    {
      content: 'Bổ sung bản sao Giấy chứng nhận đăng ký doanh nghiệp có chứng thực.',
      reason: 'Bản sao đã nộp không có chứng thực và không xuất trình bản chính để đối chiếu.',
    },
    { content: 'Bổ sung sơ đồ mặt bằng kho chứa thóc, gạo.', reason: 'Hồ sơ thiếu thành phần theo Điều 5 Nghị định số 107/2018/NĐ-CP.' },
  ],
  officer: { name: 'Đặng Văn Ưởng' },
  contact: { name: 'Bà Lê Thị Hường', phone: '024 3825 1234', email: 'huong.lt@example.gov.vn' },
  ...over,
});

export const sampleRefusal = (over: Partial<RefusalData> = {}): RefusalData => ({
  ...sampleBase({ number: '03/PTC-BPMC' }),
  receivedAt: SAMPLE_RECEIVED,
  reasons: [
    'Thủ tục hành chính không thuộc thẩm quyền giải quyết của Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội.',
    'Đề nghị Ông/Bà nộp hồ sơ tại Sở Công Thương tỉnh Bắc Ninh.',
  ],
  officer: { name: 'Đặng Văn Ưởng' },
  ...over,
});

export const sampleApology = (over: Partial<ApologyData> = {}): ApologyData => ({
  ...sampleBase({ number: '15/PXL-XNK', issuedAt: new Date('2026-12-18T03:00:00Z') }),
  receivedAt: SAMPLE_RECEIVED,
  originalDueDate: '2026-12-21',
  delayReason: 'Hồ sơ cần lấy ý kiến thẩm định của Sở Nông nghiệp và Môi trường về điều kiện kho chứa; văn bản trả lời chưa được gửi đến đúng hạn.',
  newDueDate: '2026-12-28',
  signer: { title: 'KT. Trưởng phòng\nPhó Trưởng phòng', name: 'Trịnh Thị Mỹ Dung' },
  ...over,
});

export const sampleStop = (over: Partial<StopNoticeData> = {}): StopNoticeData => ({
  ...sampleBase({ number: '09/TB-XNK', issuedAt: new Date('2026-12-01T08:00:00Z') }),
  receivedAt: SAMPLE_RECEIVED,
  reason: 'Tổ chức, cá nhân có văn bản đề nghị rút hồ sơ ngày 30 tháng 11 năm 2026.',
  legalBasis: [
    'Căn cứ Nghị định số 118/2025/NĐ-CP ngày 09 tháng 6 năm 2025 của Chính phủ về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông',
    'Căn cứ Thông tư số 03/2025/TT-VPCP của Văn phòng Chính phủ',
  ],
  signer: { title: 'Trưởng phòng', name: 'Vũ Đức Thưởng' },
  ...over,
});

export const sampleControl = (over: Partial<ControlSlipData> = {}): ControlSlipData => ({
  ...sampleBase({ number: undefined }),
  receivedAt: SAMPLE_RECEIVED,
  dueDate: '2026-12-21',
  handlingUnit: 'Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội',
  coordinatingUnits: ['Sở Nông nghiệp và Môi trường thành phố Hà Nội'],
  handoffs: [
    {
      step: 'Tiếp nhận, chuyển hồ sơ',
      from: { officer: 'Đặng Văn Ưởng', unit: 'Bộ phận Một cửa' },
      to: { officer: 'Phạm Quốc Việt', unit: 'Tổ Thẩm định' },
      handedOverAt: new Date('2026-11-23T03:00:00Z'),
      stepDeadline: '2026-11-24',
      finishedAt: new Date('2026-11-23T04:15:00Z'),
      note: 'Hồ sơ đã số hóa',
    },
    {
      step: 'Thẩm định hồ sơ',
      from: { officer: 'Phạm Quốc Việt', unit: 'Tổ Thẩm định' },
      to: { officer: 'Trịnh Thị Mỹ Dung', unit: 'Lãnh đạo Phòng' },
      handedOverAt: new Date('2026-11-23T04:15:00Z'),
      stepDeadline: '2026-12-14',
      finishedAt: new Date('2026-12-17T09:40:00Z'),
      lateDays: 3,
      note: 'Chờ ý kiến Sở Nông nghiệp và Môi trường',
    },
    {
      step: 'Phê duyệt, ký kết quả',
      from: { officer: 'Trịnh Thị Mỹ Dung', unit: 'Lãnh đạo Phòng' },
      to: { officer: 'Đặng Văn Ưởng', unit: 'Bộ phận Một cửa' },
      handedOverAt: new Date('2026-12-18T01:00:00Z'),
      stepDeadline: '2026-12-21',
      finishedAt: new Date('2026-12-18T07:30:00Z'),
    },
    {
      step: 'Trả kết quả',
      from: { officer: 'Đặng Văn Ưởng', unit: 'Bộ phận Một cửa' },
      to: { officer: 'Nguyễn Thị Ấn', unit: 'Người nộp hồ sơ' },
      handedOverAt: new Date('2026-12-18T08:00:00Z'),
    },
  ],
  ...over,
});

export const samplePostal = (over: Partial<PostalHandoverData> = {}): PostalHandoverData => ({
  ...sampleBase({ number: '21/BBGN-BPMC', issuedAt: new Date('2026-12-18T08:00:00Z') }),
  handedOverAt: new Date('2026-12-18T08:00:00Z'),
  deliveryAddress: SAMPLE_APPLICANT.address,
  items: [{ name: 'Giấy chứng nhận đủ điều kiện kinh doanh xuất khẩu gạo', reference: 'Hồ sơ 000.00.19.H26-261123-0042' }],
  officer: { name: 'Đặng Văn Ưởng' },
  ...over,
});

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Thị', 'Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thị Mỹ', 'Ngọc'];
const GIVEN = ['Ấn', 'Ưởng', 'Hường', 'Thưởng', 'Dũng', 'Yến', 'Khuê', 'Quỳnh', 'Tuấn', 'Ngữ', 'Thuỷ', 'Việt', 'Hằng', 'Lộc', 'Kỳ'];
const PROCEDURES = [
  'Cấp Giấy chứng nhận đủ điều kiện kinh doanh xuất khẩu gạo',
  'Cấp Giấy phép nhập khẩu tự động',
  'Cấp Giấy chứng nhận xuất xứ hàng hóa (C/O) mẫu D',
  'Cấp Giấy phép kinh doanh tạm nhập, tái xuất hàng hóa',
];

/** A unit's register with `n` dossiers received over November 2026. */
export function sampleRegister(n: number): DossierRegisterData {
  const pad = (v: number, w = 2) => String(v).padStart(w, '0');
  return {
    agency: SAMPLE_AGENCY,
    registerCode: '000.00.19.H26-SO-202611',
    unitId: '000.00.19.H26',
    period: { from: '2026-11-01', to: '2026-11-30' },
    book: '11/2026',
    issuedAt: new Date('2026-12-01T01:00:00Z'),
    entries: Array.from({ length: n }, (_, i) => {
      const day = 2 + (i % 27);
      return {
        dossierCode: `000.00.19.H26-2611${pad(day)}-${pad(i + 1, 4)}`,
        procedureName: PROCEDURES[i % PROCEDURES.length],
        sets: 1,
        applicantName: `${FAMILY[i % FAMILY.length]} ${MIDDLE[i % MIDDLE.length]} ${GIVEN[i % GIVEN.length]}`,
        applicantAddress: `Số ${i + 1} phố Đặng Văn Ngữ, phường Kim Liên, Hà Nội`,
        applicantPhone: `0912 ${pad(i, 3)} ${pad((i * 7) % 1000, 3)}`,
        handlingAgency: 'Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội',
        receivedAt: `2026-11-${pad(day)}`,
        dueDate: `2026-12-${pad(Math.min(28, day))}`,
        transferredAt: i % 3 ? `2026-11-${pad(day)}` : undefined,
        returnedAt: i % 4 === 0 ? `2026-12-${pad(Math.min(28, day))}` : undefined,
        note: i % 10 === 0 ? 'Trễ hạn 2 ngày' : undefined,
      };
    }),
  };
}

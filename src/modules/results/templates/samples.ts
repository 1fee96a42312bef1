import type { CertificateResult, LicenceResult, RefusalDecisionResult, ResultDocumentData, WrittenReplyResult } from './types.ts';

/**
 * Realistic result documents of the Ministry of Industry and Trade for tests and demos: names
 * with every kind of Vietnamese diacritic (ấ, ặ, ư, ở, ữ, ỹ, đ …), dates in Vietnam time.
 */

/** 14:00 on 1 December 2026, Vietnam time. */
export const SAMPLE_ISSUED = new Date('2026-12-01T07:00:00Z');

const VERIFY = 'https://dichvucong.moit.gov.vn/xac-thuc-ket-qua';

export const sampleCertificate = (over: Partial<CertificateResult> = {}): CertificateResult => ({
  kind: 'certificate',
  agency: { parent: 'Bộ Công Thương', name: 'Phòng Quản lý Xuất nhập khẩu khu vực Hải Phòng', place: 'Hải Phòng' },
  number: '125/GCN-XNK',
  issuedAt: SAMPLE_ISSUED,
  documentName: 'Giấy chứng nhận xuất xứ hàng hóa mẫu D',
  resultCode: 'KQ-2026-000125',
  dossierCode: '000.00.19.H26-261124-0125',
  procedure: { code: '2.000468', name: 'Cấp Giấy chứng nhận xuất xứ hàng hóa ưu đãi mẫu D' },
  holder: {
    name: 'Công ty Cổ phần Thực phẩm Hữu Nghị Đông Á',
    idNumber: '0201234567',
    kind: 'organisation',
    address: 'Lô B7, Khu công nghiệp Đình Vũ, phường Đông Hải, thành phố Hải Phòng',
  },
  content: {
    holderLabel: 'Người xuất khẩu',
    fields: [
      { label: 'Người nhập khẩu', value: 'PT. Sumber Rejeki Nusantara, Jl. Gatot Subroto Kav. 18, Jakarta, Indonesia' },
      {
        label: 'Phương tiện vận tải và hành trình',
        value: 'Tàu biển WAN HAI 315, chuyến 186S, khởi hành ngày 05/12/2026 từ cảng Hải Phòng đến cảng Tanjung Priok',
      },
      { label: 'Hóa đơn thương mại', value: 'Số 0000152 ngày 18/11/2026' },
      { label: 'Nước xuất xứ', value: 'Việt Nam' },
    ],
    table: {
      caption: 'Hàng hóa được chứng nhận xuất xứ:',
      columns: [
        { header: 'STT', width: 0.6, align: 'center' },
        { header: 'Mô tả hàng hóa', width: 4 },
        { header: 'Mã HS', width: 1.4, align: 'center' },
        { header: 'Tiêu chí xuất xứ', width: 1.4, align: 'center' },
        { header: 'Số lượng', width: 1.8, align: 'right' },
      ],
      rows: [
        ['1', 'Bánh quy bơ sữa hiệu Hữu Nghị, hộp thiếc 500 g', '1905.31', 'RVC 45%', '12.000 hộp'],
        ['2', 'Mứt gừng sấy dẻo đóng gói 250 g', '2006.00', 'WO', '8.500 gói'],
        ['3', 'Kẹo dừa Bến Tre nguyên chất, túi 400 g', '1704.90', 'CTH', '6.000 túi'],
      ],
    },
    validUntil: '2027-12-01',
    notes: [
      'Giấy chứng nhận này được cấp trên cơ sở hồ sơ đề nghị và cam kết của người xuất khẩu; người xuất khẩu chịu trách nhiệm trước pháp luật về tính chính xác của thông tin đã khai báo.',
    ],
  },
  signer: { title: 'KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG', name: 'Đỗ Thị Thu Hường' },
  verificationUrl: `${VERIFY}?ma=KQ-2026-000125`,
  ...over,
});

export const sampleLicence = (over: Partial<LicenceResult> = {}): LicenceResult => ({
  kind: 'licence',
  agency: { parent: 'Ủy ban nhân dân thành phố Hà Nội', name: 'Sở Công Thương', place: 'Hà Nội' },
  number: '08/GP-SCT',
  issuedAt: SAMPLE_ISSUED,
  documentName: 'Giấy phép bán lẻ sản phẩm rượu',
  resultCode: 'KQ-2026-000208',
  dossierCode: '000.20.25.H26-261117-0208',
  procedure: { code: '2.000620', name: 'Cấp Giấy phép bán lẻ sản phẩm rượu' },
  holder: {
    name: 'Hộ kinh doanh Trần Thị Thu Hằng',
    idNumber: '001186009876',
    kind: 'individual',
    address: 'Số 27 phố Ngõ Huế, phường Hai Bà Trưng, thành phố Hà Nội',
  },
  content: {
    holderLabel: 'Tên thương nhân',
    fields: [
      { label: 'Điện thoại', value: '0983 456 712' },
      { label: 'Địa điểm kinh doanh', value: 'Số 27 phố Ngõ Huế, phường Hai Bà Trưng, thành phố Hà Nội' },
      { label: 'Được phép bán lẻ các loại sản phẩm rượu', value: 'Rượu có độ cồn từ 5,5 độ trở lên; rượu có độ cồn dưới 5,5 độ' },
      { label: 'Thương nhân cung cấp sản phẩm rượu', value: 'Công ty TNHH Phân phối Đồ uống Sông Hồng, mã số doanh nghiệp 0108765432' },
    ],
    validUntil: '2031-12-01',
    notes: [
      'Hộ kinh doanh Trần Thị Thu Hằng phải thực hiện đúng các quy định tại Nghị định số 105/2017/NĐ-CP ngày 14 tháng 9 năm 2017 của Chính phủ về kinh doanh rượu và các quy định của pháp luật có liên quan.',
    ],
  },
  signer: { title: 'KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC', name: 'Nguyễn Hữu Đức' },
  verificationUrl: `${VERIFY}?ma=KQ-2026-000208`,
  ...over,
});

export const sampleWrittenReply = (over: Partial<WrittenReplyResult> = {}): WrittenReplyResult => ({
  kind: 'written_reply',
  agency: { parent: 'Bộ Công Thương', name: 'Cục Xuất nhập khẩu', place: 'Hà Nội' },
  number: '1532/XNK-TM',
  issuedAt: SAMPLE_ISSUED,
  documentName: 'Văn bản trả lời kiến nghị của doanh nghiệp',
  resultCode: 'KQ-2026-001532',
  dossierCode: '000.00.19.H26-261120-0311',
  procedure: { code: '1.000330', name: 'Giải đáp vướng mắc về hoạt động xuất khẩu, nhập khẩu hàng hóa' },
  holder: {
    name: 'Công ty TNHH Cơ khí Chính xác Phú Mỹ',
    idNumber: '3502345678',
    kind: 'organisation',
    address: 'Khu công nghiệp Phú Mỹ II, phường Phú Mỹ, thành phố Hồ Chí Minh',
  },
  content: {
    subject: 'V/v nhập khẩu máy móc, thiết bị đã qua sử dụng',
    addressee: 'Công ty TNHH Cơ khí Chính xác Phú Mỹ',
    paragraphs: [
      'Cục Xuất nhập khẩu nhận được Công văn số 27/2026/CV-PM ngày 18 tháng 11 năm 2026 của Công ty TNHH Cơ khí Chính xác Phú Mỹ đề nghị hướng dẫn thủ tục nhập khẩu dây chuyền máy tiện CNC đã qua sử dụng. Về việc này, Cục Xuất nhập khẩu có ý kiến như sau:',
      'Việc nhập khẩu máy móc, thiết bị, dây chuyền công nghệ đã qua sử dụng thực hiện theo Quyết định số 18/2019/QĐ-TTg ngày 19 tháng 4 năm 2019 của Thủ tướng Chính phủ; đề nghị Công ty căn cứ tuổi thiết bị và tiêu chuẩn kỹ thuật của dây chuyền để chuẩn bị hồ sơ theo quy định, không thuộc diện phải có giấy phép nhập khẩu của Bộ Công Thương.',
      'Cục Xuất nhập khẩu trả lời để Công ty được biết và thực hiện./.',
    ],
  },
  signer: { title: 'KT. CỤC TRƯỞNG / PHÓ CỤC TRƯỞNG', name: 'Phạm Thị Hồng Vân' },
  verificationUrl: `${VERIFY}?ma=KQ-2026-001532`,
  recipients: ['Như trên;', 'Cục trưởng (để báo cáo);', 'Lưu: VT, TM.'],
  ...over,
});

export const sampleRefusalDecision = (over: Partial<RefusalDecisionResult> = {}): RefusalDecisionResult => ({
  kind: 'refusal_decision',
  agency: { parent: 'Bộ Công Thương', name: 'Cục Quản lý và Phát triển thị trường trong nước', place: 'Hà Nội' },
  number: '215/QĐ-TTTN',
  issuedAt: SAMPLE_ISSUED,
  documentName: 'Quyết định từ chối cấp Giấy phép phân phối sản phẩm rượu',
  resultCode: 'KQ-2026-000215',
  dossierCode: '000.00.21.H26-261103-0094',
  procedure: { code: '2.000636', name: 'Cấp Giấy phép phân phối sản phẩm rượu' },
  holder: {
    name: 'Công ty TNHH Thương mại Rượu vang Đà Lạt Xanh',
    idNumber: '5801234569',
    kind: 'organisation',
    address: 'Số 12 đường Yersin, phường Xuân Hương - Đà Lạt, tỉnh Lâm Đồng',
  },
  content: {
    subject: 'Về việc từ chối cấp Giấy phép phân phối sản phẩm rượu',
    authority: 'Cục trưởng Cục Quản lý và Phát triển thị trường trong nước',
    legalBasis: [
      'Căn cứ Nghị định số 105/2017/NĐ-CP ngày 14 tháng 9 năm 2017 của Chính phủ về kinh doanh rượu;',
      'Căn cứ Nghị định số 17/2020/NĐ-CP ngày 05 tháng 02 năm 2020 của Chính phủ sửa đổi, bổ sung một số điều của các Nghị định liên quan đến điều kiện đầu tư kinh doanh thuộc lĩnh vực quản lý nhà nước của Bộ Công Thương;',
      'Xét hồ sơ đề nghị cấp Giấy phép phân phối sản phẩm rượu của Công ty TNHH Thương mại Rượu vang Đà Lạt Xanh tiếp nhận ngày 03 tháng 11 năm 2026;',
    ],
    proposal: 'Theo đề nghị của Trưởng phòng Quản lý kinh doanh.',
    articles: [
      'Từ chối cấp Giấy phép phân phối sản phẩm rượu cho Công ty TNHH Thương mại Rượu vang Đà Lạt Xanh, mã số doanh nghiệp 5801234569. Lý do: Công ty chưa đáp ứng điều kiện về hệ thống phân phối sản phẩm rượu trên địa bàn từ 02 tỉnh, thành phố trực thuộc trung ương trở lên theo khoản 2 Điều 11 Nghị định số 105/2017/NĐ-CP.',
      'Công ty có quyền khiếu nại hoặc khởi kiện đối với Quyết định này theo quy định của pháp luật về khiếu nại và tố tụng hành chính.',
      'Quyết định này có hiệu lực kể từ ngày ký. Trưởng phòng Quản lý kinh doanh và Công ty TNHH Thương mại Rượu vang Đà Lạt Xanh chịu trách nhiệm thi hành Quyết định này./.',
    ],
  },
  signer: { title: 'KT. CỤC TRƯỞNG / PHÓ CỤC TRƯỞNG', name: 'Lê Văn Quỳnh' },
  verificationUrl: `${VERIFY}?ma=KQ-2026-000215`,
  recipients: ['Như Điều 3;', 'Bộ trưởng (để báo cáo);', 'Sở Công Thương tỉnh Lâm Đồng;', 'Lưu: VT, QLKD.'],
  ...over,
});

/** One sample of each kind. */
export const SAMPLE_RESULTS: ResultDocumentData[] = [sampleCertificate(), sampleLicence(), sampleWrittenReply(), sampleRefusalDecision()];

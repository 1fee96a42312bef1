/** Realistic-looking procedures in the national format, for loading a catalogue of any size. */
const VERBS = ['Cấp', 'Cấp lại', 'Điều chỉnh', 'Gia hạn', 'Thu hồi', 'Đăng ký', 'Xác nhận', 'Chấp thuận', 'Cấp đổi', 'Công nhận'];
const DOCS = ['Giấy phép', 'Giấy chứng nhận', 'Giấy xác nhận', 'Văn bản chấp thuận'];
const SUBJECTS = [
  'kinh doanh xăng dầu',
  'bán lẻ rượu',
  'bán buôn sản phẩm thuốc lá',
  'sản xuất hóa chất',
  'xuất khẩu gạo',
  'nhập khẩu phế liệu',
  'hoạt động điện lực',
  'thành lập văn phòng đại diện của thương nhân nước ngoài',
  'kinh doanh khí',
  'sử dụng vật liệu nổ công nghiệp',
  'tổ chức hội chợ triển lãm',
  'khuyến mại',
  'bán hàng đa cấp',
  'an toàn thực phẩm',
  'xuất xứ hàng hóa',
  'tạm nhập tái xuất',
  'kinh doanh tiền chất',
  'lắp đặt trạm sạc',
  'nhượng quyền thương mại',
  'kiểm định an toàn lao động',
  'vận hành nhà máy thủy điện',
  'sản xuất thuốc lá điếu',
  'chế biến khoáng sản',
  'kinh doanh phân bón',
  'xuất khẩu than',
  'mua bán hàng hóa qua sở giao dịch',
  'dịch vụ logistics',
  'thương mại điện tử',
  'sản xuất rượu thủ công',
  'nhập khẩu ô tô',
  'kho ngoại quan',
  'đại lý xăng dầu',
  'tàng trữ khí dầu mỏ hóa lỏng',
  'sản xuất pin năng lượng mặt trời',
  'quảng cáo thương mại',
  'kinh doanh dịch vụ giám định',
  'xuất khẩu khoáng sản',
  'phân phối điện',
  'truyền tải điện',
  'bán lẻ điện',
];
const WHERE = [
  '',
  ' tại khu vực Hà Nội',
  ' tại Thành phố Hồ Chí Minh',
  ' cho thương nhân nước ngoài',
  ' cho doanh nghiệp trong khu công nghiệp',
  ' cấp tỉnh',
  ' cấp trung ương',
  ' trong khu kinh tế',
  ' đối với hộ kinh doanh',
  ' theo hình thức trực tuyến',
];
const FIELDS = [
  'Xuất nhập khẩu',
  'Lưu thông hàng hóa trong nước',
  'Hóa chất',
  'Điện',
  'An toàn thực phẩm',
  'Xúc tiến thương mại',
  'Quản lý cạnh tranh',
  'Công nghiệp tiêu dùng',
  'Dầu khí',
  'Vật liệu nổ công nghiệp',
  'Thương mại điện tử',
  'Khoa học công nghệ',
];

export function syntheticProcedures(n: number, agencies: string[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; out.length < n; i++) {
    const v = VERBS[i % VERBS.length];
    const d = DOCS[Math.floor(i / VERBS.length) % DOCS.length];
    const s = SUBJECTS[Math.floor(i / (VERBS.length * DOCS.length)) % SUBJECTS.length];
    const w = WHERE[Math.floor(i / (VERBS.length * DOCS.length * SUBJECTS.length)) % WHERE.length];
    const round = Math.floor(i / (VERBS.length * DOCS.length * SUBJECTS.length * WHERE.length));
    const days = [1, 3, 5, 7, 10, 15, 20][i % 7];
    out.push({
      code: `3.${String(100000 + i).padStart(6, '0')}`,
      name: `${v} ${d.toLowerCase()} ${s}${w}${round ? ` (trường hợp ${round + 1})` : ''}`.replace(/^./, (c) => c.toUpperCase()),
      executionMethods: [
        { submissionMethod: 'ONLINE', processingTime: days, processingTimeUnit: 'WORKING_DAY', fees: [{ type: 'FEE', value: (i % 5) * 100_000 }] },
        { submissionMethod: 'DIRECT', processingTime: days, processingTimeUnit: 'WORKING_DAY', fees: [{ type: 'FEE', value: (i % 5) * 100_000 }] },
      ],
      executionCases: [
        {
          name: '',
          profileComponents: [
            { code: `C${i}-1`, name: `Đơn đề nghị ${d.toLowerCase()} ${s}`, originalQty: 1, copyQty: 0, required: true, hasElectronicForm: true },
          ],
        },
      ],
      executionSteps: [{ name: 'Bước 1', description: 'Nộp hồ sơ' }],
      congso: {
        field: FIELDS[i % FIELDS.length],
        agencyCode: agencies[i % agencies.length],
        level: i % 3 ? 'partial' : 'full',
        legalBasis: ['Nghị định số 118/2025/NĐ-CP'],
      },
    });
  }
  return out;
}

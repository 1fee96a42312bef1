/**
 * The service index of Decision 766/QĐ-TTg (2022): five groups, 100 points. Weights, maxima and
 * thresholds change with the Government's guidance, so they are data here; the formulas are the
 * counts each indicator reads (`compute-indicators.ts`), named by key.
 *
 * A score is min(max, ratio × max ÷ threshold). An indicator with nothing to measure (a
 * denominator of 0: no dossier returned, no rating, no feedback) scores its max: the unit owed
 * nothing it failed to do, which is how the national scorecard treats an empty period.
 */

/** The counters kept per unit, procedure and day (migrations/0028-indicators.sql, 0031), in column order. */
export const COUNTERS = [
  'received',
  'received_online',
  'open_delta',
  'overdue_delta',
  'returned_on_time',
  'returned_late',
  'closed_other',
  'returned_fee_bearing',
  'returned_paid_online',
  'returned_paper',
  'returned_paper_digitised',
  'returned_electronic_result',
  'returned_fully_digitised',
  'returned_reused',
  'rated_1',
  'rated_2',
  'rated_3',
  'rated_4',
  'rated_5',
  'published',
] as const;
export type Counter = (typeof COUNTERS)[number];

export type GroupKey = 'transparency' | 'progress' | 'online' | 'satisfaction' | 'digitisation';

export type IndicatorKey =
  | 'procedures_published_on_time'
  | 'dossiers_published'
  | 'feedback_on_time'
  | 'progress_on_time'
  | 'online_filing'
  | 'online_payment'
  | 'full_online_procedures'
  | 'satisfied_ratings'
  | 'returned_on_time'
  | 'electronic_results'
  | 'paper_digitised'
  | 'fully_digitised'
  | 'data_reused';

export interface IndicatorDefinition {
  key: IndicatorKey;
  name: string;
  nameEn: string;
  /** numerator ÷ denominator, as people read it. */
  formula: string;
  formulaEn: string;
  max: number;
  /** The ratio at which the indicator scores its max (0..1]. */
  threshold: number;
}

export interface GroupDefinition {
  key: GroupKey;
  name: string;
  nameEn: string;
  weight: number;
  indicators: IndicatorDefinition[];
}

export const INDICATOR_GROUPS: readonly GroupDefinition[] = [
  {
    key: 'transparency',
    name: 'Công khai, minh bạch',
    nameEn: 'Transparency',
    weight: 18,
    indicators: [
      {
        key: 'procedures_published_on_time',
        name: 'Thủ tục hành chính công bố, công khai đúng hạn',
        nameEn: 'Procedures published on time',
        formula: 'Phiên bản thủ tục có hiệu lực trong kỳ được công bố trước hoặc đúng ngày hiệu lực ÷ phiên bản có hiệu lực trong kỳ',
        formulaEn: 'Procedure versions taking effect in the period published on or before their effective day ÷ versions taking effect',
        max: 6,
        threshold: 1,
      },
      {
        key: 'dossiers_published',
        name: 'Hồ sơ được công khai tiến độ giải quyết',
        nameEn: 'Dossiers with their progress published',
        formula: 'Hồ sơ tiếp nhận trong kỳ đã đồng bộ việc tiếp nhận lên Cổng Dịch vụ công quốc gia ÷ hồ sơ tiếp nhận trong kỳ',
        formulaEn: 'Dossiers received in the period whose receipt reached the National Public Service Portal ÷ dossiers received',
        max: 6,
        threshold: 1,
      },
      {
        key: 'feedback_on_time',
        name: 'Phản ánh, kiến nghị được xử lý đúng hạn',
        nameEn: 'Feedback handled on time',
        formula: 'Phản ánh, kiến nghị thuộc thẩm quyền được xử lý đúng hạn ÷ phản ánh, kiến nghị thuộc thẩm quyền',
        formulaEn: 'Feedback within competence handled on time ÷ feedback within competence',
        max: 6,
        threshold: 1,
      },
    ],
  },
  {
    key: 'progress',
    name: 'Tiến độ, kết quả giải quyết',
    nameEn: 'Progress and results',
    weight: 20,
    indicators: [
      {
        key: 'progress_on_time',
        name: 'Hồ sơ giải quyết đúng hạn và đang giải quyết trong hạn',
        nameEn: 'Dossiers processed on time or in progress within time',
        formula: '(Đã trả kết quả đúng hạn trong kỳ + đang giải quyết trong hạn cuối kỳ) ÷ (đã trả kết quả trong kỳ + đang giải quyết cuối kỳ)',
        formulaEn: '(Results returned on time in the period + in progress within time at its end) ÷ (results returned + in progress at its end)',
        max: 20,
        threshold: 1,
      },
    ],
  },
  {
    key: 'online',
    name: 'Cung cấp dịch vụ trực tuyến',
    nameEn: 'Online services',
    weight: 22,
    indicators: [
      {
        key: 'online_filing',
        name: 'Hồ sơ nộp trực tuyến',
        nameEn: 'Dossiers filed online',
        formula: 'Hồ sơ tiếp nhận trực tuyến trong kỳ ÷ hồ sơ tiếp nhận trong kỳ',
        formulaEn: 'Dossiers received online in the period ÷ dossiers received',
        max: 6,
        threshold: 0.5,
      },
      {
        key: 'online_payment',
        name: 'Hồ sơ có phí, lệ phí được thanh toán trực tuyến',
        nameEn: 'Fee-bearing dossiers paid online',
        formula: 'Hồ sơ có phí, lệ phí trả kết quả trong kỳ đã thanh toán trực tuyến ÷ hồ sơ có phí, lệ phí trả kết quả trong kỳ',
        formulaEn: 'Fee-bearing dossiers returned in the period that were paid online ÷ fee-bearing dossiers returned',
        max: 6,
        threshold: 0.3,
      },
      {
        key: 'full_online_procedures',
        name: 'Thủ tục cung cấp dịch vụ công trực tuyến toàn trình',
        nameEn: 'Procedures offered as full online services',
        formula: 'Thủ tục đang hiệu lực cuối kỳ cung cấp trực tuyến toàn trình ÷ thủ tục đang hiệu lực',
        formulaEn: 'Procedures in force at the end of the period offered fully online ÷ procedures in force',
        max: 10,
        threshold: 0.8,
      },
    ],
  },
  {
    key: 'satisfaction',
    name: 'Mức độ hài lòng',
    nameEn: 'Satisfaction',
    weight: 18,
    indicators: [
      {
        key: 'satisfied_ratings',
        name: 'Đánh giá không ở mức không hài lòng',
        nameEn: 'Ratings not dissatisfied',
        formula: '(Lượt đánh giá trong kỳ − lượt ở mức 1, 2) ÷ lượt đánh giá trong kỳ',
        formulaEn: '(Ratings in the period − those at level 1 or 2) ÷ ratings in the period',
        max: 12,
        threshold: 0.9,
      },
      {
        key: 'returned_on_time',
        name: 'Hồ sơ trả kết quả không quá hạn',
        nameEn: 'Results returned without delay',
        formula: 'Hồ sơ trả kết quả đúng hạn trong kỳ ÷ hồ sơ trả kết quả trong kỳ',
        formulaEn: 'Results returned on time in the period ÷ results returned',
        max: 6,
        threshold: 0.9,
      },
    ],
  },
  {
    key: 'digitisation',
    name: 'Số hóa hồ sơ, kết quả',
    nameEn: 'Digitisation',
    weight: 22,
    indicators: [
      {
        key: 'electronic_results',
        name: 'Hồ sơ có kết quả điện tử',
        nameEn: 'Dossiers with an electronic result',
        formula: 'Hồ sơ trả kết quả trong kỳ có kết quả điện tử ÷ hồ sơ trả kết quả trong kỳ',
        formulaEn: 'Dossiers returned in the period with an electronic result ÷ dossiers returned',
        max: 6,
        threshold: 1,
      },
      {
        key: 'paper_digitised',
        name: 'Hồ sơ giấy được số hóa thành phần',
        nameEn: 'Paper dossiers with digitised components',
        formula: 'Hồ sơ nộp trực tiếp, bưu chính trả kết quả trong kỳ có thành phần được số hóa ÷ hồ sơ nộp trực tiếp, bưu chính trả kết quả trong kỳ',
        formulaEn: 'Counter and postal dossiers returned in the period with digitised components ÷ counter and postal dossiers returned',
        max: 4,
        threshold: 0.8,
      },
      {
        key: 'fully_digitised',
        name: 'Hồ sơ được số hóa đầy đủ (thành phần và kết quả)',
        nameEn: 'Dossiers fully digitised (components and result)',
        formula: 'Hồ sơ trả kết quả trong kỳ có thành phần điện tử hoặc đã số hóa và kết quả điện tử ÷ hồ sơ trả kết quả trong kỳ',
        formulaEn: 'Dossiers returned in the period with electronic or digitised components and an electronic result ÷ dossiers returned',
        max: 10,
        threshold: 0.8,
      },
      {
        key: 'data_reused',
        name: 'Hồ sơ tái sử dụng dữ liệu số hóa',
        nameEn: 'Dossiers reusing digitised data',
        formula: 'Hồ sơ trả kết quả trong kỳ có thành phần lấy từ kho dữ liệu ÷ hồ sơ trả kết quả trong kỳ',
        formulaEn: 'Dossiers returned in the period with a component taken from the e-data repository ÷ dossiers returned',
        max: 2,
        threshold: 0.8,
      },
    ],
  },
];

/** Who reads the index: leaders, auditors, administrators (over the units they see). */
export const INDICATOR_ROLES = ['unit_leader', 'signing_leader', 'auditor', 'administrator'] as const;

/** min(max, ratio × max ÷ threshold), two decimals; max when there is nothing to measure. */
export function scoreOf(numerator: number, denominator: number, max: number, threshold: number): { ratio: number | null; score: number } {
  if (denominator <= 0) return { ratio: null, score: max };
  const ratio = numerator / denominator;
  return { ratio, score: round2(Math.min(max, (ratio * max) / threshold)) };
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

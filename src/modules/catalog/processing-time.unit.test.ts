import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutoffIn, formatTimeLimit, mapProcessingTime, NATIONAL_TIME_UNITS, readTimeLimitText } from './processing-time.ts';
import type { ProcedureData } from './national-format.ts';

const WORKFLOW: ProcedureData['workflow'] = [
  { step: 'receive', name: 'Tiếp nhận', role: 'receiving_officer', unit: 'U', workingDays: 0.5 },
  { step: 'examine', name: 'Thẩm định', role: 'specialist', unit: 'U', workingDays: 2 },
  { step: 'approve', name: 'Phê duyệt', role: 'signing_leader', unit: 'U', workingDays: 1 },
];

describe('national time units onto congso', () => {
  const table = Object.entries(NATIONAL_TIME_UNITS).flatMap(([unit, codes]) => codes.map((code) => [code, unit] as const));

  it('lists every unit the brief names', () => {
    expect(table.map(([c]) => c).sort()).toEqual(
      ['DAY', 'GIO', 'GIO_LAM_VIEC', 'HOUR', 'IN_DAY', 'NGAY', 'NGAY_LAM_VIEC', 'SAME_DAY', 'TRONG_NGAY', 'WORKING_DAY', 'WORKING_HOUR'].sort(),
    );
  });

  it.each(table)('%s maps to %s, keeping the number, whatever the description says', (code, unit) => {
    const m = mapProcessingTime({ processingTime: 7, processingTimeUnit: code, description: '30 ngày kể từ ngày nhận hồ sơ' });
    expect(m.processingTimeUnit).toBe(unit);
    expect(m.from).toBe('unit');
    expect(m.processingTime).toBe(7);
    expect(m.processingTimeText).toBeUndefined();
    // Codes are matched regardless of case and spaces.
    expect(mapProcessingTime({ processingTime: 7, processingTimeUnit: ` ${code.toLowerCase()} ` }).processingTimeUnit).toBe(unit);
  });

  it('a same-day unit takes its cut-off from the description', () => {
    for (const [text, cutoff] of [
      ['Trong ngày; nếu nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo', '15:00'],
      ['Ngay trong ngày, nhận sau 15 giờ 30 thì trả ngày làm việc tiếp theo', '15:30'],
      ['Trong ngày làm việc (hồ sơ nhận sau 15h trả vào ngày làm việc kế tiếp)', '15:00'],
      ['Trong ngày; sau 16h30 trả ngày hôm sau', '16:30'],
      ['Trong ngày làm việc', undefined],
    ] as const) {
      const m = mapProcessingTime({ processingTime: 1, processingTimeUnit: 'TRONG_NGAY', description: text });
      expect([m.processingTimeUnit, m.processingCutoff], text).toEqual(['SAME_DAY', cutoff]);
    }
    // congso's own field wins over the text.
    expect(
      mapProcessingTime({ processingTime: 1, processingTimeUnit: 'SAME_DAY', processingCutoff: '14:00', description: 'sau 15 giờ' }).processingCutoff,
    ).toBe('14:00');
  });

  it.each([
    ['05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ', 'WORKING_DAY', 5, undefined],
    ['Trong thời hạn 8 giờ làm việc kể từ khi nhận được hồ sơ đầy đủ', 'WORKING_HOUR', 8, undefined],
    ['trong vòng 4 giờ kể từ khi nhận hồ sơ', 'WORKING_HOUR', 4, undefined],
    ['30 ngày kể từ ngày nhận được hồ sơ đầy đủ, hợp lệ.', 'DAY', 30, undefined],
    ['0,5 ngày làm việc', 'WORKING_DAY', 0.5, undefined],
    ['Trong ngày', 'SAME_DAY', 1, undefined],
    ['Ngay trong ngày tiếp nhận hồ sơ; trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo.', 'SAME_DAY', 1, '15:00'],
    ['07 ngày làm việc; 07 ngày làm việc đối với hồ sơ nộp trực tuyến', 'WORKING_DAY', 7, undefined],
  ] as const)('OTHER with "%s" → %s %s', (description, unit, n, cutoff) => {
    const m = mapProcessingTime({ processingTime: 1, processingTimeUnit: 'OTHER', description });
    expect(m).toMatchObject({ from: 'text', processingTimeUnit: unit, processingTime: n, processingTimeText: description });
    expect(m.processingCutoff).toBe(cutoff);
  });

  it.each([
    ['', 'no-limit', '1 OTHER'],
    ['Theo quy định của pháp luật', 'no-limit', 'Theo quy định của pháp luật'],
    ['năm ngày làm việc', 'no-limit', 'năm ngày làm việc'],
    ['15 ngày làm việc để thẩm định; 05 ngày làm việc để cấp giấy', 'conflict', '15 ngày làm việc để thẩm định; 05 ngày làm việc để cấp giấy'],
    ['Trong ngày; trường hợp phức tạp không quá 03 ngày làm việc', 'conflict', 'Trong ngày; trường hợp phức tạp không quá 03 ngày làm việc'],
    ['10 ngày làm việc hoặc 15 ngày', 'conflict', '10 ngày làm việc hoặc 15 ngày'],
    [
      'Trong ngày; nhận trước 11 giờ trả buổi chiều, sau 15 giờ trả ngày hôm sau',
      'conflict',
      'Trong ngày; nhận trước 11 giờ trả buổi chiều, sau 15 giờ trả ngày hôm sau',
    ],
  ] as const)('OTHER with "%s" is kept unmapped (%s)', (description, problem, text) => {
    const m = mapProcessingTime({ processingTime: 1, processingTimeUnit: 'OTHER', description });
    expect(m).toEqual({ processingTime: 1, processingTimeUnit: 'OTHER', processingTimeText: text, from: 'none', problem });
  });

  it('an unknown unit is kept as imported, with its text', () => {
    expect(mapProcessingTime({ processingTime: 2, processingTimeUnit: 'THANG', description: null })).toMatchObject({
      processingTimeUnit: 'THANG',
      processingTimeText: '2 THANG',
      from: 'none',
    });
  });

  it('reads any stated count back, and never takes a cut-off or a date for a limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 365 }),
        fc.constantFrom(['ngày làm việc', 'WORKING_DAY'], ['giờ làm việc', 'WORKING_HOUR'], ['ngày', 'DAY']),
        fc.boolean(),
        fc.constantFrom(
          '',
          ' kể từ ngày nhận được hồ sơ đầy đủ, hợp lệ',
          ' (nộp trước ngày 15/3/2025)',
          '; hồ sơ nhận sau 16 giờ tính từ ngày làm việc tiếp theo',
        ),
        (n, [words, unit], padded, tail) => {
          const text = `Trong thời hạn ${padded ? String(n).padStart(2, '0') : n} ${words}${tail}`;
          expect(readTimeLimitText(text)).toEqual({ kind: 'limit', limit: { unit, n } });
        },
      ),
    );
  });

  it('finds cut-offs written in the usual ways', () => {
    expect(cutoffIn('nhận sau 15:00')).toBe('15:00');
    expect(cutoffIn('nhận sau 9h')).toBe('09:00');
    expect(cutoffIn('nhận sau 15 giờ 30 phút')).toBe('15:30');
    expect(cutoffIn('trả sau 15 giờ làm việc')).toBeUndefined();
    expect(cutoffIn('sau 25 giờ')).toBeUndefined();
  });
});

describe('a method limit as the pages show it', () => {
  const m = (processingTimeUnit: string, processingTime: number, more: Partial<ProcedureData['methods'][number]> = {}) => ({
    processingTime,
    processingTimeUnit,
    description: null,
    ...more,
  });

  it.each([
    [m('WORKING_DAY', 5), '05 ngày làm việc', '5 working days'],
    [m('WORKING_DAY', 15), '15 ngày làm việc', '15 working days'],
    [m('WORKING_DAY', 0.5), '4 giờ làm việc', '4 working hours'],
    [m('DAY', 30), '30 ngày', '30 days'],
    [m('WORKING_HOUR', 8), '08 giờ làm việc', '8 working hours'],
    [m('WORKING_HOUR', 1), '01 giờ làm việc', '1 working hour'],
    [m('SAME_DAY', 1), 'Trong ngày làm việc', 'Within the working day'],
    [
      m('SAME_DAY', 1, { processingCutoff: '15:00' }),
      'Trong ngày làm việc; nhận sau 15:00 trả trong ngày làm việc tiếp theo',
      'Within the working day; received after 15:00, returned the next working day',
    ],
    [
      m('OTHER', 1, { processingTimeText: 'Theo quy định' }),
      'Theo quy định (chưa quy đổi được; hạn tính theo quy trình: 04 ngày làm việc)',
      'Theo quy định (not converted; the limit counts the workflow: 4 working days)',
    ],
    [
      m('OTHER', 1),
      '1 OTHER (chưa quy đổi được; hạn tính theo quy trình: 04 ngày làm việc)',
      '1 OTHER (not converted; the limit counts the workflow: 4 working days)',
    ],
  ])('%o', (method, vi, en) => {
    expect(formatTimeLimit('vi', method, WORKFLOW)).toBe(vi);
    expect(formatTimeLimit('en', method, WORKFLOW)).toBe(en);
  });
});

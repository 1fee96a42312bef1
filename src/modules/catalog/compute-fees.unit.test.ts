import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeFees, feeCategories, feeKind, storedFee } from './compute-fees.ts';

const RETAIL = storedFee({
  type: 'CHARGE',
  value: 1_200_000,
  description: 'Phí thẩm định điều kiện kinh doanh bán lẻ rượu: 1.200.000 đồng/điểm kinh doanh/lần thẩm định',
  code: 'PHI-RUOU',
  per: { field: 'soDiemBan', label: 'số điểm kinh doanh' },
  reductions: [
    { category: 'ho-ngheo', label: 'Hộ nghèo', percent: 100 },
    { category: 'khuyet-tat', label: 'Người khuyết tật', labelEn: 'Person with a disability', percent: 50 },
  ],
  dueAt: 'filing',
});
const LICENCE = storedFee({ type: 'FEE', value: 300_000, description: 'Lệ phí cấp giấy phép', dueAt: 'filing' });
const LATER = storedFee({ type: 'FEE', value: 50_000, description: 'Lệ phí cấp bản sao' });
const NONE = storedFee({ type: 'CHARGE', value: 0, description: 'Không thu phí.' });

describe('computeFees', () => {
  it('multiplies a per-unit fee by its e-form field, adds the fixed ones, and keeps the fees due later for later', () => {
    const r = computeFees([RETAIL, LICENCE, LATER, NONE], { form: { soDiemBan: 3 }, dueAt: 'filing' });
    expect(r.problems).toEqual([]);
    expect(r.lines).toEqual([
      {
        code: 'PHI-RUOU',
        name: 'Phí thẩm định điều kiện kinh doanh bán lẻ rượu',
        kind: 1,
        unitAmount: 1_200_000,
        quantity: 3,
        reductionPercent: 0,
        amount: 3_600_000,
      },
      { code: 'FEE-2', name: 'Lệ phí cấp giấy phép', kind: 2, unitAmount: 300_000, quantity: 1, reductionPercent: 0, amount: 300_000 },
    ]);
    expect(r.total).toBe(3_900_000);
    expect(computeFees([RETAIL, LICENCE, LATER, NONE], { form: { soDiemBan: 3 }, dueAt: 'request' }).total).toBe(50_000);
  });

  it("reduces or waives a fee for the applicant's category, and only the fees that name it", () => {
    const half = computeFees([RETAIL, LICENCE], { form: { soDiemBan: '1' }, category: 'khuyet-tat', dueAt: 'filing' });
    expect(half.lines.map((l) => [l.reductionPercent, l.amount])).toEqual([
      [50, 600_000],
      [0, 300_000],
    ]);
    const waived = computeFees([RETAIL], { form: { soDiemBan: 2 }, category: 'ho-ngheo', dueAt: 'filing' });
    // The waived line stays on what the applicant sees, at 0: the receipt shows why nothing is owed.
    expect(waived.lines).toHaveLength(1);
    expect(waived.total).toBe(0);
    expect(feeCategories([RETAIL, LICENCE])).toEqual([
      { category: 'ho-ngheo', label: 'Hộ nghèo', labelEn: null },
      { category: 'khuyet-tat', label: 'Người khuyết tật', labelEn: 'Person with a disability' },
    ]);
  });

  it('names the e-form field a per-unit fee needs when it is missing or not a whole number', () => {
    for (const form of [{}, { soDiemBan: -1 }, { soDiemBan: 1.5 }, { soDiemBan: 'ba' }]) {
      const r = computeFees([RETAIL], { form, dueAt: 'filing' });
      expect(r.problems).toEqual([expect.objectContaining({ path: 'form.soDiemBan', message: expect.stringContaining('số điểm kinh doanh') })]);
      expect(r.lines).toEqual([]);
    }
  });

  it('CHARGE is a phí, FEE a lệ phí', () => {
    expect([feeKind('CHARGE'), feeKind('charge'), feeKind('FEE'), feeKind('LE_PHI')]).toEqual([1, 1, 2, 2]);
  });

  it('property: the total is the sum of whole-đồng lines, never more than without reductions, and each line is value × quantity × (1 − reduction)', () => {
    const fee = fc.record({
      value: fc.integer({ min: 0, max: 50_000_000 }),
      perUnit: fc.boolean(),
      percent: fc.integer({ min: 1, max: 100 }),
      dueAt: fc.constantFrom('filing' as const, 'request' as const),
    });
    fc.assert(
      fc.property(fc.array(fee, { maxLength: 6 }), fc.integer({ min: 0, max: 500 }), fc.boolean(), (specs, qty, reduced) => {
        const fees = specs.map((f, i) =>
          storedFee({
            type: i % 2 ? 'FEE' : 'CHARGE',
            value: f.value,
            description: `Khoản ${i + 1}`,
            ...(f.perUnit ? { per: { field: 'soLuong', label: 'số lượng' } } : {}),
            reductions: [{ category: 'uu-tien', label: 'Ưu tiên', percent: f.percent }],
            dueAt: f.dueAt,
          }),
        );
        const opts = { form: { soLuong: qty }, category: reduced ? 'uu-tien' : null, dueAt: 'filing' as const };
        const r = computeFees(fees, opts);
        const full = computeFees(fees, { ...opts, category: null });
        expect(r.total).toBe(r.lines.reduce((n, l) => n + l.amount, 0));
        expect(r.total).toBeLessThanOrEqual(full.total);
        for (const l of r.lines) {
          expect(Number.isInteger(l.amount)).toBe(true);
          expect(Math.abs(l.amount - (l.unitAmount * l.quantity * (100 - l.reductionPercent)) / 100)).toBeLessThanOrEqual(0.5);
        }
        const expectedFull = specs.filter((f) => f.dueAt === 'filing').reduce((n, f) => n + f.value * (f.perUnit ? qty : 1), 0);
        expect(full.total).toBe(expectedFull);
      }),
      { numRuns: 300, seed: 20261207 },
    );
  });
});

import type { ErrorDetail } from '../../platform/errors.ts';
import type { FeeReduction, ProcedureData } from './national-format.ts';

type StoredFee = ProcedureData['methods'][number]['fees'][number];

/** One line of what an applicant owes: a phí (kind 1) or a lệ phí (kind 2), as the payment platform numbers them. */
export interface FeeLine {
  code: string;
  name: string;
  kind: 1 | 2;
  unitAmount: number;
  quantity: number;
  reductionPercent: number;
  amount: number;
}

export interface FeesOwed {
  lines: FeeLine[];
  total: number;
}

/** The national format's CHARGE is a phí (a price for a public service), FEE a lệ phí (a charge for an act of the State). */
export const feeKind = (type: string): 1 | 2 => (type.toUpperCase() === 'CHARGE' ? 1 : 2);

/** A fee as stored on a procedure version, from the import format or the back office's edit: congso's fields only when given. */
export function storedFee(f: {
  type: string;
  value: number;
  description?: string | null;
  code?: string | null;
  per?: { field: string; label: string } | null;
  reductions?: FeeReduction[] | null;
  dueAt?: 'filing' | 'request' | null;
}): StoredFee {
  return {
    type: f.type,
    value: f.value,
    description: f.description || null,
    ...(f.code ? { code: f.code } : {}),
    ...(f.per ? { per: { field: f.per.field, label: f.per.label } } : {}),
    ...(f.reductions?.length ? { reductions: f.reductions } : {}),
    ...(f.dueAt ? { dueAt: f.dueAt } : {}),
  };
}

/** The categories a method's fees reduce for, each once, for the filing page's choice. */
export function feeCategories(fees: StoredFee[]): { category: string; label: string; labelEn: string | null }[] {
  const seen = new Map<string, { category: string; label: string; labelEn: string | null }>();
  for (const f of fees)
    for (const r of f.reductions ?? []) if (!seen.has(r.category)) seen.set(r.category, { category: r.category, label: r.label, labelEn: r.labelEn ?? null });
  return [...seen.values()];
}

const valueAt = (form: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), form);

/**
 * What a method's fees come to for one filing: each fee with a value, times its quantity (an
 * e-form field for per-unit fees), less the reduction of the applicant's declared category,
 * rounded to the đồng. `dueAt` picks the fees collected then (a fee without one is due on
 * request). Problems name the e-form field a per-unit fee needs.
 */
export function computeFees(
  fees: StoredFee[],
  opts: { form: unknown; category?: string | null; dueAt: 'filing' | 'request' },
): FeesOwed & { problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const lines: FeeLine[] = [];
  fees.forEach((f, i) => {
    if ((f.dueAt ?? 'request') !== opts.dueAt || !(f.value > 0)) return;
    let quantity = 1;
    if (f.per) {
      const raw = valueAt(opts.form, f.per.field);
      const q = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof q !== 'number' || !Number.isInteger(q) || q < 0 || q > 1_000_000) {
        problems.push({
          path: `form.${f.per.field}`,
          message: `Cần nhập ${f.per.label} (số nguyên không âm) để tính phí`,
          messageEn: `Enter the ${f.per.label} (a whole number, not negative) to work out the fee`,
        });
        return;
      }
      quantity = q;
    }
    const reduction = opts.category ? (f.reductions ?? []).find((r) => r.category === opts.category) : undefined;
    const reductionPercent = reduction?.percent ?? 0;
    const unitAmount = Math.round(f.value);
    const amount = Math.round((unitAmount * quantity * (100 - reductionPercent)) / 100);
    lines.push({
      code: f.code || `${f.type.toUpperCase()}-${i + 1}`,
      name: feeName(f),
      kind: feeKind(f.type),
      unitAmount,
      quantity,
      reductionPercent,
      amount,
    });
  });
  const owed = lines.filter((l) => l.amount > 0 || l.reductionPercent === 100);
  return { lines: owed, total: owed.reduce((n, l) => n + l.amount, 0), problems };
}

/** A fee's name for a receipt: its description's first clause ("Phí thẩm định …"), else its kind. */
function feeName(f: StoredFee): string {
  const d = (f.description ?? '').split(/[:;\n]/)[0].trim();
  if (d) return d.length > 200 ? `${d.slice(0, 199)}…` : d;
  return feeKind(f.type) === 1 ? 'Phí' : 'Lệ phí';
}

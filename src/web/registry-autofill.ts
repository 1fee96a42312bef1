import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { lookupFieldsOf, type LookupField } from '../modules/catalog/eform-lookup.ts';
import { lookUpBusiness, type BusinessView } from '../modules/business-registry/look-up-business.ts';
import { t } from './components/layout.tsx';
import { setLookupNotes } from './components/registry-lookup.tsx';
import type { FormErrors } from './pages/portal/dossier-file.tsx';

/**
 * The e-form filled from the business registry (issue 16 item 4) on the filing forms of the
 * portal and the counter: "Tra cứu" pressed without JavaScript (`intent=lookup:<key>`), and a
 * business that signed in with VNeID finding its own details already there.
 */

/** The tax code field a "Tra cứu" button names, or null for any other intent. */
export function lookupIntentOf(intent: unknown): string | null {
  const m = typeof intent === 'string' ? /^lookup:([A-Za-z0-9_]{1,100})$/.exec(intent) : null;
  return m ? m[1] : null;
}

function fill(form: Record<string, unknown>, field: LookupField, b: BusinessView): Record<string, unknown> {
  // The e-form keeps a branch's code as 13 digits, as the national format writes it.
  const out: Record<string, unknown> = { ...form, [field.key]: b.taxCode.replace('-', '') };
  for (const [from, to] of Object.entries(field.fill)) out[to] = b[from as keyof typeof field.fill];
  return out;
}

function note(req: FastifyRequest, field: LookupField, b: BusinessView, lead: string) {
  const status = t(req, b.statusLabel.vi, b.statusLabel.en);
  const notice = b.notice ? ` ${t(req, b.notice.vi, b.notice.en)}.` : '';
  setLookupNotes(req, { [`f.${field.key}`]: { text: `${lead} ${b.name} (${status}).${notice}`, kind: b.notice ? 'warning' : 'info' } });
}

/**
 * "Tra cứu" without JavaScript: the form as posted, with the business the tax code names filled
 * in; a code that is malformed or unknown, or a registry that does not answer, becomes an error
 * next to the field (the rest of the form is kept as typed).
 */
export async function fillFromRegistry(ctx: Ctx, req: FastifyRequest, schema: unknown, form: Record<string, unknown>, key: string, errors: FormErrors) {
  const field = lookupFieldsOf(schema).find((f) => f.key === key);
  if (!field) return form;
  const name = `f.${key}`;
  const fail = (text: string) => {
    errors.fields[name] ??= text;
    errors.summary.push({ href: `#${name.replace(/\./g, '-')}`, text });
    return form;
  };
  const raw = String(form[key] ?? '').trim();
  if (!raw) return fail(t(req, 'Nhập mã số thuế rồi bấm «Tra cứu»', 'Enter the tax code, then press “Look up”'));
  try {
    const b = await lookUpBusiness(ctx, req.principal!, raw);
    note(
      req,
      field,
      b,
      t(req, 'Đã điền thông tin doanh nghiệp từ Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp:', 'Filled in from the national business registry:'),
    );
    return fill(form, field, b);
  } catch (e) {
    if (!(e instanceof AppError) || (e.status >= 500 && e.code !== 'GATEWAY_UNAVAILABLE')) throw e;
    return fail(t(req, e.text.vi, e.text.en));
  }
}

/**
 * A business signed in through VNeID opens a form with a tax code field: its own details from
 * the registry are filled in (its tax code alone when the registry cannot be asked now).
 */
export async function prefillOwnBusiness(ctx: Ctx, req: FastifyRequest, schema: unknown): Promise<Record<string, unknown>> {
  const p = req.principal;
  const field = lookupFieldsOf(schema)[0];
  if (!field || p?.kind !== 'citizen' || p.citizenKind !== 'business' || !p.identifier) return {};
  try {
    const b = await lookUpBusiness(ctx, p, p.identifier);
    note(
      req,
      field,
      b,
      t(
        req,
        'Thông tin doanh nghiệp của bạn đã được điền sẵn từ Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp:',
        'Your business details are filled in from the national business registry:',
      ),
    );
    return fill({}, field, b);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    // Unknown to the registry, or the registry unreachable: the form opens with the tax code the account holds, nothing more.
    return { [field.key]: p.identifier };
  }
}

import type { FastifyRequest } from 'fastify';
import type { LookupField } from '../../modules/catalog/eform-lookup.ts';
import { t } from './layout.tsx';

/** What a lookup said, shown under its button (by the tax code field's name, `f.maSoThue`). */
export interface LookupNote {
  text: string;
  /** `warning`: the business is found but not trading (ceased, suspended). */
  kind: 'info' | 'warning';
}

// Request-scoped: the filing routes set what their lookup found, the e-form shows it, and no page in between carries it.
const notes = new WeakMap<FastifyRequest, Record<string, LookupNote>>();
export const setLookupNotes = (req: FastifyRequest, n: Record<string, LookupNote>) => void notes.set(req, { ...notes.get(req), ...n });
export const lookupNoteOf = (req: FastifyRequest, name: string): LookupNote | undefined => notes.get(req)?.[name];

/**
 * "Tra cứu" beside a tax code field (issue 16 item 4). Without JavaScript it is a submit button
 * (`intent=lookup:<key>`): the server looks the business up and shows the form again, filled.
 * With it, app.js asks GET /api/v1/business-registry/{code} and fills the fields named in
 * `data-fill` (the registry's field → the input's id) in place; either way what the lookup said
 * is read out from the status line under it.
 */
export function LookupButton({ req, id, k, label, field }: { req: FastifyRequest; id: string; k: string; label: string; field: LookupField }) {
  const fill = Object.fromEntries(Object.entries(field.fill).map(([from, to]) => [from, `f-${to}`]));
  const note = lookupNoteOf(req, `f.${k}`);
  return (
    <div class="cs-lookup">
      <button
        type="submit"
        name="intent"
        value={`lookup:${k}`}
        class="govuk-button govuk-button--secondary cs-lookup__button"
        data-registry-lookup={id}
        data-fill={JSON.stringify(fill)}
        data-filled={t(
          req,
          'Đã điền thông tin doanh nghiệp từ Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp:',
          'Filled in from the national business registry:',
        )}
        data-failed={t(
          req,
          'Chưa tra cứu được; vui lòng thử lại hoặc nhập thông tin doanh nghiệp.',
          'The lookup did not work; try again or enter the business details.',
        )}
        data-empty={t(req, 'Nhập mã số thuế rồi bấm «Tra cứu».', 'Enter the tax code, then press “Look up”.')}
      >
        {t(req, 'Tra cứu', 'Look up')}
        <span class="govuk-visually-hidden"> {label}</span>
      </button>
      <p id={`${id}-lookup`} class={`govuk-body cs-lookup__status${note?.kind === 'warning' ? ' govuk-!-font-weight-bold' : ''}`} role="status">
        {note?.text ?? ''}
      </p>
    </div>
  );
}

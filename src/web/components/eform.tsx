import type { FastifyRequest } from 'fastify';
import { t, TableWrap } from './layout.tsx';

/** The subset of JSON Schema with congso's UI hints that e-forms use (see demo/procedures). */
export interface FieldSchema {
  type?: string;
  title?: string;
  'x-title-en'?: string;
  description?: string;
  enum?: string[];
  'x-enum-titles'?: string[];
  format?: string;
  maxLength?: number;
  'x-ui'?: { widget?: string; order?: number; placeholder?: string };
  items?: { type?: string; properties?: Record<string, FieldSchema>; required?: string[] };
  properties?: Record<string, FieldSchema>;
  required?: string[];
}

const label = (req: FastifyRequest, key: string, s: FieldSchema) => (req.lang === 'en' && s['x-title-en'] ? s['x-title-en'] : (s.title ?? key));
const ordered = (props: Record<string, FieldSchema>) => Object.entries(props).sort(([, a], [, b]) => (a['x-ui']?.order ?? 99) - (b['x-ui']?.order ?? 99));

/** Field id for a JSON path such as form.hangHoa[0].moTa → f.hangHoa.0.moTa. */
export const fieldName = (path: string) => `f.${path.replace(/^form\./, '').replace(/\[(\d+)\]/g, '.$1')}`;
const idOf = (name: string) => name.replace(/\./g, '-');

export interface EFormProps {
  req: FastifyRequest;
  schema: FieldSchema | null;
  values: Record<string, unknown>;
  /** Messages by field name (`f.x`). */
  errors: Record<string, string>;
  readOnly?: boolean;
}

/**
 * Renders a procedure's e-form from its JSON Schema, Vietnamese first: the page and the
 * server's validation read the same schema, so they cannot disagree.
 */
export function EForm({ req, schema, values, errors, readOnly }: EFormProps) {
  if (!schema?.properties) return null;
  const required = new Set(schema.required ?? []);
  return (
    <>
      {ordered(schema.properties).map(([key, s]) =>
        s.type === 'array' && s.items?.properties ? (
          <TableField req={req} name={`f.${key}`} s={s} rows={(values[key] as Record<string, unknown>[] | undefined) ?? []} errors={errors} readOnly={readOnly} required={required.has(key)} k={key} />
        ) : (
          <Field req={req} name={`f.${key}`} k={key} s={s} value={values[key]} error={errors[`f.${key}`]} required={required.has(key)} readOnly={readOnly} />
        ),
      )}
    </>
  );
}

function Field({ req, name, k, s, value, error, required, readOnly, inTable }: { req: FastifyRequest; name: string; k: string; s: FieldSchema; value: unknown; error?: string; required: boolean; readOnly?: boolean; inTable?: boolean }) {
  const id = idOf(name);
  const text = value === undefined || value === null ? '' : String(value);
  const widget = s.enum ? 'select' : (s['x-ui']?.widget ?? (s.format === 'date' ? 'date' : s.format === 'email' ? 'email' : s.type === 'number' || s.type === 'integer' ? 'number' : 'text'));
  const describedBy = error ? `${id}-error` : undefined;
  const cls = (base: string) => `${base}${error ? ` ${base}--error` : ''}`;
  const control =
    widget === 'select' ? (
      <select class={cls('govuk-select')} id={id} name={name} disabled={readOnly} aria-describedby={describedBy}>
        <option value="">{t(req, '— Chọn —', '— Choose —')}</option>
        {s.enum!.map((v, i) => <option value={v} selected={v === text}>{s['x-enum-titles']?.[i] ?? v}</option>)}
      </select>
    ) : widget === 'textarea' ? (
      <textarea class={cls('govuk-textarea')} id={id} name={name} rows={3} readOnly={readOnly} aria-describedby={describedBy}>{text}</textarea>
    ) : (
      <input
        class={cls('govuk-input')}
        id={id}
        name={name}
        type={(widget === 'date' ? 'date' : widget === 'email' ? 'email' : 'text') as 'text'}
        inputMode={widget === 'number' ? 'decimal' : undefined}
        value={text}
        readOnly={readOnly}
        maxLength={s.maxLength}
        aria-describedby={describedBy}
      />
    );
  if (inTable) return <>{error ? <p id={`${id}-error`} class="govuk-error-message">{error}</p> : null}{control}</>;
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label" for={id}>
        {label(req, k, s)}
        {required ? <span aria-hidden="true"> *</span> : <span class="cs-meta"> {t(req, '(không bắt buộc)', '(optional)')}</span>}
      </label>
      {s.description ? <div class="govuk-hint">{s.description}</div> : null}
      {error ? <p id={`${id}-error`} class="govuk-error-message"><span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {error}</p> : null}
      {control}
    </div>
  );
}

function TableField({ req, name, k, s, rows, errors, readOnly, required }: { req: FastifyRequest; name: string; k: string; s: FieldSchema; rows: Record<string, unknown>[]; errors: Record<string, string>; readOnly?: boolean; required: boolean }) {
  const cols = ordered(s.items!.properties!);
  const n = readOnly ? rows.length : Math.max(3, rows.length + 1);
  const tableError = errors[name];
  return (
    <div class={`govuk-form-group${tableError ? ' govuk-form-group--error' : ''}`}>
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{label(req, k, s)}{required ? <span aria-hidden="true"> *</span> : null}</legend>
        {tableError ? <p class="govuk-error-message">{tableError}</p> : null}
        <TableWrap label={label(req, k, s)}>
          <table class="govuk-table">
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">#</th>
                {cols.map(([ck, cs]) => <th scope="col" class="govuk-table__header">{label(req, ck, cs)}</th>)}
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {Array.from({ length: n }, (_, i) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell">{i + 1}</td>
                  {cols.map(([ck, cs]) => (
                    <td class="govuk-table__cell">
                      <label class="govuk-visually-hidden" for={idOf(`${name}.${i}.${ck}`)}>{`${label(req, ck, cs)} ${i + 1}`}</label>
                      <Field req={req} name={`${name}.${i}.${ck}`} k={ck} s={cs} value={rows[i]?.[ck]} error={errors[`${name}.${i}.${ck}`]} required={false} readOnly={readOnly} inTable />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </fieldset>
    </div>
  );
}

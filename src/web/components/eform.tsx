import type { FastifyRequest } from 'fastify';
import { choicesOf, deref, descriptionOf, isList, isTable, labelOf, orderedProperties, type EFormNode } from '../../modules/dossiers/eform.ts';
import { t } from './layout.tsx';
import { lookupFieldsOf, type LookupField } from '../../modules/catalog/eform-lookup.ts';
import { LookupButton } from './registry-lookup.tsx';

/** The subset of JSON Schema with congso's UI hints that e-forms use (see demo/procedures). */
export type FieldSchema = EFormNode;

/** Field name for a JSON path such as form.hangHoa[0].moTa → f.hangHoa.0.moTa. */
export const fieldName = (path: string) => `f.${path.replace(/^form\./, '').replace(/\[(\d+)\]/g, '.$1')}`;
/** The input's id for a field name: f.hangHoa.0.moTa → f-hangHoa-0-moTa (the error summary links to it). */
export const idOf = (name: string) => name.replace(/\./g, '-');

export interface EFormProps {
  req: FastifyRequest;
  schema: FieldSchema | null;
  /** The answers; a table's rows may include empty ones (`{}`), shown as empty rows. */
  values: Record<string, unknown>;
  /** Messages by field name (`f.x`, `f.table.0.col`). */
  errors: Record<string, string>;
  readOnly?: boolean;
}

/**
 * Renders a procedure's e-form from its JSON Schema, Vietnamese first (English labels, hints
 * and choices where the schema has them): the page and the server's validation read the
 * same schema, so they cannot disagree.
 */
export function EForm({ req, schema, values, errors, readOnly }: EFormProps) {
  if (!schema?.properties) return null;
  const root = schema;
  const required = new Set(schema.required ?? []);
  // Tax code fields filled from the business registry get "Tra cứu" (issue 16).
  const lookups = new Map(readOnly ? [] : lookupFieldsOf(schema).map((f) => [f.key, f]));
  return (
    <>
      {orderedProperties(root, root).map(([key, s]) =>
        isTable(root, s) ? (
          <TableField req={req} root={root} k={key} s={s} rows={values[key]} errors={errors} readOnly={readOnly} required={required.has(key)} />
        ) : isList(root, s) ? (
          <ListField req={req} root={root} k={key} s={s} value={values[key]} error={errors[`f.${key}`]} required={required.has(key)} readOnly={readOnly} />
        ) : (
          <Field
            req={req}
            name={`f.${key}`}
            k={key}
            s={s}
            value={values[key]}
            error={errors[`f.${key}`]}
            required={required.has(key)}
            readOnly={readOnly}
            lookup={lookups.get(key)}
          />
        ),
      )}
    </>
  );
}

function Control({
  req,
  id,
  name,
  s,
  value,
  error,
  describedBy,
  readOnly,
}: {
  req: FastifyRequest;
  id: string;
  name: string;
  s: FieldSchema;
  value: unknown;
  error?: string;
  describedBy?: string;
  readOnly?: boolean;
}) {
  const text = value === undefined || value === null ? '' : String(value);
  const choices =
    choicesOf(s, req.lang) ??
    (s.type === 'boolean'
      ? [
          { value: true, label: t(req, 'Có', 'Yes') },
          { value: false, label: t(req, 'Không', 'No') },
        ]
      : null);
  const widget = choices
    ? 'select'
    : (s['x-ui']?.widget ?? (s.format === 'date' ? 'date' : s.format === 'email' ? 'email' : s.type === 'number' || s.type === 'integer' ? 'number' : 'text'));
  const cls = (base: string) => `${base}${error ? ` ${base}--error` : ''}`;
  if (widget === 'select') {
    return (
      <select class={cls('govuk-select')} id={id} name={name} disabled={readOnly} aria-describedby={describedBy}>
        <option value="">{t(req, '— Chọn —', '— Choose —')}</option>
        {choices!.map((c) => (
          <option value={String(c.value)} selected={String(c.value) === text}>
            {c.label}
          </option>
        ))}
      </select>
    );
  }
  if (widget === 'textarea')
    return (
      <textarea class={cls('govuk-textarea')} id={id} name={name} rows={3} readOnly={readOnly} aria-describedby={describedBy}>
        {text}
      </textarea>
    );
  return (
    <input
      class={cls('govuk-input')}
      id={id}
      name={name}
      type={(widget === 'date' ? 'date' : widget === 'email' ? 'email' : 'text') as 'text'}
      inputMode={widget === 'number' ? (s.type === 'integer' ? 'numeric' : 'decimal') : undefined}
      value={text}
      readOnly={readOnly}
      maxLength={s.maxLength}
      aria-describedby={describedBy}
    />
  );
}

function Field({
  req,
  name,
  k,
  s,
  value,
  error,
  required,
  readOnly,
  lookup,
}: {
  req: FastifyRequest;
  name: string;
  k: string;
  s: FieldSchema;
  value: unknown;
  error?: string;
  required: boolean;
  readOnly?: boolean;
  lookup?: LookupField;
}) {
  const id = idOf(name);
  const hint = descriptionOf(s, req.lang);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label" for={id}>
        {labelOf(s, k, req.lang)}
        {required ? <span aria-hidden="true"> *</span> : <span class="cs-meta"> {t(req, '(không bắt buộc)', '(optional)')}</span>}
      </label>
      {hint ? (
        <div class="govuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <p id={`${id}-error`} class="govuk-error-message">
          <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {error}
        </p>
      ) : null}
      <Control req={req} id={id} name={name} s={s} value={value} error={error} describedBy={describedBy} readOnly={readOnly} />
      {lookup ? <LookupButton req={req} id={id} k={k} label={labelOf(s, k, req.lang)} field={lookup} /> : null}
    </div>
  );
}

/**
 * A list of plain values: checkboxes `f.<key>.<i>` (one per choice: a form keeps one value per
 * name) when the items have choices, else a text area with one value a line.
 */
function ListField({
  req,
  root,
  k,
  s,
  value,
  error,
  required,
  readOnly,
}: {
  req: FastifyRequest;
  root: FieldSchema;
  k: string;
  s: FieldSchema;
  value: unknown;
  error?: string;
  required: boolean;
  readOnly?: boolean;
}) {
  const items = deref(root, s.items);
  const choices = choicesOf(items, req.lang);
  const id = idOf(`f.${k}`);
  const given = Array.isArray(value) ? value : [];
  const hint =
    descriptionOf(s, req.lang) ?? (choices ? t(req, 'Chọn một hoặc nhiều.', 'Choose one or more.') : t(req, 'Mỗi dòng một giá trị.', 'One value a line.'));
  const describedBy = [`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const mark = required ? <span aria-hidden="true"> *</span> : <span class="cs-meta"> {t(req, '(không bắt buộc)', '(optional)')}</span>;
  const errorLine = error ? (
    <p id={`${id}-error`} class="govuk-error-message">
      <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {error}
    </p>
  ) : null;
  if (!choices) {
    return (
      <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
        <label class="govuk-label" for={id}>
          {labelOf(s, k, req.lang)}
          {mark}
        </label>
        <div class="govuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
        {errorLine}
        <textarea
          class={`govuk-textarea${error ? ' govuk-textarea--error' : ''}`}
          id={id}
          name={`f.${k}`}
          rows={4}
          readOnly={readOnly}
          aria-describedby={describedBy}
        >
          {given.map(String).join('\n')}
        </textarea>
      </div>
    );
  }
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <fieldset class="govuk-fieldset" aria-describedby={describedBy}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
          {labelOf(s, k, req.lang)}
          {mark}
        </legend>
        <div class="govuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
        {errorLine}
        <div class="govuk-checkboxes govuk-checkboxes--small">
          {choices.map((c, i) => (
            <div class="govuk-checkboxes__item">
              <input
                class="govuk-checkboxes__input"
                id={i === 0 ? id : `${id}-${i}`}
                name={`f.${k}.${i}`}
                type="checkbox"
                value={String(c.value)}
                checked={given.includes(c.value)}
                disabled={readOnly}
              />
              <label class="govuk-label govuk-checkboxes__label" for={i === 0 ? id : `${id}-${i}`}>
                {c.label}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/**
 * The input an error at a JSON path goes next to: the field itself, or for an item of a list
 * of plain values, the list (its text area or first checkbox).
 */
export function inputNameFor(schema: FieldSchema | null | undefined, path: string): string {
  const name = fieldName(path);
  if (!schema?.properties) return name;
  const [, key] = name.split('.');
  return key && isList(schema, deref(schema, schema.properties[key])) ? `f.${key}` : name;
}

/** One row of a table field: a fieldset "Dòng 1" whose cells are labelled inputs, and its "Xóa dòng" button. */
function Row({
  req,
  k,
  i,
  cols,
  colRequired,
  row,
  errors,
  readOnly,
  removable,
}: {
  req: FastifyRequest;
  k: string;
  i: number | '__ROW__';
  cols: [string, FieldSchema][];
  colRequired: Set<string>;
  row: Record<string, unknown>;
  errors: Record<string, string>;
  readOnly?: boolean;
  removable: boolean;
}) {
  const n = typeof i === 'number' ? String(i + 1) : '__NUM__';
  return (
    <fieldset class="govuk-fieldset cs-eform-row" data-eform-row="">
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, `Dòng ${n}`, `Row ${n}`)}</legend>
      <div class="cs-eform-row__cells">
        {cols.map(([ck, cs]) => (
          <Field
            req={req}
            name={`f.${k}.${i}.${ck}`}
            k={ck}
            s={cs}
            value={row[ck]}
            error={errors[`f.${k}.${i}.${ck}`]}
            required={colRequired.has(ck)}
            readOnly={readOnly}
          />
        ))}
      </div>
      {readOnly ? null : (
        <button
          type="submit"
          name="intent"
          value={`remove-row:${k}:${i}`}
          class="govuk-button govuk-button--secondary cs-eform-row__remove"
          data-eform-remove=""
          hidden={!removable}
        >
          {t(req, 'Xóa dòng', 'Remove row')}
          <span class="govuk-visually-hidden"> {n}</span>
        </button>
      )}
    </fieldset>
  );
}

/**
 * A table of the e-form (an array of objects) as stacked rows, which fit a phone: each row a
 * fieldset of labelled inputs. Without JavaScript "Thêm dòng" and "Xóa dòng" are submit
 * buttons (the server shows the form again with a row more or less, keeping what was typed);
 * with it, app.js adds and removes rows in place from the row template.
 */
function TableField({
  req,
  root,
  k,
  s,
  rows,
  errors,
  readOnly,
  required,
}: {
  req: FastifyRequest;
  root: FieldSchema;
  k: string;
  s: FieldSchema;
  rows: unknown;
  errors: Record<string, string>;
  readOnly?: boolean;
  required: boolean;
}) {
  const items = deref(root, s.items)!;
  const cols = orderedProperties(root, items);
  const colRequired = new Set(items.required ?? []);
  const min = s.minItems ?? 0;
  const max = Math.min(s.maxItems ?? 100, 100);
  const given = Array.isArray(rows) ? rows.map((r) => (typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : {})) : null;
  const list = given ?? Array.from({ length: Math.max(min, 1) }, () => ({}));
  const name = `f.${k}`;
  const id = idOf(name);
  const label = labelOf(s, k, req.lang);
  const hint = descriptionOf(s, req.lang);
  const tableError = errors[name];
  const describedBy = [hint ? `${id}-hint` : '', tableError ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div
      class={`govuk-form-group cs-eform-table${tableError ? ' govuk-form-group--error' : ''}`}
      data-eform-table={k}
      data-min={String(min)}
      data-max={String(max)}
    >
      <fieldset class="govuk-fieldset" id={id} tabindex={-1} aria-describedby={describedBy}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
          {label}
          {required ? <span aria-hidden="true"> *</span> : <span class="cs-meta"> {t(req, '(không bắt buộc)', '(optional)')}</span>}
        </legend>
        {hint ? (
          <div class="govuk-hint" id={`${id}-hint`}>
            {hint}
          </div>
        ) : null}
        {tableError ? (
          <p id={`${id}-error`} class="govuk-error-message">
            <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {tableError}
          </p>
        ) : null}
        <div class="cs-eform-rows" data-eform-rows="">
          {list.map((row, i) => (
            <Row req={req} k={k} i={i} cols={cols} colRequired={colRequired} row={row} errors={errors} readOnly={readOnly} removable={list.length > min} />
          ))}
        </div>
        {readOnly ? null : (
          <>
            <template data-eform-template="">
              <Row req={req} k={k} i="__ROW__" cols={cols} colRequired={colRequired} row={{}} errors={{}} removable />
            </template>
            <button
              type="submit"
              name="intent"
              value={`add-row:${k}`}
              class="govuk-button govuk-button--secondary"
              data-eform-add=""
              hidden={list.length >= max}
            >
              {t(req, 'Thêm dòng', 'Add a row')}
              <span class="govuk-visually-hidden">{` — ${label}`}</span>
            </button>
          </>
        )}
      </fieldset>
    </div>
  );
}

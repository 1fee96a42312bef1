import type { FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { CalendarYear, OfficeHoursEntry } from '../../../modules/calendar/schemas.ts';
import { dayNumberOf, daysInMonth, weekdayOf } from '../../../modules/calendar/dates.ts';
import { Csrf, ErrorSummary, Layout, t, TableWrap } from '../../components/layout.tsx';
import { formatDate, formatDateTime } from '../../../platform/i18n/index.ts';

export type FormError = { field: string; text: string };

export interface CalendarPageProps {
  req: FastifyRequest;
  view: CalendarYear;
  canEdit: boolean;
  errors?: FormError[];
  /** The text the administrator typed, re-shown after an error. */
  values?: { daysOff?: string; makeUpWorkingDays?: string };
  notice?: 'saved' | 'reset' | 'hours-saved' | 'hours-reset';
  /** Office hours: the default and each unit's own, with the units to choose from. */
  hours?: OfficeHoursSection;
  hoursErrors?: FormError[];
  /** What the administrator typed in the office-hours form, re-shown after an error. */
  hoursValues?: { unit?: string; periods?: string };
}

export interface OfficeHoursSection {
  default: OfficeHoursEntry;
  units: (OfficeHoursEntry & { unitName: string | null })[];
  choices: { code: string; name: string }[];
  /** The unit whose hours the form starts from ('*': the default). */
  editing: OfficeHoursEntry;
}

/** Office hours as typed in the form: one period per line, "08:00-12:00". */
export const periodsText = (periods: readonly { start: string; end: string }[]) => periods.map((p) => `${p.start}-${p.end}`).join('\n');

// Weeks start on Monday, as on Vietnamese calendars.
const WEEKDAYS = [
  { vi: 'T2', viFull: 'Thứ Hai', en: 'Mon', enFull: 'Monday' },
  { vi: 'T3', viFull: 'Thứ Ba', en: 'Tue', enFull: 'Tuesday' },
  { vi: 'T4', viFull: 'Thứ Tư', en: 'Wed', enFull: 'Wednesday' },
  { vi: 'T5', viFull: 'Thứ Năm', en: 'Thu', enFull: 'Thursday' },
  { vi: 'T6', viFull: 'Thứ Sáu', en: 'Fri', enFull: 'Friday' },
  { vi: 'T7', viFull: 'Thứ Bảy', en: 'Sat', enFull: 'Saturday' },
  { vi: 'CN', viFull: 'Chủ nhật', en: 'Sun', enFull: 'Sunday' },
];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number) => String(n).padStart(2, '0');
const mondayFirst = (dayNumber: number) => (weekdayOf(dayNumber) + 6) % 7;

export function formatDay(req: FastifyRequest, iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  const w = WEEKDAYS[mondayFirst(dayNumberOf(y, m, d))];
  return t(req, `${w.viFull}, ${formatDate('vi', iso)}`, `${w.enFull} ${formatDate('en', iso)}`);
}

type DayKind = 'off' | 'makeup' | 'weekend' | 'work';

function Month({ req, year, month, off, makeUp }: { req: FastifyRequest; year: number; month: number; off: Map<string, string>; makeUp: Set<string> }) {
  const first = mondayFirst(dayNumberOf(year, month, 1));
  const days = daysInMonth(year, month);
  const cells: (number | null)[] = [...Array<null>(first).fill(null), ...Array.from({ length: days }, (_, i) => i + 1)];
  while (cells.length % 7) cells.push(null);
  const weeks: (number | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return (
    <table class="govuk-table cs-cal__month">
      <caption class="govuk-table__caption govuk-table__caption--s">{t(req, `Tháng ${month} năm ${year}`, `${MONTHS_EN[month - 1]} ${year}`)}</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {WEEKDAYS.map((w) => (
            <th scope="col" class="govuk-table__header cs-cal__weekday">
              <abbr title={t(req, w.viFull, w.enFull)}>{t(req, w.vi, w.en)}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {weeks.map((week) => (
          <tr class="govuk-table__row">
            {week.map((d, col) => {
              if (d === null) return <td class="govuk-table__cell cs-cal__day cs-cal__day--blank" />;
              const iso = `${year}-${pad(month)}-${pad(d)}`;
              const name = off.get(iso);
              const kind: DayKind = name !== undefined ? 'off' : makeUp.has(iso) ? 'makeup' : col >= 5 ? 'weekend' : 'work';
              return (
                <td class={`govuk-table__cell cs-cal__day cs-cal__day--${kind}`}>
                  {kind === 'off' ? (
                    <>
                      <strong>{d}</strong>{' '}
                      <strong class="govuk-tag govuk-tag--red cs-cal__mark" aria-hidden="true" title={name}>
                        {t(req, 'N', 'O')}
                      </strong>
                      <span class="govuk-visually-hidden">{t(req, `: nghỉ — ${name}`, `: day off — ${name}`)}</span>
                    </>
                  ) : kind === 'makeup' ? (
                    <>
                      <strong>{d}</strong>{' '}
                      <strong class="govuk-tag govuk-tag--green cs-cal__mark" aria-hidden="true">
                        {t(req, 'LB', 'MU')}
                      </strong>
                      <span class="govuk-visually-hidden">{t(req, ': ngày làm bù', ': make-up working day')}</span>
                    </>
                  ) : (
                    d
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Field({
  req,
  id,
  label,
  hint,
  error,
  children,
}: {
  req: FastifyRequest;
  id: string;
  label: string;
  hint: string;
  error?: string;
  children: preact.ComponentChildren;
}) {
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label govuk-label--s" for={id}>
        {label}
      </label>
      <div id={`${id}-hint`} class="govuk-hint">
        {hint}
      </div>
      {error ? (
        <p id={`${id}-error`} class="govuk-error-message">
          <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {error}
        </p>
      ) : null}
      {children}
    </div>
  );
}

function OfficeHours({
  req,
  year,
  hours,
  canEdit,
  errors,
  values,
}: {
  req: FastifyRequest;
  year: number;
  hours: OfficeHoursSection;
  canEdit: boolean;
  errors: FormError[];
  values: { unit?: string; periods?: string };
}) {
  const fieldErrors = (f: string) => errors.filter((e) => e.field === f).map((e) => e.text);
  const describedBy = (id: string) => [`${id}-hint`, fieldErrors(id).length ? `${id}-error` : ''].filter(Boolean).join(' ');
  const shown = (e: OfficeHoursEntry) => e.periods.map((p) => `${p.start}–${p.end}`).join(', ');
  const updated = (e: OfficeHoursEntry) => (e.updatedAt ? `${formatDateTime('vi', e.updatedAt)}${e.updatedBy ? ` (${e.updatedBy})` : ''}` : '');
  const removeForm = (unitCode: string, label: string, hidden: string) => (
    <form method="post" action="/can-bo/lich-lam-viec/gio-lam-viec">
      <Csrf req={req} />
      <input type="hidden" name="year" value={String(year)} />
      <input type="hidden" name="unit" value={unitCode} />
      <input type="hidden" name="action" value="reset" />
      <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
        {label}
        <span class="govuk-visually-hidden"> {hidden}</span>
      </button>
    </form>
  );
  const editLink = (unitCode: string, hidden: string) => (
    <a class="govuk-link" href={`/can-bo/lich-lam-viec?year=${year}&donVi=${encodeURIComponent(unitCode)}#gio-lam-viec-sua`}>
      {t(req, 'Sửa', 'Edit')}
      <span class="govuk-visually-hidden"> {hidden}</span>
    </a>
  );
  const rows = [
    {
      entry: hours.default,
      name:
        hours.default.source === 'built-in'
          ? t(req, 'Mặc định (mọi đơn vị chưa có giờ riêng; theo hệ thống)', 'Default (every unit without its own; built in)')
          : t(req, 'Mặc định (mọi đơn vị chưa có giờ riêng)', 'Default (every unit without its own)'),
      hidden: t(req, 'giờ làm việc mặc định', 'the default office hours'),
    },
    ...hours.units.map((u) => ({
      entry: u,
      name: `${u.unitCode}${u.unitName ? ` — ${u.unitName}` : ''}`,
      hidden: t(req, `giờ làm việc của ${u.unitCode}`, `the office hours of ${u.unitCode}`),
    })),
  ];
  const selected = values.unit ?? hours.editing.unitCode;
  return (
    <>
      <h2 class="govuk-heading-m" id="gio-lam-viec">
        {t(req, 'Giờ làm việc', 'Office hours')}
      </h2>
      <p class="govuk-body">
        {t(
          req,
          'Thời hạn tính bằng giờ làm việc và thủ tục giải quyết trong ngày chỉ tính trong giờ làm việc, vào các ngày làm việc của lịch trên (kể cả ngày làm bù). Đơn vị có giờ riêng theo giờ riêng; các đơn vị khác theo giờ mặc định.',
          'Limits in working hours and same-day procedures count only inside office hours, on the working days of the calendar above (make-up days included). A unit with hours of its own keeps them; the others keep the default.',
        )}
      </p>
      <TableWrap label={t(req, 'Giờ làm việc của các đơn vị', 'Office hours of the units')}>
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-table__caption--s">
            {t(req, `Giờ mặc định và ${hours.units.length} đơn vị có giờ riêng`, `The default and ${hours.units.length} units with hours of their own`)}
          </caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                {t(req, 'Đơn vị', 'Unit')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Các buổi làm việc', 'Periods')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Cập nhật', 'Updated')}
              </th>
              {canEdit ? (
                <th scope="col" class="govuk-table__header">
                  {t(req, 'Thao tác', 'Actions')}
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {rows.map((r) => (
              <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header">
                  {r.name}
                </th>
                <td class="govuk-table__cell">{shown(r.entry)}</td>
                <td class="govuk-table__cell">{updated(r.entry)}</td>
                {canEdit ? (
                  <td class="govuk-table__cell">
                    {editLink(r.entry.unitCode, r.hidden)}
                    {r.entry.unitCode !== '*'
                      ? removeForm(r.entry.unitCode, t(req, 'Bỏ giờ riêng', 'Remove'), r.hidden)
                      : r.entry.source === 'default'
                        ? removeForm('*', t(req, 'Trở lại 08:00–12:00, 13:00–17:00', 'Back to 08:00–12:00, 13:00–17:00'), r.hidden)
                        : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {canEdit ? (
        <>
          <h3 class="govuk-heading-s" id="gio-lam-viec-sua">
            {t(req, 'Đặt giờ làm việc', 'Set office hours')}
          </h3>
          <ErrorSummary req={req} errors={errors.map((e) => ({ href: `#${e.field}`, text: e.text }))} />
          <form method="post" action="/can-bo/lich-lam-viec/gio-lam-viec" novalidate>
            <Csrf req={req} />
            <input type="hidden" name="year" value={String(year)} />
            <Field
              req={req}
              id="hoursUnit"
              label={t(req, 'Đơn vị', 'Unit')}
              hint={t(req, 'Chọn “Mặc định” để đặt giờ cho mọi đơn vị chưa có giờ riêng', 'Choose “Default” for every unit without hours of its own')}
              error={fieldErrors('hoursUnit').join(' ')}
            >
              <select
                class={`govuk-select${fieldErrors('hoursUnit').length ? ' govuk-select--error' : ''}`}
                id="hoursUnit"
                name="unit"
                aria-describedby={describedBy('hoursUnit')}
              >
                <option value="*" selected={selected === '*'}>
                  {t(req, 'Mặc định (mọi đơn vị chưa có giờ riêng)', 'Default (every unit without its own)')}
                </option>
                {hours.choices.map((c) => (
                  <option value={c.code} selected={selected === c.code}>
                    {`${c.code} — ${c.name}`}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              req={req}
              id="hoursPeriods"
              label={t(req, 'Các buổi làm việc (mỗi dòng một buổi)', 'Periods (one per line)')}
              hint={t(
                req,
                'Dạng GG:PP-GG:PP theo thứ tự trong ngày, ví dụ 07:30-11:30 và 13:30-17:00; áp dụng cho mọi ngày làm việc',
                'As HH:MM-HH:MM in the order of the day, e.g. 07:30-11:30 and 13:30-17:00; they apply to every working day',
              )}
              error={fieldErrors('hoursPeriods').join(' ')}
            >
              <textarea
                class={`govuk-textarea${fieldErrors('hoursPeriods').length ? ' govuk-textarea--error' : ''}`}
                id="hoursPeriods"
                name="periods"
                rows={4}
                spellcheck={false}
                aria-describedby={describedBy('hoursPeriods')}
                value={values.periods ?? periodsText(hours.editing.periods)}
              />
            </Field>
            <button type="submit" class="govuk-button">
              {t(req, 'Lưu giờ làm việc', 'Save office hours')}
            </button>
          </form>
        </>
      ) : null}
    </>
  );
}

const NOTICES = {
  saved: (year: number) => ({ vi: `Đã lưu lịch chính thức năm ${year}`, en: `Official schedule for ${year} saved` }),
  reset: (year: number) => ({ vi: `Năm ${year} đã trở lại lịch mặc định theo Bộ luật Lao động`, en: `${year} follows the statutory default again` }),
  'hours-saved': () => ({ vi: 'Đã lưu giờ làm việc', en: 'Office hours saved' }),
  'hours-reset': () => ({ vi: 'Đã bỏ giờ làm việc riêng; đơn vị theo giờ mặc định', en: 'Office hours removed; the default applies' }),
};

export function CalendarPage({ req, view, canEdit, errors = [], values = {}, notice, hours, hoursErrors = [], hoursValues = {} }: CalendarPageProps) {
  const year = view.year;
  const off = new Map(view.holidays.map((h) => [h.date, t(req, h.name, h.nameEn)]));
  const makeUp = new Set(view.makeUpWorkingDays);
  const fieldErrors = (f: string) => errors.filter((e) => e.field === f).map((e) => e.text);
  const describedBy = (id: string) => [`${id}-hint`, fieldErrors(id).length ? `${id}-error` : ''].filter(Boolean).join(' ');
  const title = t(req, `Lịch làm việc năm ${year}`, `Working calendar ${year}`);
  return (
    <Layout req={req} area="office" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      {notice ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">{t(req, NOTICES[notice](year).vi, NOTICES[notice](year).en)}</p>
          </div>
        </div>
      ) : null}
      <p class="govuk-body">
        {view.source === 'official'
          ? t(
              req,
              `Theo lịch chính thức do quản trị viên nhập${view.updatedBy ? ` (${view.updatedBy})` : ''}.`,
              `Official schedule entered by an administrator${view.updatedBy ? ` (${view.updatedBy})` : ''}.`,
            )
          : t(
              req,
              'Theo mặc định: ngày nghỉ lễ, Tết theo Điều 112 Bộ luật Lao động 2019 và ngày nghỉ bù khi ngày lễ trùng thứ Bảy, Chủ nhật.',
              'Statutory default: the public holidays of article 112 of the Labour Code 2019, with a compensatory day when a holiday falls on a Saturday or Sunday.',
            )}{' '}
        {t(req, `Năm ${year} có ${view.workingDayCount} ngày làm việc.`, `${year} has ${view.workingDayCount} working days.`)}
      </p>
      <nav class="govuk-body" aria-label={t(req, 'Chọn năm', 'Choose a year')}>
        <a class="govuk-link" href={`/can-bo/lich-lam-viec?year=${year - 1}`} rel="prev">
          {t(req, `‹ Năm ${year - 1}`, `‹ ${year - 1}`)}
        </a>
        {' · '}
        <a class="govuk-link" href={`/can-bo/lich-lam-viec?year=${year + 1}`} rel="next">
          {t(req, `Năm ${year + 1} ›`, `${year + 1} ›`)}
        </a>
      </nav>

      <h2 class="govuk-heading-m">{t(req, 'Chú giải', 'Key')}</h2>
      <ul class="govuk-list cs-cal__legend">
        <li>
          <strong class="govuk-tag govuk-tag--red">{t(req, 'N', 'O')}</strong>{' '}
          {t(
            req,
            'Ngày nghỉ: lễ, Tết, nghỉ bù hoặc nghỉ theo lịch chính thức',
            'Day off: public holiday, compensatory day or a day off in the official schedule',
          )}
        </li>
        <li>
          <strong class="govuk-tag govuk-tag--green">{t(req, 'LB', 'MU')}</strong>{' '}
          {t(req, 'Ngày làm bù: thứ Bảy hoặc Chủ nhật đi làm', 'Make-up working day: a Saturday or Sunday worked')}
        </li>
        <li>{t(req, 'Cột T7 và CN: nghỉ hằng tuần, trừ ngày làm bù', 'Sat and Sun columns: weekly rest days, except make-up days')}</li>
      </ul>

      <div class="govuk-grid-row cs-cal">
        {Array.from({ length: 12 }, (_, i) => (
          <div class="govuk-grid-column-one-half">
            <TableWrap label={t(req, `Tháng ${i + 1}`, MONTHS_EN[i])}>
              <Month req={req} year={year} month={i + 1} off={off} makeUp={makeUp} />
            </TableWrap>
          </div>
        ))}
      </div>

      <h2 class="govuk-heading-m">{t(req, 'Danh sách ngày nghỉ và ngày làm bù', 'Days off and make-up days')}</h2>
      <TableWrap label={t(req, 'Danh sách ngày nghỉ', 'List of days off')}>
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-table__caption--s">
            {t(
              req,
              `${view.holidays.length} ngày nghỉ, ${view.makeUpWorkingDays.length} ngày làm bù`,
              `${view.holidays.length} days off, ${view.makeUpWorkingDays.length} make-up days`,
            )}
          </caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                {t(req, 'Ngày', 'Date')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Loại', 'Kind')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Nội dung', 'Description')}
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {[
              ...view.holidays.map((h) => ({ date: h.date, kind: t(req, 'Nghỉ', 'Day off'), text: t(req, h.name, h.nameEn) })),
              ...view.makeUpWorkingDays.map((d) => ({ date: d, kind: t(req, 'Làm bù', 'Make-up'), text: t(req, 'Ngày làm bù', 'Make-up working day') })),
            ]
              .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
              .map((r) => (
                <tr class="govuk-table__row">
                  <th scope="row" class="govuk-table__header">
                    <time dateTime={r.date}>{formatDay(req, r.date)}</time>
                  </th>
                  <td class="govuk-table__cell">{r.kind}</td>
                  <td class="govuk-table__cell">{r.text}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </TableWrap>

      {hours ? <OfficeHours req={req} year={year} hours={hours} canEdit={canEdit} errors={hoursErrors} values={hoursValues} /> : null}

      {canEdit ? (
        <>
          <h2 class="govuk-heading-m" id="sua">
            {t(req, `Nhập lịch chính thức năm ${year}`, `Enter the official schedule for ${year}`)}
          </h2>
          <p class="govuk-body">
            {t(
              req,
              'Danh sách ngày nghỉ thay thế toàn bộ ngày nghỉ lễ mặc định của năm; thứ Bảy, Chủ nhật vẫn nghỉ trừ ngày làm bù.',
              "The list of days off replaces the year's default holidays; Saturdays and Sundays stay off unless listed as make-up days.",
            )}
          </p>
          <ErrorSummary req={req} errors={errors.map((e) => ({ href: `#${e.field}`, text: e.text }))} />
          <form method="post" action="/can-bo/lich-lam-viec" novalidate>
            <Csrf req={req} />
            <input type="hidden" name="year" value={String(year)} />
            <Field
              req={req}
              id="daysOff"
              label={t(req, 'Ngày nghỉ (mỗi dòng một ngày)', 'Days off (one date per line)')}
              hint={t(req, 'Dạng NNNN-TT-NN hoặc NN/TT/NNNN, ví dụ 2026-04-30 hoặc 30/04/2026', 'As YYYY-MM-DD or DD/MM/YYYY, e.g. 2026-04-30 or 30/04/2026')}
              error={fieldErrors('daysOff').join(' ')}
            >
              <textarea
                class={`govuk-textarea${fieldErrors('daysOff').length ? ' govuk-textarea--error' : ''}`}
                id="daysOff"
                name="daysOff"
                rows={12}
                spellcheck={false}
                aria-describedby={describedBy('daysOff')}
                value={values.daysOff ?? view.daysOff.join('\n')}
              />
            </Field>
            <Field
              req={req}
              id="makeUpWorkingDays"
              label={t(req, 'Ngày làm bù (thứ Bảy, Chủ nhật đi làm; mỗi dòng một ngày)', 'Make-up working days (Saturdays or Sundays worked; one per line)')}
              hint={t(req, 'Để trống nếu không có', 'Leave empty if none')}
              error={fieldErrors('makeUpWorkingDays').join(' ')}
            >
              <textarea
                class={`govuk-textarea${fieldErrors('makeUpWorkingDays').length ? ' govuk-textarea--error' : ''}`}
                id="makeUpWorkingDays"
                name="makeUpWorkingDays"
                rows={4}
                spellcheck={false}
                aria-describedby={describedBy('makeUpWorkingDays')}
                value={values.makeUpWorkingDays ?? view.makeUpWorkingDays.join('\n')}
              />
            </Field>
            <button type="submit" class="govuk-button">
              {t(req, 'Lưu lịch chính thức', 'Save official schedule')}
            </button>
          </form>
          {view.source === 'official' ? (
            <form method="post" action="/can-bo/lich-lam-viec">
              <Csrf req={req} />
              <input type="hidden" name="year" value={String(year)} />
              <input type="hidden" name="action" value="reset" />
              <button type="submit" class="govuk-button govuk-button--secondary">
                {t(req, 'Trở lại lịch mặc định', 'Return to the statutory default')}
              </button>
            </form>
          ) : null}
        </>
      ) : null}
    </Layout>
  );
}

export const renderCalendarPage = (props: CalendarPageProps): VNode => <CalendarPage {...props} />;

import type { FastifyRequest } from 'fastify';
import type { VerifyResult } from '../../../platform/audit/index.ts';
import type { AuditEntryView } from '../../../modules/audit/search-audit.ts';
import { AUDIT_ACTION_GROUPS, AUDIT_ACTIONS } from '../../../modules/audit/action-labels.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import { STAFF_ROLES, type StaffRole } from '../../../platform/auth/roles.ts';
import { STATUSES, type Status } from '../../../modules/dossiers/workflow.ts';
import { Csrf, ErrorSummary, FormGroup, Layout, t, TableWrap } from '../../components/layout.tsx';

export function VerifyResultView({ req, r }: { req: FastifyRequest; r: VerifyResult }) {
  const cp = r.checkpoint;
  const checkpointLine = cp
    ? t(
        req,
        `Điểm kiểm tra số ${cp.seq} (${formatDateTime(req.lang, cp.at)}) ghi nhận đầu các chuỗi${cp.timestamped ? ', có dấu thời gian' : ''}; đã kiểm tra ${r.checkpointsChecked} điểm kiểm tra.`,
        `Checkpoint ${cp.seq} (${formatDateTime(req.lang, cp.at)}) records the chain heads${cp.timestamped ? ', time-stamped' : ''}; ${r.checkpointsChecked} checkpoints checked.`,
      )
    : null;
  return (
    <div id="verify-result" role="status">
      {r.ok ? (
        <div class="govuk-notification-banner govuk-notification-banner--success">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(
                req,
                `Chuỗi nhật ký toàn vẹn: đã kiểm tra ${r.checked} bản ghi, không bản ghi nào bị sửa hay bị xoá.`,
                `Audit chain intact: ${r.checked} entries checked, none edited or deleted.`,
              )}
            </p>
            {checkpointLine ? <p class="govuk-body">{checkpointLine}</p> : null}
          </div>
        </div>
      ) : (
        <div class="govuk-error-summary">
          <h2 class="govuk-error-summary__title">
            {t(
              req,
              `Phát hiện ${r.problems.length + r.moreProblems} vấn đề trong nhật ký (đã kiểm tra ${r.checked} bản ghi)`,
              `${r.problems.length + r.moreProblems} problems found in the audit trail (${r.checked} entries checked)`,
            )}
          </h2>
          <div class="govuk-error-summary__body">
            <ul class="govuk-list govuk-list--bullet">
              {r.problems.map((p) => (
                <li>{t(req, p.message, p.messageEn)}</li>
              ))}
            </ul>
            {r.moreProblems ? <p class="govuk-body">{t(req, `… và ${r.moreProblems} vấn đề khác.`, `… and ${r.moreProblems} more.`)}</p> : null}
            {checkpointLine ? <p class="govuk-body">{checkpointLine}</p> : null}
          </div>
        </div>
      )}
    </div>
  );
}

export interface AuditView {
  filter: Partial<Record<'actor' | 'action' | 'target' | 'from' | 'to', string>>;
  items: AuditEntryView[];
  /** The cursor of the older page, if any. */
  next: number | null;
  /** This page is not the newest one. */
  paged: boolean;
  errors?: { field: string; text: string }[];
}

const FILTER_FIELDS = ['actor', 'action', 'target', 'from', 'to'] as const;

/** The page's URL with the filter kept and the given changes. */
export function auditHref(path: string, filter: AuditView['filter'], extra: Record<string, string | number> = {}): string {
  const q = new URLSearchParams();
  for (const k of FILTER_FIELDS) if (filter[k]) q.set(k, filter[k]!);
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

function FilterField({
  req,
  id,
  label,
  hint,
  value,
  error,
  type = 'text',
  width,
}: {
  req: FastifyRequest;
  id: string;
  label: string;
  hint?: string;
  value?: string;
  error?: string;
  type?: 'text' | 'date';
  width: string;
}) {
  return (
    <FormGroup
      req={req}
      id={id}
      label={label}
      labelClass="govuk-label--s"
      hint={hint}
      error={error}
      control={(describedBy) =>
        type === 'date' ? (
          <input
            class={`govuk-input ${width}${error ? ' govuk-input--error' : ''}`}
            id={id}
            name={id}
            type="date"
            value={value ?? ''}
            aria-describedby={describedBy}
          />
        ) : (
          <input
            class={`govuk-input ${width}${error ? ' govuk-input--error' : ''}`}
            id={id}
            name={id}
            type="text"
            value={value ?? ''}
            aria-describedby={describedBy}
            spellcheck={false}
          />
        )
      }
    />
  );
}

// The entry's data as a person reads it: known keys by their names, statuses and roles by
// theirs; anything else as recorded (hashes, ids and file names read the same in both languages).
const DATA_KEYS: Record<string, [string, string]> = {
  from: ['Từ', 'From'],
  to: ['Sang', 'To'],
  seq: ['Bước thứ', 'Entry'],
  reason: ['Lý do', 'Reason'],
  note: ['Ghi chú', 'Note'],
  procedure: ['Thủ tục', 'Procedure'],
  files: ['Số tệp', 'Files'],
  roles: ['Vai trò', 'Roles'],
  ip: ['Địa chỉ IP', 'IP address'],
  failures: ['Số lần sai', 'Failures'],
  otp: ['Mã OTP', 'One-time code'],
  kind: ['Loại', 'Kind'],
  documentName: ['Tên giấy tờ', 'Document'],
  link: ['Liên kết', 'Link'],
  expires: ['Hết hạn', 'Expires'],
  version: ['Phiên bản', 'Version'],
  basedOn: ['Dựa trên phiên bản', 'Based on version'],
  effectiveFrom: ['Hiệu lực từ', 'Effective from'],
  changed: ['Nội dung sửa', 'Changed'],
  fullName: ['Họ tên', 'Name'],
  count: ['Số bản ghi', 'Entries'],
  size: ['Dung lượng (byte)', 'Size (bytes)'],
  fileName: ['Tên tệp', 'File name'],
  dossier: ['Hồ sơ', 'Dossier'],
  replacedBy: ['Thay bằng', 'Replaced by'],
  required: ['Bắt buộc', 'Required'],
  totpEnrolled: ['Đăng ký TOTP', 'TOTP enrolled'],
  mustChangePassword: ['Phải đổi mật khẩu', 'Must change password'],
  scopes: ['Phạm vi', 'Scopes'],
  issuer: ['Nhà cung cấp định danh', 'Identity provider'],
  sso: ['Đăng xuất SSO', 'SSO sign-out'],
  filter: ['Bộ lọc', 'Filter'],
};

const RESULT_KINDS: Record<string, [string, string]> = {
  certificate: ['Giấy chứng nhận', 'Certificate'],
  licence: ['Giấy phép', 'Licence'],
  written_reply: ['Văn bản trả lời', 'Written reply'],
  certified_copy: ['Bản sao chứng thực', 'Certified copy'],
};

function readable(req: FastifyRequest, v: unknown): string {
  if (typeof v === 'boolean') return v ? t(req, 'có', 'yes') : t(req, 'không', 'no');
  if (typeof v === 'string') {
    const status = STATUSES[v as Status];
    if (status) return t(req, status.vi, status.en);
    const role = STAFF_ROLES[v as StaffRole];
    if (role) return t(req, role.vi, role.en);
    const kind = RESULT_KINDS[v];
    if (kind) return t(req, kind[0], kind[1]);
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => readable(req, x)).join(', ');
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // A role assignment is { role, unitId }.
    if (typeof o.role === 'string') return `${readable(req, o.role)}${o.unitId ? ` (${String(o.unitId)})` : ''}`;
    return Object.entries(o)
      .map(([k, x]) => `${DATA_KEYS[k] ? t(req, DATA_KEYS[k][0], DATA_KEYS[k][1]) : k}: ${readable(req, x)}`)
      .join(', ');
  }
  return v === null || v === undefined ? '—' : String(v);
}

function Details({ req, data }: { req: FastifyRequest; data: Record<string, unknown> }) {
  const keys = Object.keys(data);
  if (!keys.length) return null;
  return (
    <span class="cs-meta cs-audit-data">
      {keys.map((k) => `${DATA_KEYS[k] ? t(req, DATA_KEYS[k][0], DATA_KEYS[k][1]) : k}: ${readable(req, data[k])}`).join('; ')}
    </span>
  );
}

export function AuditPage({ req, view, verify }: { req: FastifyRequest; view: AuditView; verify?: VerifyResult }) {
  const { filter, items } = view;
  const errors = view.errors ?? [];
  const err = (f: string) => errors.find((e) => e.field === f)?.text;
  const filtered = FILTER_FIELDS.some((k) => filter[k]);
  const actions = Object.entries(AUDIT_ACTIONS).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Layout req={req} area="office" title={t(req, 'Nhật ký hệ thống', 'Audit trail')}>
      <ErrorSummary req={req} errors={errors.map((e) => ({ href: `#${e.field}`, text: e.text }))} />
      <h1 class="govuk-heading-l">{t(req, 'Nhật ký hệ thống', 'Audit trail')}</h1>
      <p class="govuk-body">
        {t(
          req,
          'Nhật ký chỉ ghi thêm; mỗi bản ghi chứa mã băm của bản ghi trước nên mọi sửa đổi đều bị phát hiện. Vài phút một lần, và mỗi lần kiểm tra, đầu các chuỗi được ghi vào một điểm kiểm tra có chữ ký, nên việc xoá các bản ghi mới nhất cũng bị phát hiện.',
          'The trail is append-only; each entry holds the hash of the one before, so any change is detected. Every few minutes, and at every verification, the chain heads go into a signed checkpoint, so deleting the newest entries is detected too.',
        )}
      </p>
      <form method="post" action="/can-bo/nhat-ky/kiem-tra" hx-post="/can-bo/nhat-ky/kiem-tra" hx-target="#verify-result" hx-swap="outerHTML">
        <Csrf req={req} />
        <button type="submit" class="govuk-button govuk-button--secondary">
          {t(req, 'Kiểm tra tính toàn vẹn', 'Verify integrity')}
        </button>
      </form>
      {verify ? <VerifyResultView req={req} r={verify} /> : <div id="verify-result"></div>}

      <form method="get" action="/can-bo/nhat-ky" class="cs-filter" novalidate>
        <h2 class="govuk-heading-m">{t(req, 'Lọc nhật ký', 'Filter the trail')}</h2>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-half">
            <FilterField
              req={req}
              id="actor"
              width="govuk-!-width-full"
              value={filter.actor}
              error={err('actor')}
              label={t(req, 'Người thực hiện', 'Actor')}
              hint={t(req, 'Họ tên hoặc tên đăng nhập của cán bộ', "An official's name or username")}
            />
          </div>
          <div class="govuk-grid-column-one-half">
            <div class={`govuk-form-group${err('action') ? ' govuk-form-group--error' : ''}`}>
              <label class="govuk-label govuk-label--s" for="action">
                {t(req, 'Hành động', 'Action')}
              </label>
              {err('action') ? (
                <p id="action-error" class="govuk-error-message">
                  <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {err('action')}
                </p>
              ) : null}
              <select class="govuk-select govuk-!-width-full" id="action" name="action" aria-describedby={err('action') ? 'action-error' : undefined}>
                <option value="">{t(req, 'Mọi hành động', 'Any action')}</option>
                <optgroup label={t(req, 'Nhóm hành động', 'Groups')}>
                  {AUDIT_ACTION_GROUPS.map((g) => (
                    <option value={`${g.prefix}*`} selected={filter.action === `${g.prefix}*`}>
                      {t(req, `${g.label.vi} (tất cả)`, `${g.label.en} (all)`)}
                    </option>
                  ))}
                </optgroup>
                <optgroup label={t(req, 'Hành động', 'Actions')}>
                  {actions.map(([code, l]) => (
                    <option value={code} selected={filter.action === code}>
                      {t(req, l.vi, l.en)}
                    </option>
                  ))}
                </optgroup>
              </select>
            </div>
          </div>
        </div>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-half">
            <FilterField
              req={req}
              id="target"
              width="govuk-!-width-full"
              value={filter.target}
              error={err('target')}
              label={t(req, 'Đối tượng', 'Target')}
              hint={t(req, 'Mã hồ sơ, mã kết quả, tên đăng nhập hoặc mã đơn vị', 'A dossier or result code, a username or a unit code')}
            />
          </div>
          <div class="govuk-grid-column-one-quarter">
            <FilterField req={req} id="from" type="date" width="govuk-!-width-full" value={filter.from} error={err('from')} label={t(req, 'Từ ngày', 'From')} />
          </div>
          <div class="govuk-grid-column-one-quarter">
            <FilterField req={req} id="to" type="date" width="govuk-!-width-full" value={filter.to} error={err('to')} label={t(req, 'Đến ngày', 'To')} />
          </div>
        </div>
        <div class="govuk-button-group">
          <button type="submit" class="govuk-button">
            {t(req, 'Lọc', 'Filter')}
          </button>
          {filtered ? (
            <a class="govuk-link" href="/can-bo/nhat-ky">
              {t(req, 'Bỏ lọc', 'Clear the filter')}
            </a>
          ) : null}
          <a class="govuk-link" href={auditHref('/can-bo/nhat-ky/xuat.csv', filter)} download>
            {t(req, 'Tải về CSV (theo bộ lọc)', 'Download CSV (as filtered)')}
          </a>
        </div>
      </form>

      <TableWrap label={t(req, 'Nhật ký hệ thống', 'Audit trail')}>
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-table__caption--s">
            {items.length
              ? t(req, `Mới nhất trước: ${items.length} bản ghi trên trang này`, `Newest first: ${items.length} entries on this page`)
              : t(req, 'Không có bản ghi nào khớp bộ lọc', 'No entries match the filter')}
          </caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                #
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Thời điểm', 'When')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Người thực hiện', 'Actor')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Hành động', 'Action')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Đối tượng', 'Target')}
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {items.map((r) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">{r.id}</td>
                <td class="govuk-table__cell">{formatDateTime(req.lang, r.at)}</td>
                <td class="govuk-table__cell">{r.actorName}</td>
                <td class="govuk-table__cell">
                  {t(req, r.actionLabel.vi, r.actionLabel.en)} <Details req={req} data={r.data} />
                </td>
                <td class="govuk-table__cell">{r.targetName ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {view.next || view.paged ? (
        <nav class="govuk-pagination" aria-label={t(req, 'Phân trang', 'Pagination')}>
          {view.paged ? (
            <div class="govuk-pagination__prev">
              <a class="govuk-link govuk-pagination__link" href={auditHref('/can-bo/nhat-ky', filter)}>
                <span class="govuk-pagination__link-title">{t(req, 'Mới nhất', 'Newest')}</span>
              </a>
            </div>
          ) : null}
          {view.next ? (
            <div class="govuk-pagination__next">
              <a class="govuk-link govuk-pagination__link" href={auditHref('/can-bo/nhat-ky', filter, { before: view.next })} rel="next">
                <span class="govuk-pagination__link-title">{t(req, 'Cũ hơn', 'Older')}</span>
              </a>
            </div>
          ) : null}
        </nav>
      ) : null}
    </Layout>
  );
}

export function AccountPage({ req, totpEnabled, changed }: { req: FastifyRequest; totpEnabled: boolean; changed?: boolean }) {
  const p = req.principal;
  if (p?.kind !== 'staff') return null;
  return (
    <Layout req={req} area="office" title={t(req, 'Tài khoản', 'My account')}>
      {changed ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="changed-title">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading" id="changed-title">
              {t(req, 'Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.', 'Password changed. Your other sessions have ended.')}
            </p>
          </div>
        </div>
      ) : null}
      <h1 class="govuk-heading-l">{t(req, 'Tài khoản của tôi', 'My account')}</h1>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row govuk-summary-list__row--no-actions">
          <dt class="govuk-summary-list__key">{t(req, 'Họ tên', 'Name')}</dt>
          <dd class="govuk-summary-list__value">{p.name}</dd>
        </div>
        <div class="govuk-summary-list__row govuk-summary-list__row--no-actions">
          <dt class="govuk-summary-list__key">{t(req, 'Tên đăng nhập', 'Username')}</dt>
          <dd class="govuk-summary-list__value">{p.username}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{t(req, 'Mật khẩu', 'Password')}</dt>
          <dd class="govuk-summary-list__value">{t(req, 'Đã đặt', 'Set')}</dd>
          <dd class="govuk-summary-list__actions">
            <a class="govuk-link" href="/can-bo/doi-mat-khau">
              {t(req, 'Đổi mật khẩu', 'Change password')}
            </a>
          </dd>
        </div>
        <div class="govuk-summary-list__row govuk-summary-list__row--no-actions">
          <dt class="govuk-summary-list__key">{t(req, 'Xác thực hai lớp', 'Two-factor authentication')}</dt>
          <dd class="govuk-summary-list__value">{totpEnabled ? t(req, 'Đang bật (TOTP)', 'On (TOTP)') : t(req, 'Chưa bật', 'Off')}</dd>
        </div>
      </dl>
      <form method="post" action="/can-bo/dang-xuat">
        <Csrf req={req} />
        <button type="submit" class="govuk-button govuk-button--warning">
          {t(req, 'Đăng xuất', 'Sign out')}
        </button>
      </form>
    </Layout>
  );
}

import type { FastifyRequest } from 'fastify';
import { pick, type Lang } from '../../platform/i18n/index.ts';
import { STAFF_ROLES, type StaffRole } from '../../platform/auth/roles.ts';
import type { Children } from '../render.tsx';

export interface PageProps {
  req: FastifyRequest;
  title: string;
  area: 'portal' | 'office';
  children: Children;
}

export const t = (req: FastifyRequest, vi: string, en: string) => pick(req.lang, vi, en);

function langLink(req: FastifyRequest, lang: Lang) {
  const u = new URL(req.url, 'http://x');
  u.searchParams.set('lang', lang);
  return `${u.pathname}?${u.searchParams.toString()}`;
}

interface NavItem {
  href: string;
  vi: string;
  en: string;
  roles?: StaffRole[];
}

const PORTAL_NAV: NavItem[] = [
  { href: '/', vi: 'Trang chủ', en: 'Home' },
  { href: '/thu-tuc', vi: 'Thủ tục hành chính', en: 'Procedures' },
  { href: '/tra-cuu', vi: 'Tra cứu hồ sơ', en: 'Track a dossier' },
  { href: '/thong-ke', vi: 'Thống kê', en: 'Statistics' },
  { href: '/du-lieu-mo', vi: 'Dữ liệu mở', en: 'Open data' },
];

export const OFFICE_NAV: NavItem[] = [
  { href: '/can-bo', vi: 'Tổng quan', en: 'Overview' },
  {
    href: '/can-bo/ho-so',
    vi: 'Hồ sơ',
    en: 'Dossiers',
    roles: ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'],
  },
  { href: '/can-bo/tiep-nhan', vi: 'Tiếp nhận hồ sơ', en: 'Receive a dossier', roles: ['receiving_officer'] },
  {
    href: '/can-bo/thu-tuc',
    vi: 'Danh mục thủ tục',
    en: 'Procedure catalogue',
    roles: ['administrator', 'receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor'],
  },
  { href: '/can-bo/don-vi', vi: 'Cơ cấu tổ chức', en: 'Organisation', roles: ['administrator', 'auditor'] },
  { href: '/can-bo/nhan-su', vi: 'Cán bộ', en: 'Staff', roles: ['administrator', 'auditor'] },
  { href: '/can-bo/nhat-ky', vi: 'Nhật ký hệ thống', en: 'Audit trail', roles: ['auditor', 'administrator'] },
  { href: '/can-bo/thong-ke-truy-cap', vi: 'Thống kê truy cập', en: 'Portal usage', roles: ['administrator', 'auditor'] },
  { href: '/can-bo/ket-noi', vi: 'Kết nối quốc gia', en: 'National connections', roles: ['administrator', 'auditor'] },
  { href: '/can-bo/ky-so', vi: 'Ký số kết quả', en: 'Sign results', roles: ['signing_leader'] },
  {
    href: '/can-bo/so-hoa/tim-kiem',
    vi: 'Tài liệu số hóa',
    en: 'Digitised documents',
    roles: ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'],
  },
  {
    href: '/can-bo/van-ban/tim-kiem',
    vi: 'Tìm kiếm văn bản',
    en: 'Search documents',
    roles: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor'],
  },
  { href: '/can-bo/ho-so-cong-viec', vi: 'Hồ sơ công việc', en: 'Work files', roles: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor'] },
  { href: '/can-bo/so-hoa/ket-qua-cu', vi: 'Số hóa kết quả cũ', en: 'Digitise old results', roles: ['clerk', 'administrator'] },
  {
    href: '/can-bo/so-hoa/chien-dich',
    vi: 'Tiến độ số hóa',
    en: 'Digitisation progress',
    roles: ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'],
  },
  {
    href: '/can-bo/danh-gia',
    vi: 'Đánh giá',
    en: 'Ratings',
    roles: ['receiving_officer', 'specialist', 'unit_leader', 'signing_leader', 'auditor', 'administrator'],
  },
  { href: '/can-bo/hop-thu', vi: 'Hộp thư đi', en: 'Outbox', roles: ['administrator', 'auditor', 'receiving_officer'] },
  { href: '/can-bo/thanh-toan', vi: 'Sổ thu phí, lệ phí', en: 'Fees ledger', roles: ['finance_officer', 'unit_leader'] },
  { href: '/can-bo/thanh-toan/doi-soat', vi: 'Đối soát thanh toán', en: 'Payment reconciliation', roles: ['finance_officer'] },
  { href: '/can-bo/chi-so', vi: 'Chỉ số phục vụ', en: 'Service index', roles: ['unit_leader', 'signing_leader', 'auditor', 'administrator'] },
  // Incoming official documents (issue 18): the clerks' list and register, the leaders' and handlers' own lists.
  {
    href: '/can-bo/van-ban-den',
    vi: 'Văn bản đến',
    en: 'Incoming documents',
    roles: ['clerk', 'unit_leader', 'signing_leader', 'specialist', 'auditor', 'administrator'],
  },
  { href: '/can-bo/van-ban-den/cho-chi-dao', vi: 'Văn bản chờ chỉ đạo', en: 'Awaiting my direction', roles: ['unit_leader', 'signing_leader'] },
  { href: '/can-bo/van-ban-den/cua-toi', vi: 'Văn bản của tôi', en: 'My documents', roles: ['specialist'] },
  {
    href: '/can-bo/van-ban-di',
    vi: 'Văn bản đi',
    en: 'Outgoing documents',
    roles: ['specialist', 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'],
  },
  { href: '/can-bo/lich-lam-viec', vi: 'Lịch làm việc', en: 'Working calendar' },
  { href: '/can-bo/tai-khoan', vi: 'Tài khoản', en: 'My account' },
];

export function visibleOfficeNav(req: FastifyRequest): NavItem[] {
  const p = req.principal;
  // After a credential reset only the change-password page is open: no menu leads elsewhere.
  if (p?.kind === 'staff' && p.mustChangePassword) return [];
  const roles = p?.kind === 'staff' ? p.roles.map((r) => r.role) : [];
  return OFFICE_NAV.filter((n) => !n.roles || n.roles.some((r) => roles.includes(r)));
}

/** The citizen's inbox, the unread count in the link's text (req.citizenUnread: src/web/routes/citizen-notifications.ts). */
function inboxNav(req: FastifyRequest): NavItem {
  const n = req.citizenUnread ?? 0;
  const count = n >= 100 ? '99+' : String(n);
  return n
    ? { href: '/thong-bao', vi: `Thông báo (${count} chưa đọc)`, en: `Notifications (${count} unread)` }
    : { href: '/thong-bao', vi: 'Thông báo', en: 'Notifications' };
}

export function Layout({ req, title, area, children }: PageProps) {
  const p = req.principal;
  const nav =
    area === 'portal'
      ? p?.kind === 'citizen'
        ? [
            ...PORTAL_NAV,
            { href: '/ho-so-cua-toi', vi: 'Hồ sơ của tôi', en: 'My dossiers' },
            { href: '/kho-du-lieu', vi: 'Kho dữ liệu', en: 'My documents' },
            inboxNav(req),
          ]
        : PORTAL_NAV
      : p?.kind === 'staff'
        ? visibleOfficeNav(req)
        : [];
  const path = new URL(req.url, 'http://x').pathname;
  // The entry the page is under: the longest that matches, so a page under another entry's path marks only its own.
  const current = nav
    .filter((n) => path === n.href || (n.href !== '/' && n.href !== '/can-bo' && path.startsWith(n.href)))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
  const home = area === 'portal' ? '/' : '/can-bo';
  const signOut = p ? (area === 'office' || p.kind === 'staff' ? '/can-bo/dang-xuat' : '/dang-xuat') : null;
  return (
    <html lang={req.lang} class="govuk-template govuk-template--rebranded">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <title>{`${title} — congso`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {/* htmx would add an inline <style>, which the CSP forbids; its indicator styles are in app.css. */}
        <meta name="htmx-config" content='{"includeIndicatorStyles":false}' />
        <link rel="icon" href="data:," />
        <script src="/assets/htmx.min.js" defer />
        <script type="module" src="/assets/app.js" />
      </head>
      <body class="govuk-template__body" hx-headers={JSON.stringify({ 'x-csrf-token': req.csrfToken })}>
        <a href="#main-content" class="govuk-skip-link">
          {t(req, 'Chuyển đến nội dung chính', 'Skip to main content')}
        </a>
        {/*
         * On a phone the navigation folds behind a Menu button: GOV.UK Frontend's service
         * navigation behaviour (data-module), which shows the button, sets aria-expanded and hides
         * the list only once its script runs; without JavaScript the navigation stays open.
         */}
        <header class="cs-header" data-module={nav.length ? 'govuk-service-navigation' : undefined}>
          <div class="govuk-width-container cs-header__inner">
            <a href={home} class="cs-header__brand">
              <span class="cs-header__star" aria-hidden="true">
                ★
              </span>
              <span>
                {area === 'portal'
                  ? t(req, 'Cổng Dịch vụ công Bộ Công Thương', 'MOIT Public Service Portal')
                  : t(req, 'Hệ thống một cửa điện tử', 'Electronic one-stop office')}
                <span class="cs-header__tagline">congso · {t(req, 'Cộng hòa xã hội chủ nghĩa Việt Nam', 'Socialist Republic of Viet Nam')}</span>
              </span>
            </a>
            <div class="cs-header__tools">
              {req.lang === 'vi' ? (
                <a href={langLink(req, 'en')} lang="en" hrefLang="en">
                  English
                </a>
              ) : (
                <a href={langLink(req, 'vi')} lang="vi" hrefLang="vi">
                  Tiếng Việt
                </a>
              )}
              {p ? (
                <>
                  <span class="cs-header__name">{p.name}</span>
                  <form method="post" action={signOut!} class="govuk-!-display-inline">
                    <input type="hidden" name="_csrf" value={req.csrfToken} />
                    <button type="submit" class="cs-linkbutton">
                      {t(req, 'Đăng xuất', 'Sign out')}
                    </button>
                  </form>
                </>
              ) : area === 'portal' ? (
                <a href="/dang-nhap">{t(req, 'Đăng nhập', 'Sign in')}</a>
              ) : null}
            </div>
            {nav.length ? (
              <button type="button" class="cs-header__menu govuk-js-service-navigation-toggle" aria-controls="cs-nav-list" hidden>
                {t(req, 'Menu', 'Menu')}
              </button>
            ) : null}
          </div>
        </header>
        {nav.length ? (
          <nav class="cs-nav" aria-label={t(req, 'Điều hướng chính', 'Main navigation')}>
            <div class="govuk-width-container">
              <ul id="cs-nav-list">
                {nav.map((n) => (
                  <li>
                    <a href={n.href} aria-current={n.href === current ? 'page' : undefined}>
                      {t(req, n.vi, n.en)}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          </nav>
        ) : null}
        <div class="govuk-width-container">
          <main class="govuk-main-wrapper" id="main-content">
            {children}
          </main>
        </div>
        <footer class="govuk-footer">
          <div class="govuk-width-container">
            <div class="govuk-footer__meta">
              <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
                <h2 class="govuk-visually-hidden">{t(req, 'Liên kết hỗ trợ', 'Support links')}</h2>
                <ul class="govuk-footer__inline-list">
                  <li class="govuk-footer__inline-list-item">
                    <a class="govuk-footer__link" href="/api/docs">
                      {t(req, 'Tài liệu API', 'API documentation')}
                    </a>
                  </li>
                  <li class="govuk-footer__inline-list-item">
                    <a class="govuk-footer__link" href={area === 'portal' ? '/can-bo' : '/'}>
                      {area === 'portal' ? t(req, 'Dành cho cán bộ', 'For officials') : t(req, 'Cổng dịch vụ công', 'Public portal')}
                    </a>
                  </li>
                </ul>
                <p class="govuk-body-s">
                  {t(
                    req,
                    'congso — phần mềm mã nguồn mở cho chính quyền số. Dữ liệu minh họa.',
                    'congso — open-source software for digital government. Demo data.',
                  )}
                </p>
              </div>
            </div>
          </div>
        </footer>
      </body>
    </html>
  );
}

export const roleName = (req: FastifyRequest, r: string) => {
  const x = STAFF_ROLES[r as StaffRole];
  return x ? t(req, x.vi, x.en) : r;
};

export function ErrorSummary({ req, errors }: { req: FastifyRequest; errors: { href?: string; text: string }[] }) {
  if (!errors.length) return null;
  return (
    <div class="govuk-error-summary" data-module="govuk-error-summary">
      <div role="alert">
        <h2 class="govuk-error-summary__title">{t(req, 'Có lỗi cần sửa', 'There is a problem')}</h2>
        <div class="govuk-error-summary__body">
          <ul class="govuk-list govuk-error-summary__list">
            {errors.map((e) => (
              <li>{e.href ? <a href={e.href}>{e.text}</a> : e.text}</li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

/** A field's error message, with the hidden "Lỗi:" a screen reader says first; nothing without an error. */
export function ErrorMessage({ req, id, error }: { req: FastifyRequest; id: string; error?: string }) {
  return error ? (
    <p id={`${id}-error`} class="govuk-error-message">
      <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {error}
    </p>
  ) : null;
}

/**
 * A GOV.UK form group around one control: its label, hint and error message, and the ids the
 * control names in aria-describedby (handed to `control`).
 */
export function FormGroup({
  req,
  id,
  label,
  labelClass,
  hint,
  error,
  control,
}: {
  req: FastifyRequest;
  id: string;
  label: string;
  labelClass?: string;
  hint?: string;
  error?: string;
  control: (describedBy: string | undefined) => Children;
}) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label class={`govuk-label${labelClass ? ` ${labelClass}` : ''}`} for={id}>
        {label}
      </label>
      {hint ? (
        <div class="govuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      <ErrorMessage req={req} id={id} error={error} />
      {control(describedBy)}
    </div>
  );
}

type FilterColumn = 'one-half' | 'one-third' | 'one-quarter' | 'full';

/** A list filter's select in a grid column: an optional "all" option (value "") first, then the options, `value` selected. */
export function SelectFilter({
  id,
  label,
  column = 'one-half',
  all,
  options,
  value,
}: {
  id: string;
  label: string;
  column?: FilterColumn;
  all?: string;
  options: { value: string; text: string }[];
  value?: string;
}) {
  return (
    <div class={`govuk-grid-column-${column} govuk-form-group`}>
      <label class="govuk-label" for={id}>
        {label}
      </label>
      <select class="govuk-select" id={id} name={id}>
        {all !== undefined ? <option value="">{all}</option> : null}
        {options.map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A list filter's date (or month) input in a grid column. */
export function DateFilter({
  id,
  label,
  column = 'one-half',
  value,
  type = 'date',
}: {
  id: string;
  label: string;
  column?: FilterColumn;
  value?: string;
  type?: 'date' | 'month';
}) {
  return (
    <div class={`govuk-grid-column-${column} govuk-form-group`}>
      <label class="govuk-label" for={id}>
        {label}
      </label>
      <input class="govuk-input govuk-input--width-10" id={id} name={id} type={type} value={value} />
    </div>
  );
}

/**
 * A table that may scroll sideways on a narrow screen. Focusable so that keyboard users can
 * scroll it, and a named region so that screen readers say what receives the focus.
 */
/** GOV.UK warning text: the "!" icon, "Cảnh báo" / "Warning" for screen readers, then the text. */
export function WarningText({ req, id, role, children }: { req: FastifyRequest; id?: string; role?: 'status' | 'alert'; children: Children }) {
  return (
    <div class="govuk-warning-text" id={id} role={role}>
      <span class="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong class="govuk-warning-text__text">
        <span class="govuk-visually-hidden">{t(req, 'Cảnh báo', 'Warning')}</span>
        {children}
      </strong>
    </div>
  );
}

export function TableWrap({ label, children }: { label: string; children: Children }) {
  return (
    <div class="cs-table-wrap" role="region" aria-label={label} tabindex={0}>
      {children}
    </div>
  );
}

export function Csrf({ req }: { req: FastifyRequest }) {
  return <input type="hidden" name="_csrf" value={req.csrfToken} />;
}

export function Pagination({
  req,
  page,
  total,
  pageSize,
  href,
}: {
  req: FastifyRequest;
  page: number;
  total: number;
  pageSize: number;
  href: (p: number) => string;
}) {
  const pages = Math.ceil(total / pageSize);
  if (pages <= 1) return null;
  return (
    <nav class="govuk-pagination" aria-label={t(req, 'Phân trang', 'Pagination')}>
      {page > 1 ? (
        <div class="govuk-pagination__prev">
          <a class="govuk-link govuk-pagination__link" href={href(page - 1)} rel="prev">
            <span class="govuk-pagination__link-title">{t(req, 'Trang trước', 'Previous')}</span>
          </a>
        </div>
      ) : null}
      <ul class="govuk-pagination__list">
        <li class="govuk-pagination__item govuk-pagination__item--current">
          <span class="govuk-pagination__link" aria-current="page">
            {t(req, `Trang ${page}/${pages}`, `Page ${page} of ${pages}`)}
          </span>
        </li>
      </ul>
      {page < pages ? (
        <div class="govuk-pagination__next">
          <a class="govuk-link govuk-pagination__link" href={href(page + 1)} rel="next">
            <span class="govuk-pagination__link-title">{t(req, 'Trang sau', 'Next')}</span>
          </a>
        </div>
      ) : null}
    </nav>
  );
}

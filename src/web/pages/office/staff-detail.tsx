import type { FastifyRequest } from 'fastify';
import type { Staff, Unit } from '../../../modules/organisation/schemas.ts';
import { STAFF_ROLE_LIST } from '../../../platform/auth/roles.ts';
import { Csrf, ErrorSummary, Layout, roleName, t } from '../../components/layout.tsx';

/** One official: their roles (remove some, add one) and whether the account is enabled. */
export function StaffDetailPage({ req, staff, units, error, saved, totp }: { req: FastifyRequest; staff: Staff; units: Unit[]; error?: string; saved?: boolean; totp?: { qr: string; secret: string } }) {
  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  const base = `/can-bo/nhan-su/${encodeURIComponent(staff.username)}`;
  return (
    <Layout req={req} area="office" title={staff.fullName}>
      <a href="/can-bo/nhan-su" class="govuk-back-link">{t(req, 'Danh sách cán bộ', 'All staff')}</a>
      <ErrorSummary req={req} errors={error ? [{ text: error, href: '#role' }] : []} />
      {saved ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">{t(req, 'Đã lưu thay đổi. Có hiệu lực từ lần đăng nhập tiếp theo.', 'Saved. It takes effect at the next sign-in.')}</p>
            {totp ? (
              <div class="cs-qr">
                <p class="govuk-body">{t(req, 'Vai trò mới cần xác thực hai lớp. Cán bộ quét mã này (chỉ hiển thị một lần):', 'The new role needs two-factor sign-in. The official scans this code (shown once):')}</p>
                <img src={totp.qr} alt={t(req, 'Mã QR đăng ký xác thực hai lớp', 'Two-factor enrolment QR code')} />
                <p class="govuk-body cs-mono">{totp.secret}</p>
              </div>
            ) : null}
          </div>
        </div>
      ) : null}
      <span class="govuk-caption-l">{staff.username}</span>
      <h1 class="govuk-heading-l">{staff.fullName}</h1>
      <form method="post" action={`${base}/vai-tro`} novalidate>
        <Csrf req={req} />
        <div class="govuk-form-group">
          <fieldset class="govuk-fieldset">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m"><h2 class="govuk-fieldset__heading">{t(req, 'Vai trò hiện có', 'Current roles')}</h2></legend>
            <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
              {staff.roles.map((r, i) => (
                <div class="govuk-checkboxes__item">
                  <input class="govuk-checkboxes__input" id={`keep-${i}`} name="keep" type="checkbox" value={`${r.role}@${r.unitId}`} checked />
                  <label class="govuk-label govuk-checkboxes__label" for={`keep-${i}`}>{roleName(req, r.role)} — {unitName(r.unitId)}</label>
                </div>
              ))}
            </div>
            <p class="govuk-hint">{t(req, 'Bỏ chọn để thu hồi vai trò.', 'Untick to withdraw a role.')}</p>
          </fieldset>
        </div>
        <h2 class="govuk-heading-m">{t(req, 'Thêm vai trò', 'Add a role')}</h2>
        <div class="govuk-form-group">
          <label class="govuk-label" for="role">{t(req, 'Vai trò', 'Role')}</label>
          <select class="govuk-select" id="role" name="role">
            <option value="">{t(req, '(không thêm)', '(none)')}</option>
            {STAFF_ROLE_LIST.map((r) => <option value={r}>{roleName(req, r)}</option>)}
          </select>
        </div>
        <div class="govuk-form-group">
          <label class="govuk-label" for="unitId">{t(req, 'Đơn vị', 'Unit')}</label>
          <select class="govuk-select govuk-!-width-full" id="unitId" name="unitId">
            {units.map((u) => <option value={u.id}>{`${u.name} (${u.id})`}</option>)}
          </select>
        </div>
        <button type="submit" class="govuk-button">{t(req, 'Lưu vai trò', 'Save roles')}</button>
      </form>
      <h2 class="govuk-heading-m">{t(req, 'Trạng thái tài khoản', 'Account status')}</h2>
      <p class="govuk-body">{staff.active ? t(req, 'Đang hoạt động.', 'Enabled.') : t(req, 'Đã khóa: không thể đăng nhập.', 'Disabled: cannot sign in.')}</p>
      <form method="post" action={`${base}/trang-thai`}>
        <Csrf req={req} />
        <input type="hidden" name="active" value={staff.active ? 'false' : 'true'} />
        <button type="submit" class={`govuk-button ${staff.active ? 'govuk-button--warning' : 'govuk-button--secondary'}`}>
          {staff.active ? t(req, 'Khóa tài khoản', 'Disable account') : t(req, 'Mở khóa tài khoản', 'Enable account')}
        </button>
      </form>
    </Layout>
  );
}

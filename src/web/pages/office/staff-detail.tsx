import type { FastifyRequest } from 'fastify';
import type { Staff, Unit } from '../../../modules/organisation/schemas.ts';
import { STAFF_ROLE_LIST } from '../../../platform/auth/roles.ts';
import { Csrf, ErrorSummary, Layout, roleName, t } from '../../components/layout.tsx';

export interface ResetDone {
  temporaryPassword: string | null;
  passwordReset: boolean;
  totpReset: boolean;
  sessionsEnded: number;
}

/**
 * One official: their roles (remove some, add one), whether the account is enabled, and the
 * credential reset (a temporary password shown once, the TOTP cleared).
 */
export function StaffDetailPage({
  req,
  staff,
  units,
  error,
  saved,
  totp,
  reset,
  resetErrors = [],
  resetValues = {},
}: {
  req: FastifyRequest;
  staff: Staff;
  units: Unit[];
  error?: string;
  saved?: boolean;
  totp?: { qr: string; secret: string };
  reset?: ResetDone;
  resetErrors?: { field: string; text: string }[];
  resetValues?: Record<string, string>;
}) {
  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  const base = `/can-bo/nhan-su/${encodeURIComponent(staff.username)}`;
  const rerr = (f: string) => resetErrors.find((e) => e.field === f)?.text;
  const passwordChoice = resetValues.password ?? 'generate';
  const summary = [
    ...(error ? [{ text: error, href: '#role' }] : []),
    ...resetErrors.map((e) => ({ text: e.text, href: `#${e.field === 'password' ? 'password-generate' : e.field}` })),
  ];
  return (
    <Layout req={req} area="office" title={staff.fullName}>
      <a href="/can-bo/nhan-su" class="govuk-back-link">
        {t(req, 'Danh sách cán bộ', 'All staff')}
      </a>
      <ErrorSummary req={req} errors={summary} />
      {reset ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="reset-title">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading" id="reset-title">
              {t(
                req,
                `Đã đặt lại thông tin đăng nhập của ${staff.fullName}. Các phiên đăng nhập của cán bộ (${reset.sessionsEnded}) đã kết thúc; lần đăng nhập tới cán bộ phải đặt mật khẩu mới.`,
                `${staff.fullName}'s sign-in details were reset. Their sessions (${reset.sessionsEnded}) have ended; at the next sign-in they must set a new password.`,
              )}
            </p>
            {reset.temporaryPassword ? (
              <p class="govuk-body">
                {t(
                  req,
                  'Mật khẩu tạm thời (chỉ hiển thị một lần, hãy trao trực tiếp cho cán bộ):',
                  'Temporary password (shown once; hand it to the official in person):',
                )}{' '}
                <strong class="cs-mono" id="temporary-password">
                  {reset.temporaryPassword}
                </strong>
              </p>
            ) : null}
            {reset.totpReset ? (
              <p class="govuk-body">
                {t(
                  req,
                  'Đã xóa TOTP: cán bộ đăng ký lại xác thực hai lớp khi đổi mật khẩu; đến lúc đó các vai trò cần xác thực hai lớp không có hiệu lực.',
                  'TOTP cleared: the official enrols two-factor sign-in again with the password change; until then, roles that need it do not apply.',
                )}
              </p>
            ) : null}
          </div>
        </div>
      ) : null}
      {saved ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(req, 'Đã lưu thay đổi. Có hiệu lực từ lần đăng nhập tiếp theo.', 'Saved. It takes effect at the next sign-in.')}
            </p>
            {totp ? (
              <div class="cs-qr">
                <p class="govuk-body">
                  {t(
                    req,
                    'Vai trò mới cần xác thực hai lớp. Cán bộ quét mã này (chỉ hiển thị một lần):',
                    'The new role needs two-factor sign-in. The official scans this code (shown once):',
                  )}
                </p>
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
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
              <h2 class="govuk-fieldset__heading">{t(req, 'Vai trò hiện có', 'Current roles')}</h2>
            </legend>
            <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
              {staff.roles.map((r, i) => (
                <div class="govuk-checkboxes__item">
                  <input class="govuk-checkboxes__input" id={`keep-${i}`} name="keep" type="checkbox" value={`${r.role}@${r.unitId}`} checked />
                  <label class="govuk-label govuk-checkboxes__label" for={`keep-${i}`}>
                    {roleName(req, r.role)} — {unitName(r.unitId)}
                  </label>
                </div>
              ))}
            </div>
            <p class="govuk-hint">{t(req, 'Bỏ chọn để thu hồi vai trò.', 'Untick to withdraw a role.')}</p>
          </fieldset>
        </div>
        <h2 class="govuk-heading-m">{t(req, 'Thêm vai trò', 'Add a role')}</h2>
        <div class="govuk-form-group">
          <label class="govuk-label" for="role">
            {t(req, 'Vai trò', 'Role')}
          </label>
          <select class="govuk-select" id="role" name="role">
            <option value="">{t(req, '(không thêm)', '(none)')}</option>
            {STAFF_ROLE_LIST.map((r) => (
              <option value={r}>{roleName(req, r)}</option>
            ))}
          </select>
        </div>
        <div class="govuk-form-group">
          <label class="govuk-label" for="unitId">
            {t(req, 'Đơn vị', 'Unit')}
          </label>
          <select class="govuk-select govuk-!-width-full" id="unitId" name="unitId">
            {units.map((u) => (
              <option value={u.id}>{`${u.name} (${u.id})`}</option>
            ))}
          </select>
        </div>
        <button type="submit" class="govuk-button">
          {t(req, 'Lưu vai trò', 'Save roles')}
        </button>
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

      <h2 class="govuk-heading-m" id="reset-heading">
        {t(req, 'Đặt lại mật khẩu và TOTP', 'Reset password and TOTP')}
      </h2>
      <p class="govuk-body">
        {t(
          req,
          'Dùng khi cán bộ quên mật khẩu hoặc mất thiết bị xác thực. Mọi phiên đăng nhập của cán bộ kết thúc ngay; lần đăng nhập tới cán bộ phải đặt mật khẩu mới.',
          'For an official who forgot their password or lost their authenticator. All their sessions end at once; at the next sign-in they must set a new password.',
        )}
      </p>
      <form method="post" action={`${base}/dat-lai`} novalidate aria-labelledby="reset-heading">
        <Csrf req={req} />
        <div class={`govuk-form-group${rerr('password') || rerr('temporaryPassword') ? ' govuk-form-group--error' : ''}`}>
          <fieldset class="govuk-fieldset">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, 'Mật khẩu', 'Password')}</legend>
            {rerr('password') ? (
              <p id="password-error" class="govuk-error-message">
                <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {rerr('password')}
              </p>
            ) : null}
            <div class="govuk-radios govuk-radios--small" data-module="govuk-radios">
              <div class="govuk-radios__item">
                <input
                  class="govuk-radios__input"
                  id="password-generate"
                  name="password"
                  type="radio"
                  value="generate"
                  checked={passwordChoice === 'generate'}
                />
                <label class="govuk-label govuk-radios__label" for="password-generate">
                  {t(req, 'Tạo mật khẩu tạm thời tự động', 'Generate a temporary password')}
                </label>
              </div>
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="password-set" name="password" type="radio" value="set" checked={passwordChoice === 'set'} />
                <label class="govuk-label govuk-radios__label" for="password-set">
                  {t(req, 'Tự nhập mật khẩu tạm thời', 'Type a temporary password')}
                </label>
              </div>
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="password-keep" name="password" type="radio" value="keep" checked={passwordChoice === 'keep'} />
                <label class="govuk-label govuk-radios__label" for="password-keep">
                  {t(req, 'Giữ mật khẩu hiện tại (chỉ đặt lại TOTP)', 'Keep the current password (reset the TOTP only)')}
                </label>
              </div>
            </div>
          </fieldset>
          <div class="govuk-form-group govuk-!-margin-top-3 govuk-!-margin-bottom-0">
            <label class="govuk-label" for="temporaryPassword">
              {t(req, 'Mật khẩu tạm thời (khi tự nhập)', 'Temporary password (when typed)')}
            </label>
            <div class="govuk-hint" id="temporaryPassword-hint">
              {t(req, 'Ít nhất 10 ký tự.', 'At least 10 characters.')}
            </div>
            {rerr('temporaryPassword') ? (
              <p id="temporaryPassword-error" class="govuk-error-message">
                <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {rerr('temporaryPassword')}
              </p>
            ) : null}
            <input
              class={`govuk-input govuk-!-width-one-half${rerr('temporaryPassword') ? ' govuk-input--error' : ''}`}
              id="temporaryPassword"
              name="temporaryPassword"
              type="text"
              autocomplete="off"
              spellcheck={false}
              aria-describedby={rerr('temporaryPassword') ? 'temporaryPassword-hint temporaryPassword-error' : 'temporaryPassword-hint'}
            />
          </div>
        </div>
        <div class={`govuk-form-group${rerr('confirm') ? ' govuk-form-group--error' : ''}`}>
          <fieldset class="govuk-fieldset">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{t(req, 'Xác thực hai lớp và xác nhận', 'Two-factor and confirmation')}</legend>
            {rerr('confirm') ? (
              <p id="confirm-error" class="govuk-error-message">
                <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {rerr('confirm')}
              </p>
            ) : null}
            <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
              <div class="govuk-checkboxes__item">
                <input
                  class="govuk-checkboxes__input"
                  id="resetTotp"
                  name="resetTotp"
                  type="checkbox"
                  value="true"
                  checked={resetValues.resetTotp !== undefined ? resetValues.resetTotp === 'true' : staff.totpEnabled}
                />
                <label class="govuk-label govuk-checkboxes__label" for="resetTotp">
                  {t(
                    req,
                    'Xóa TOTP: cán bộ đăng ký lại xác thực hai lớp khi đổi mật khẩu',
                    'Clear the TOTP: the official enrols two-factor sign-in again with the password change',
                  )}
                </label>
              </div>
              <div class="govuk-checkboxes__item">
                <input class="govuk-checkboxes__input" id="confirm" name="confirm" type="checkbox" value="yes" />
                <label class="govuk-label govuk-checkboxes__label" for="confirm">
                  {t(req, `Tôi xác nhận đặt lại thông tin đăng nhập của ${staff.fullName}`, `I confirm the reset of ${staff.fullName}'s sign-in details`)}
                </label>
              </div>
            </div>
          </fieldset>
        </div>
        <button type="submit" class="govuk-button govuk-button--warning">
          {t(req, 'Đặt lại mật khẩu và TOTP', 'Reset password and TOTP')}
        </button>
      </form>
    </Layout>
  );
}

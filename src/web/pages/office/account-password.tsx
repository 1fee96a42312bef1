import type { FastifyRequest } from 'fastify';
import { Csrf, ErrorSummary, FormGroup, Layout, t, WarningText } from '../../components/layout.tsx';

export type FormError = { field: string; text: string };

function PasswordField({
  req,
  id,
  label,
  hint,
  error,
  autocomplete,
}: {
  req: FastifyRequest;
  id: string;
  label: string;
  hint?: string;
  error?: string;
  autocomplete: string;
}) {
  return (
    <FormGroup
      req={req}
      id={id}
      label={label}
      labelClass="govuk-label--s"
      hint={hint}
      error={error}
      control={(describedBy) => (
        <input
          class={`govuk-input govuk-!-width-two-thirds${error ? ' govuk-input--error' : ''}`}
          id={id}
          name={id}
          type="password"
          autocomplete={autocomplete}
          spellcheck={false}
          aria-describedby={describedBy}
        />
      )}
    />
  );
}

/**
 * The official's own password change. After an administrator's reset it is the only page open
 * to them (and it says why); when their TOTP was cleared and a role needs one, the new secret
 * is enrolled here with a code from it.
 */
export function ChangePasswordPage({
  req,
  required,
  enrolment,
  errors = [],
}: {
  req: FastifyRequest;
  required: boolean;
  enrolment: { secret: string; uri: string; qr: string } | null;
  errors?: FormError[];
}) {
  const err = (f: string) => errors.find((e) => e.field === f)?.text;
  const title = t(req, 'Đổi mật khẩu', 'Change your password');
  return (
    <Layout req={req} area="office" title={title}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {required ? null : (
            <a href="/can-bo/tai-khoan" class="govuk-back-link">
              {t(req, 'Tài khoản của tôi', 'My account')}
            </a>
          )}
          <ErrorSummary req={req} errors={errors.map((e) => ({ href: `#${e.field === 'form' ? 'currentPassword' : e.field}`, text: e.text }))} />
          <h1 class="govuk-heading-l">{title}</h1>
          {required ? (
            <WarningText req={req}>
              {t(
                req,
                'Quản trị viên đã đặt lại thông tin đăng nhập của bạn. Hãy đặt mật khẩu mới để tiếp tục sử dụng hệ thống.',
                'An administrator has reset your sign-in details. Set a new password to go on using the system.',
              )}
            </WarningText>
          ) : null}
          <form method="post" action="/can-bo/doi-mat-khau" novalidate>
            <Csrf req={req} />
            <PasswordField
              req={req}
              id="currentPassword"
              autocomplete="current-password"
              error={err('currentPassword')}
              label={
                required
                  ? t(req, 'Mật khẩu hiện tại (mật khẩu tạm thời quản trị viên đã cấp)', 'Current password (the temporary one the administrator gave you)')
                  : t(req, 'Mật khẩu hiện tại', 'Current password')
              }
            />
            <PasswordField
              req={req}
              id="newPassword"
              autocomplete="new-password"
              error={err('newPassword')}
              label={t(req, 'Mật khẩu mới', 'New password')}
              hint={t(
                req,
                'Ít nhất 10 ký tự, khác mật khẩu hiện tại. Nên dùng một cụm từ dễ nhớ.',
                'At least 10 characters, not the current one. A memorable phrase works well.',
              )}
            />
            <PasswordField
              req={req}
              id="confirmPassword"
              autocomplete="new-password"
              error={err('confirmPassword')}
              label={t(req, 'Nhập lại mật khẩu mới', 'Confirm the new password')}
            />
            {enrolment ? (
              <fieldset class="govuk-fieldset govuk-!-margin-bottom-6" aria-describedby="totp-hint">
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
                  <h2 class="govuk-fieldset__heading">{t(req, 'Đăng ký lại xác thực hai lớp', 'Enrol two-factor authentication again')}</h2>
                </legend>
                <p class="govuk-body" id="totp-hint">
                  {t(
                    req,
                    'Vai trò của bạn cần xác thực hai lớp. Quét mã QR bằng ứng dụng xác thực (hoặc nhập khóa bên dưới), rồi nhập mã 6 chữ số ứng dụng hiển thị.',
                    'Your role needs two-factor sign-in. Scan the QR code with your authenticator app (or type the key below), then enter the 6-digit code it shows.',
                  )}
                </p>
                <div class="cs-qr">
                  <img src={enrolment.qr} alt={t(req, 'Mã QR đăng ký xác thực hai lớp', 'Two-factor enrolment QR code')} width={200} height={200} />
                  <p class="govuk-body">
                    {t(req, 'Khóa bí mật:', 'Secret key:')}{' '}
                    <span class="cs-mono" id="totp-secret">
                      {enrolment.secret}
                    </span>
                  </p>
                </div>
                <div class={`govuk-form-group${err('otp') ? ' govuk-form-group--error' : ''}`}>
                  <label class="govuk-label govuk-label--s" for="otp">
                    {t(req, 'Mã xác thực (6 chữ số)', 'Authentication code (6 digits)')}
                  </label>
                  {err('otp') ? (
                    <p id="otp-error" class="govuk-error-message">
                      <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {err('otp')}
                    </p>
                  ) : null}
                  <input
                    class={`govuk-input govuk-input--width-5${err('otp') ? ' govuk-input--error' : ''}`}
                    id="otp"
                    name="otp"
                    type="text"
                    inputMode="numeric"
                    pattern="[0-9]*"
                    autocomplete="one-time-code"
                    aria-describedby={err('otp') ? 'otp-error' : undefined}
                  />
                </div>
              </fieldset>
            ) : null}
            <button type="submit" class="govuk-button">
              {t(req, 'Đổi mật khẩu', 'Change password')}
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

import type { FastifyRequest } from 'fastify';
import { Csrf, ErrorSummary, Layout, t } from '../../components/layout.tsx';

export function OfficeSignInPage({
  req,
  username = '',
  error,
  next,
  notice,
}: {
  req: FastifyRequest;
  username?: string;
  error?: string;
  next: string;
  notice?: string;
}) {
  return (
    <Layout req={req} area="office" title={t(req, 'Đăng nhập cán bộ', 'Official sign-in')}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary req={req} errors={error ? [{ text: error, href: '#username' }] : []} />
          {notice ? (
            <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="notice-title">
              <div class="govuk-notification-banner__content">
                <p class="govuk-notification-banner__heading" id="notice-title">
                  {notice}
                </p>
              </div>
            </div>
          ) : null}
          <h1 class="govuk-heading-l">{t(req, 'Đăng nhập hệ thống một cửa điện tử', 'Sign in to the one-stop back office')}</h1>
          <form method="post" action="/can-bo/dang-nhap" novalidate>
            <Csrf req={req} />
            <input type="hidden" name="next" value={next} />
            <div class="govuk-form-group">
              <label class="govuk-label" for="username">
                {t(req, 'Tên đăng nhập', 'Username')}
              </label>
              <input
                class="govuk-input govuk-!-width-two-thirds"
                id="username"
                name="username"
                type="text"
                autocomplete="username"
                spellcheck={false}
                value={username}
                required
              />
            </div>
            <div class="govuk-form-group">
              <label class="govuk-label" for="password">
                {t(req, 'Mật khẩu', 'Password')}
              </label>
              <input class="govuk-input govuk-!-width-two-thirds" id="password" name="password" type="password" autocomplete="current-password" required />
            </div>
            <div class="govuk-form-group">
              <label class="govuk-label" for="otp">
                {t(req, 'Mã xác thực (6 chữ số)', 'Authentication code (6 digits)')}
              </label>
              <div class="govuk-hint" id="otp-hint">
                {t(
                  req,
                  'Bắt buộc với lãnh đạo ký duyệt, quản trị và mọi tài khoản đã bật xác thực hai lớp: mã từ ứng dụng xác thực.',
                  'Required for signers, administrators and every account with two-step verification: the code from your authenticator app.',
                )}
              </div>
              <input
                class="govuk-input govuk-input--width-5"
                id="otp"
                name="otp"
                type="text"
                inputMode="numeric"
                pattern="[0-9]*"
                autocomplete="one-time-code"
                aria-describedby="otp-hint"
              />
            </div>
            <button type="submit" class="govuk-button">
              {t(req, 'Đăng nhập', 'Sign in')}
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

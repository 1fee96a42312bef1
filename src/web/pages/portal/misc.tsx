import type { FastifyRequest } from 'fastify';
import type { AppError } from '../../../platform/errors.ts';
import { Layout, t } from '../../components/layout.tsx';

export function SignInChooser({ req, next, error }: { req: FastifyRequest; next: string; error?: string }) {
  return (
    <Layout req={req} area="portal" title={t(req, 'Đăng nhập', 'Sign in')}>
      <h1 class="govuk-heading-l">{t(req, 'Đăng nhập', 'Sign in')}</h1>
      {error ? (
        <div class="govuk-error-summary" role="alert">
          <h2 class="govuk-error-summary__title">{error}</h2>
        </div>
      ) : null}
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-half">
          <div class="cs-card">
            <h2 class="govuk-heading-m">{t(req, 'Người dân, doanh nghiệp', 'Citizens and businesses')}</h2>
            <p class="govuk-body">
              {t(
                req,
                'Đăng nhập bằng tài khoản định danh điện tử VNeID qua hệ thống xác thực quốc gia.',
                'Sign in with your VNeID electronic identity through the national single sign-on.',
              )}
            </p>
            <a class="govuk-button" role="button" href={`/dang-nhap/vneid?next=${encodeURIComponent(next)}`}>
              {t(req, 'Đăng nhập bằng VNeID', 'Sign in with VNeID')}
            </a>
          </div>
        </div>
        <div class="govuk-grid-column-one-half">
          <div class="cs-card">
            <h2 class="govuk-heading-m">{t(req, 'Cán bộ, công chức', 'Officials')}</h2>
            <p class="govuk-body">
              {t(
                req,
                'Đăng nhập hệ thống một cửa điện tử bằng tài khoản cơ quan và mã xác thực.',
                'Sign in to the one-stop back office with your agency account and code.',
              )}
            </p>
            <a class="govuk-button govuk-button--secondary" role="button" href="/can-bo/dang-nhap">
              {t(req, 'Đăng nhập cán bộ', 'Official sign-in')}
            </a>
          </div>
        </div>
      </div>
    </Layout>
  );
}

export function ErrorPage({ req, e }: { req: FastifyRequest; e: AppError }) {
  const office = req.url.startsWith('/can-bo');
  return (
    <Layout req={req} area={office ? 'office' : 'portal'} title={t(req, 'Có lỗi', 'Error')}>
      <h1 class="govuk-heading-l">
        {e.status === 404 ? t(req, 'Không tìm thấy trang', 'Page not found') : t(req, 'Không thực hiện được yêu cầu', 'The request could not be completed')}
      </h1>
      <p class="govuk-body">{t(req, e.text.vi, e.text.en)}</p>
      {e.details?.length ? (
        <ul class="govuk-list govuk-list--bullet">
          {e.details.map((d) => (
            <li>
              {d.path}: {t(req, d.message, d.messageEn)}
            </li>
          ))}
        </ul>
      ) : null}
      <p class="govuk-body">
        <a class="govuk-link" href={office ? '/can-bo' : '/'}>
          {t(req, 'Về trang chủ', 'Go to the home page')}
        </a>
      </p>
    </Layout>
  );
}

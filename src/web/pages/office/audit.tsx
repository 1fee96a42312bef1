import type { FastifyRequest } from 'fastify';
import type { AuditRow, VerifyResult } from '../../../platform/audit/index.ts';
import { formatDateTime } from '../../../platform/i18n/index.ts';
import { Csrf, Layout, t, TableWrap } from '../../components/layout.tsx';

export function VerifyResultView({ req, r }: { req: FastifyRequest; r: VerifyResult }) {
  return (
    <div id="verify-result" role="status">
      {r.ok ? (
        <div class="govuk-notification-banner govuk-notification-banner--success"><div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">{t(req, `Chuỗi nhật ký toàn vẹn: đã kiểm tra ${r.checked} bản ghi.`, `Audit chain intact: ${r.checked} entries checked.`)}</p></div></div>
      ) : (
        <div class="govuk-error-summary"><h2 class="govuk-error-summary__title">{t(req, `Phát hiện sửa đổi: bản ghi #${r.firstBrokenId} không khớp chuỗi băm (đã kiểm tra ${r.checked}).`, `Tampering detected: entry #${r.firstBrokenId} breaks the hash chain (${r.checked} checked).`)}</h2></div>
      )}
    </div>
  );
}

export function AuditPage({ req, rows, next }: { req: FastifyRequest; rows: AuditRow[]; next: number | null }) {
  return (
    <Layout req={req} area="office" title={t(req, 'Nhật ký hệ thống', 'Audit trail')}>
      <h1 class="govuk-heading-l">{t(req, 'Nhật ký hệ thống', 'Audit trail')}</h1>
      <p class="govuk-body">{t(req, 'Nhật ký chỉ ghi thêm; mỗi bản ghi chứa mã băm của bản ghi trước nên mọi sửa đổi đều bị phát hiện.', 'The trail is append-only; each entry holds the hash of the one before, so any change is detected.')}</p>
      <form method="post" action="/can-bo/nhat-ky/kiem-tra" hx-post="/can-bo/nhat-ky/kiem-tra" hx-target="#verify-result" hx-swap="outerHTML">
        <Csrf req={req} />
        <button type="submit" class="govuk-button govuk-button--secondary">{t(req, 'Kiểm tra tính toàn vẹn', 'Verify integrity')}</button>
      </form>
      <div id="verify-result"></div>
      <TableWrap label={t(req, 'Nhật ký hệ thống', 'Audit trail')}>
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-table__caption--s">{t(req, 'Mới nhất trước', 'Newest first')}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">#</th>
              <th scope="col" class="govuk-table__header">{t(req, 'Thời điểm', 'When')}</th>
              <th scope="col" class="govuk-table__header">{t(req, 'Người thực hiện', 'Actor')}</th>
              <th scope="col" class="govuk-table__header">{t(req, 'Hành động', 'Action')}</th>
              <th scope="col" class="govuk-table__header">{t(req, 'Đối tượng', 'Target')}</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {rows.map((r) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">{r.id}</td>
                <td class="govuk-table__cell">{formatDateTime(req.lang, r.at)}</td>
                <td class="govuk-table__cell">{r.actor}</td>
                <td class="govuk-table__cell">{r.action}</td>
                <td class="govuk-table__cell">{r.target ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {next ? <p class="govuk-body"><a class="govuk-link" href={`/can-bo/nhat-ky?before=${next}`}>{t(req, 'Cũ hơn', 'Older')}</a></p> : null}
    </Layout>
  );
}

export function AccountPage({ req, totpEnabled }: { req: FastifyRequest; totpEnabled: boolean }) {
  const p = req.principal;
  if (p?.kind !== 'staff') return null;
  return (
    <Layout req={req} area="office" title={t(req, 'Tài khoản', 'My account')}>
      <h1 class="govuk-heading-l">{t(req, 'Tài khoản của tôi', 'My account')}</h1>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{t(req, 'Họ tên', 'Name')}</dt><dd class="govuk-summary-list__value">{p.name}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{t(req, 'Tên đăng nhập', 'Username')}</dt><dd class="govuk-summary-list__value">{p.username}</dd></div>
        <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{t(req, 'Xác thực hai lớp', 'Two-factor authentication')}</dt><dd class="govuk-summary-list__value">{totpEnabled ? t(req, 'Đang bật (TOTP)', 'On (TOTP)') : t(req, 'Chưa bật', 'Off')}</dd></div>
      </dl>
      <form method="post" action="/can-bo/dang-xuat">
        <Csrf req={req} />
        <button type="submit" class="govuk-button govuk-button--warning">{t(req, 'Đăng xuất', 'Sign out')}</button>
      </form>
    </Layout>
  );
}

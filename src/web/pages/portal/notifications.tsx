import type { FastifyRequest } from 'fastify';
import type { CitizenNotification } from '../../../modules/notifications/list-citizen-notifications.ts';
import { Layout, t } from '../../components/layout.tsx';
import { formatDateTime } from '../../../platform/i18n/index.ts';

export const NOTIFICATIONS_URL = '/thong-bao';

/**
 * The signed-in citizen's notifications, newest first: what happened to each dossier, with a
 * link to it. Those unread when the page was opened are marked "Mới" (the page then marks
 * them read, so the header's count goes down).
 */
export function NotificationsPage({ req, items, page, more }: { req: FastifyRequest; items: CitizenNotification[]; page: number; more: boolean }) {
  const title = t(req, 'Thông báo', 'Notifications');
  const unread = items.filter((n) => !n.readAt).length;
  return (
    <Layout req={req} area="portal" title={title}>
      <h1 class="govuk-heading-l">{title}</h1>
      {items.length ? (
        <>
          <p class="govuk-body">
            {unread
              ? t(req, `${unread} thông báo mới kể từ lần bạn xem trước.`, `${unread} new since you last looked.`)
              : t(req, 'Không có thông báo mới.', 'Nothing new.')}
          </p>
          <ol class="govuk-list">
            {items.map((n) => (
              <li class="govuk-!-margin-bottom-4">
                <h2 class="govuk-heading-s govuk-!-margin-bottom-1">
                  {n.readAt ? null : <strong class="govuk-tag govuk-tag--blue govuk-!-margin-right-1">{t(req, 'Mới', 'New')}</strong>}
                  {n.subject}
                </h2>
                <p class="govuk-body-s cs-meta govuk-!-margin-bottom-1">{formatDateTime(req.lang, n.createdAt)}</p>
                {n.blocks.map((b) =>
                  'p' in b ? (
                    <p class="govuk-body govuk-!-margin-bottom-1">{b.p}</p>
                  ) : 'list' in b ? (
                    <ul class="govuk-list govuk-list--bullet">
                      {b.list.map((i) => (
                        <li>{i}</li>
                      ))}
                    </ul>
                  ) : (
                    <p class="govuk-body govuk-!-margin-bottom-1">
                      <a class="govuk-link" href={b.link.url}>
                        {b.link.label}
                      </a>
                    </p>
                  ),
                )}
                {n.dossierCode ? (
                  <p class="govuk-body">
                    <a class="govuk-link" href={`/ho-so-cua-toi/${encodeURIComponent(n.dossierCode)}`}>
                      {t(req, `Xem hồ sơ ${n.dossierCode}`, `View dossier ${n.dossierCode}`)}
                    </a>
                  </p>
                ) : null}
                <hr class="govuk-section-break govuk-section-break--visible" />
              </li>
            ))}
          </ol>
          {page > 1 || more ? (
            <nav class="govuk-pagination" aria-label={t(req, 'Phân trang', 'Pagination')}>
              {page > 1 ? (
                <div class="govuk-pagination__prev">
                  <a class="govuk-link govuk-pagination__link" href={`${NOTIFICATIONS_URL}?page=${page - 1}`} rel="prev">
                    <span class="govuk-pagination__link-title">{t(req, 'Mới hơn', 'Newer')}</span>
                  </a>
                </div>
              ) : null}
              {more ? (
                <div class="govuk-pagination__next">
                  <a class="govuk-link govuk-pagination__link" href={`${NOTIFICATIONS_URL}?page=${page + 1}`} rel="next">
                    <span class="govuk-pagination__link-title">{t(req, 'Cũ hơn', 'Older')}</span>
                  </a>
                </div>
              ) : null}
            </nav>
          ) : null}
        </>
      ) : (
        <p class="govuk-body">
          {t(
            req,
            'Bạn chưa có thông báo nào. Khi hồ sơ của bạn được tiếp nhận, cần bổ sung hoặc có kết quả, thông báo sẽ hiện ở đây.',
            'You have no notifications yet. When your dossier is received, needs more documents or has its result, you are told here.',
          )}
        </p>
      )}
    </Layout>
  );
}

import type { FastifyRequest } from 'fastify';
import type { Unit } from '../../../modules/organisation/schemas.ts';
import { Layout, roleName, t, visibleOfficeNav } from '../../components/layout.tsx';
import { numberFormat } from '../../../platform/i18n/index.ts';

/** This month's service index of the official's units (leaders, auditors, administrators): the card that opens the dashboard. */
export interface OverviewScore {
  total: number;
  from: string;
  to: string;
}

const day = (req: FastifyRequest, d: string) => (req.lang === 'en' ? d : d.split('-').reverse().join('/'));

export function OverviewPage({ req, units, procedures, score }: { req: FastifyRequest; units: Unit[]; procedures: number; score?: OverviewScore | null }) {
  const p = req.principal;
  if (p?.kind !== 'staff') return null;
  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  return (
    <Layout req={req} area="office" title={t(req, 'Tổng quan', 'Overview')}>
      <h1 class="govuk-heading-l">{t(req, `Xin chào, ${p.name}`, `Hello, ${p.name}`)}</h1>
      {score ? (
        <div class="cs-card" id="overview-score">
          <h2 class="govuk-heading-m govuk-!-margin-bottom-2">{t(req, 'Chỉ số phục vụ người dân, doanh nghiệp', 'Service index')}</h2>
          <p class="govuk-body govuk-!-margin-0">
            {t(req, `Tháng này (${day(req, score.from)} – ${day(req, score.to)})`, `This month (${day(req, score.from)} – ${day(req, score.to)})`)}
          </p>
          <p class="govuk-heading-xl govuk-!-margin-bottom-2">
            {numberFormat(req.lang, 2).format(score.total)}
            <span class="govuk-body"> / 100</span>
          </p>
          <p class="govuk-body govuk-!-margin-0">
            <a class="govuk-link" href="/can-bo/chi-so">
              {t(req, 'Xem chỉ số, xu hướng, hồ sơ quá hạn và báo cáo tháng', 'See the index, trends, overdue dossiers and the monthly report')}
            </a>
          </p>
        </div>
      ) : null}
      <h2 class="govuk-heading-m">{t(req, 'Vai trò của bạn', 'Your roles')}</h2>
      <ul class="govuk-list govuk-list--bullet">
        {p.roles.map((r) => (
          <li>
            {roleName(req, r.role)} — {unitName(r.unitId)} <span class="cs-meta">({r.unitId})</span>
          </li>
        ))}
      </ul>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-half">
          <div class="cs-card">
            <p class="govuk-body govuk-!-margin-0">{t(req, 'Thủ tục đang hiệu lực', 'Procedures in force')}</p>
            <p class="govuk-heading-xl govuk-!-margin-0">{procedures}</p>
          </div>
        </div>
        <div class="govuk-grid-column-one-half">
          <div class="cs-card">
            <p class="govuk-body govuk-!-margin-0">{t(req, 'Đơn vị', 'Units')}</p>
            <p class="govuk-heading-xl govuk-!-margin-0">{units.length}</p>
          </div>
        </div>
      </div>
      <h2 class="govuk-heading-m">{t(req, 'Chức năng', 'What you can do')}</h2>
      <ul class="govuk-list">
        {visibleOfficeNav(req)
          .slice(1)
          .map((n) => (
            <li>
              <a class="govuk-link" href={n.href}>
                {t(req, n.vi, n.en)}
              </a>
            </li>
          ))}
      </ul>
    </Layout>
  );
}

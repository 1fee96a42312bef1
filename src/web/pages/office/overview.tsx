import type { FastifyRequest } from 'fastify';
import type { Unit } from '../../../modules/organisation/schemas.ts';
import { Layout, roleName, t, visibleOfficeNav } from '../../components/layout.tsx';

export function OverviewPage({ req, units, procedures }: { req: FastifyRequest; units: Unit[]; procedures: number }) {
  const p = req.principal;
  if (p?.kind !== 'staff') return null;
  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  return (
    <Layout req={req} area="office" title={t(req, 'Tổng quan', 'Overview')}>
      <h1 class="govuk-heading-l">{t(req, `Xin chào, ${p.name}`, `Hello, ${p.name}`)}</h1>
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

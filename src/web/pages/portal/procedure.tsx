import type { FastifyRequest } from 'fastify';
import { formatBudget, formatDate, formatVnd } from '../../../platform/i18n/index.ts';
import type { ProcedureDetail } from '../../../modules/catalog/get-procedure.ts';
import { Layout, TableWrap, t, roleName } from '../../components/layout.tsx';
import { LevelBadge } from './catalogue.tsx';
import { formatTimeLimit } from '../../../modules/catalog/processing-time.ts';

const CHANNEL = { ONLINE: ['Trực tuyến', 'Online'], POSTAL: ['Dịch vụ bưu chính', 'By post'], DIRECT: ['Trực tiếp', 'In person'] } as const;
const FEE_TYPE: Record<string, [string, string]> = { FEE: ['Lệ phí', 'Fee'], CHARGE: ['Phí', 'Charge'], SERVICE_FEE: ['Phí, lệ phí', 'Fee'] };

export function MethodsTable({ req, p }: { req: FastifyRequest; p: ProcedureDetail }) {
  return (
    <TableWrap label={t(req, 'Cách thức thực hiện', 'How to apply')}>
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-table__caption--m">{t(req, 'Cách thức thực hiện', 'How to apply')}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">
              {t(req, 'Hình thức nộp', 'Channel')}
            </th>
            <th scope="col" class="govuk-table__header">
              {t(req, 'Thời hạn giải quyết', 'Time limit')}
            </th>
            <th scope="col" class="govuk-table__header">
              {t(req, 'Phí, lệ phí', 'Fees')}
            </th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {p.methods.map((m) => (
            <tr class="govuk-table__row">
              <th scope="row" class="govuk-table__header">
                {t(req, CHANNEL[m.channel][0], CHANNEL[m.channel][1])}
              </th>
              <td class="govuk-table__cell">{formatTimeLimit(req.lang, m, p.workflow)}</td>
              <td class="govuk-table__cell">
                {m.fees.length === 0 || m.fees.every((f) => f.value === 0)
                  ? t(req, 'Không thu phí', 'Free')
                  : m.fees.map((f) => (
                      <div>
                        {t(req, (FEE_TYPE[f.type] ?? FEE_TYPE.FEE)[0], (FEE_TYPE[f.type] ?? FEE_TYPE.FEE)[1])}: {formatVnd(f.value)}
                        {f.description ? <span class="cs-meta"> — {f.description}</span> : null}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function ComponentsList({ req, p }: { req: FastifyRequest; p: ProcedureDetail }) {
  return (
    <>
      <h2 class="govuk-heading-m">{t(req, 'Thành phần hồ sơ', 'Dossier components')}</h2>
      {p.cases.map((c) => (
        <>
          {c.name ? <h3 class="govuk-heading-s">{c.name}</h3> : null}
          <TableWrap label={c.name || t(req, 'Thành phần hồ sơ', 'Dossier components')}>
            <table class="govuk-table">
              <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Tên giấy tờ', 'Document')}
                  </th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                    {t(req, 'Bản chính', 'Originals')}
                  </th>
                  <th scope="col" class="govuk-table__header govuk-table__header--numeric">
                    {t(req, 'Bản sao', 'Copies')}
                  </th>
                  <th scope="col" class="govuk-table__header">
                    {t(req, 'Bắt buộc', 'Required')}
                  </th>
                </tr>
              </thead>
              <tbody class="govuk-table__body">
                {c.components.map((x) => (
                  <tr class="govuk-table__row">
                    <td class="govuk-table__cell">{x.name}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{x.originalQty}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{x.copyQty}</td>
                    <td class="govuk-table__cell">{x.required ? t(req, 'Có', 'Yes') : t(req, 'Không', 'No')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      ))}
    </>
  );
}

export function ProcedurePage({ req, p }: { req: FastifyRequest; p: ProcedureDetail }) {
  return (
    <Layout req={req} area="portal" title={p.name}>
      <nav class="govuk-breadcrumbs" aria-label={t(req, 'Vị trí', 'Breadcrumb')}>
        <ol class="govuk-breadcrumbs__list">
          <li class="govuk-breadcrumbs__list-item">
            <a class="govuk-breadcrumbs__link" href="/">
              {t(req, 'Trang chủ', 'Home')}
            </a>
          </li>
          <li class="govuk-breadcrumbs__list-item">
            <a class="govuk-breadcrumbs__link" href="/thu-tuc">
              {t(req, 'Thủ tục hành chính', 'Procedures')}
            </a>
          </li>
        </ol>
      </nav>
      <span class="govuk-caption-m">
        {t(req, 'Mã thủ tục', 'Procedure code')} {p.code} · {p.field}
      </span>
      <h1 class="govuk-heading-l">{p.name}</h1>
      <p class="govuk-body">
        <LevelBadge req={req} level={p.level} />{' '}
        {p.agencyName ? (
          <span>
            {t(req, 'Cơ quan thực hiện', 'Agency')}: {p.agencyName}
          </span>
        ) : null}
      </p>
      <a
        href={`/thu-tuc/${encodeURIComponent(p.code)}/nop-ho-so`}
        role="button"
        draggable={false}
        class="govuk-button govuk-button--start"
        data-module="govuk-button"
      >
        {t(req, 'Nộp hồ sơ trực tuyến', 'Apply online')}
      </a>
      <MethodsTable req={req} p={p} />
      <ComponentsList req={req} p={p} />
      {p.steps.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Trình tự thực hiện', 'Steps')}</h2>
          <ol class="govuk-list govuk-list--number">
            {p.steps.map((s) => (
              <li>
                {s.name ? <strong>{s.name}. </strong> : null}
                <span style={undefined}>{s.description}</span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {p.workflow.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Quy trình xử lý nội bộ', 'Internal workflow')}</h2>
          <ol class="govuk-list govuk-list--number">
            {p.workflow.map((w) => (
              <li>
                {req.lang === 'en' && w.nameEn ? w.nameEn : w.name} — {roleName(req, w.role)} ({formatBudget(req.lang, w.workingDays)})
              </li>
            ))}
          </ol>
        </>
      ) : null}
      <h2 class="govuk-heading-m">{t(req, 'Kết quả', 'Result')}</h2>
      <p class="govuk-body">{p.resultType ?? t(req, 'Theo quy định', 'As regulated')}</p>
      {p.legalBasis.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Căn cứ pháp lý', 'Legal basis')}</h2>
          <ul class="govuk-list govuk-list--bullet">
            {p.legalBasis.map((l) => (
              <li>{l}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p class="govuk-body-s cs-meta">
        {t(
          req,
          `Phiên bản ${p.version}, hiệu lực từ ${formatDate('vi', p.effectiveFrom)}`,
          `Version ${p.version}, in force since ${formatDate('en', p.effectiveFrom)}`,
        )}
      </p>
    </Layout>
  );
}

/** What an applicant prepares before filing: the components, the e-form's fields, fees and time. */
export function PreparePage({ req, p }: { req: FastifyRequest; p: ProcedureDetail }) {
  const props = Object.entries((p.eForm?.properties ?? {}) as Record<string, { title?: string; 'x-title-en'?: string }>);
  const required = new Set((p.eForm?.required as string[] | undefined) ?? []);
  return (
    <Layout req={req} area="portal" title={t(req, 'Chuẩn bị hồ sơ', 'Prepare your dossier')}>
      <span class="govuk-caption-m">{p.code}</span>
      <h1 class="govuk-heading-l">
        {t(req, 'Chuẩn bị hồ sơ', 'Prepare your dossier')}: {p.name}
      </h1>
      <div class="govuk-inset-text">
        {t(
          req,
          'Bạn đã đăng nhập. Chuẩn bị các thông tin và giấy tờ dưới đây để nộp hồ sơ trực tuyến.',
          'You are signed in. Have the information and documents below ready to file online.',
        )}
      </div>
      {props.length ? (
        <>
          <h2 class="govuk-heading-m">{t(req, 'Thông tin cần khai trên tờ khai điện tử', 'Information asked on the e-form')}</h2>
          <ul class="govuk-list govuk-list--bullet">
            {props.map(([k, s]) => (
              <li>
                {req.lang === 'en' && s['x-title-en'] ? s['x-title-en'] : (s.title ?? k)}
                {required.has(k) ? ` (${t(req, 'bắt buộc', 'required')})` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <ComponentsList req={req} p={p} />
      <MethodsTable req={req} p={p} />
      <a href={`/nop-ho-so/${encodeURIComponent(p.code)}`} role="button" draggable={false} class="govuk-button govuk-button--start" data-module="govuk-button">
        {t(req, 'Bắt đầu khai và nộp hồ sơ', 'Start filling in and filing')}
      </a>
      <p class="govuk-body">
        <a class="govuk-link" href={`/thu-tuc/${encodeURIComponent(p.code)}`}>
          {t(req, 'Quay lại thông tin thủ tục', 'Back to the procedure')}
        </a>
      </p>
    </Layout>
  );
}

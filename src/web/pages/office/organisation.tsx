import type { FastifyRequest } from 'fastify';
import type { Staff, Unit } from '../../../modules/organisation/schemas.ts';
import type { UnitNode } from '../../../modules/organisation/list-units.ts';
import { STAFF_ROLE_LIST } from '../../../platform/auth/roles.ts';
import { Csrf, ErrorSummary, Layout, roleName, t, TableWrap } from '../../components/layout.tsx';

type FormError = { field: string; text: string };

function Tree({ req, nodes }: { req: FastifyRequest; nodes: UnitNode[] }) {
  return (
    <ul class="govuk-list">
      {nodes.map((n) => (
        <li>
          <strong>{n.name}</strong>{' '}
          <span class="cs-meta">
            {n.id}
            {n.nameEn && req.lang === 'en' ? ` · ${n.nameEn}` : ''}
          </span>
          {n.children.length ? (
            <div class="cs-tree">
              <Tree req={req} nodes={n.children} />
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function Field({ req, id, label, error, children }: { req: FastifyRequest; id: string; label: string; error?: string; children: preact.ComponentChildren }) {
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label" for={id}>
        {label}
      </label>
      {error ? (
        <p id={`${id}-error`} class="govuk-error-message">
          <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {error}
        </p>
      ) : null}
      {children}
    </div>
  );
}

export function UnitsPage({
  req,
  tree,
  units,
  canEdit,
  errors = [],
  values = {},
  created,
}: {
  req: FastifyRequest;
  tree: UnitNode[];
  units: Unit[];
  canEdit: boolean;
  errors?: FormError[];
  values?: Record<string, string>;
  created?: string;
}) {
  const err = (f: string) => errors.find((e) => e.field === f)?.text;
  return (
    <Layout req={req} area="office" title={t(req, 'Cơ cấu tổ chức', 'Organisation')}>
      <h1 class="govuk-heading-l">{t(req, 'Cơ cấu tổ chức', 'Organisation')}</h1>
      {created ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">{t(req, `Đã thêm đơn vị ${created}`, `Unit ${created} added`)}</p>
          </div>
        </div>
      ) : null}
      <Tree req={req} nodes={tree} />
      {canEdit ? (
        <>
          <h2 class="govuk-heading-m" id="them">
            {t(req, 'Thêm đơn vị', 'Add a unit')}
          </h2>
          <ErrorSummary req={req} errors={errors.map((e) => ({ href: `#${e.field}`, text: e.text }))} />
          <form method="post" action="/can-bo/don-vi" novalidate>
            <Csrf req={req} />
            <Field
              req={req}
              id="id"
              label={t(req, 'Mã định danh điện tử (ví dụ 000.05.04.G12)', 'Electronic identifier (e.g. 000.05.04.G12)')}
              error={err('id')}
            >
              <input class="govuk-input govuk-input--width-20" id="id" name="id" type="text" value={values.id ?? ''} spellcheck={false} />
            </Field>
            <Field req={req} id="name" label={t(req, 'Tên đơn vị', 'Name')} error={err('name')}>
              <input class="govuk-input" id="name" name="name" type="text" value={values.name ?? ''} />
            </Field>
            <Field req={req} id="nameEn" label={t(req, 'Tên tiếng Anh', 'English name')} error={err('nameEn')}>
              <input class="govuk-input" id="nameEn" name="nameEn" type="text" value={values.nameEn ?? ''} />
            </Field>
            <Field req={req} id="parentId" label={t(req, 'Đơn vị cấp trên', 'Parent unit')} error={err('parentId')}>
              <select class="govuk-select govuk-!-width-full" id="parentId" name="parentId">
                {units.map((u) => (
                  <option value={u.id} selected={values.parentId === u.id}>{`${u.name} (${u.id})`}</option>
                ))}
              </select>
            </Field>
            <Field req={req} id="kind" label={t(req, 'Loại', 'Kind')} error={err('kind')}>
              <select class="govuk-select" id="kind" name="kind">
                <option value="department" selected={values.kind === 'department'}>
                  {t(req, 'Cục, Vụ (cấp 2)', 'Department')}
                </option>
                <option value="unit" selected={values.kind !== 'department'}>
                  {t(req, 'Phòng, đơn vị (cấp 3)', 'Unit')}
                </option>
              </select>
            </Field>
            <button type="submit" class="govuk-button">
              {t(req, 'Thêm đơn vị', 'Add unit')}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

export function StaffPage(props: {
  req: FastifyRequest;
  staff: Staff[];
  units: Unit[];
  canEdit: boolean;
  errors?: FormError[];
  values?: Record<string, string>;
  created?: { username: string; totpQr: string | null; totpSecret: string | null };
}) {
  const { req, units } = props;
  const errors = props.errors ?? [];
  const values = props.values ?? {};
  const err = (f: string) => errors.find((e) => e.field === f)?.text;
  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  return (
    <Layout req={req} area="office" title={t(req, 'Cán bộ', 'Staff')}>
      <h1 class="govuk-heading-l">{t(req, 'Cán bộ, công chức', 'Staff')}</h1>
      {props.created ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert">
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading">
              {t(req, `Đã tạo tài khoản ${props.created.username}`, `Account ${props.created.username} created`)}
            </p>
            {props.created.totpQr ? (
              <div class="cs-qr">
                <p class="govuk-body">
                  {t(
                    req,
                    'Cán bộ quét mã QR này bằng ứng dụng xác thực (chỉ hiển thị một lần):',
                    'The official scans this QR code with an authenticator app (shown once):',
                  )}
                </p>
                <img src={props.created.totpQr} alt={t(req, 'Mã QR đăng ký xác thực hai lớp', 'Two-factor enrolment QR code')} />
                <p class="govuk-body cs-mono">{props.created.totpSecret}</p>
              </div>
            ) : null}
          </div>
        </div>
      ) : null}
      <TableWrap label={t(req, 'Danh sách cán bộ', 'Staff list')}>
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-table__caption--s">{t(req, `${props.staff.length} tài khoản`, `${props.staff.length} accounts`)}</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                {t(req, 'Họ tên', 'Name')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Tên đăng nhập', 'Username')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Vai trò — đơn vị', 'Role — unit')}
              </th>
              <th scope="col" class="govuk-table__header">
                {t(req, 'Xác thực 2 lớp', 'Two-factor')}
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {props.staff.map((s) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">
                  {props.canEdit ? (
                    <a class="govuk-link" href={`/can-bo/nhan-su/${encodeURIComponent(s.username)}`}>
                      {s.fullName}
                    </a>
                  ) : (
                    s.fullName
                  )}
                  {s.active ? null : <strong class="govuk-tag govuk-tag--grey govuk-!-margin-left-1">{t(req, 'Đã khóa', 'Disabled')}</strong>}
                </td>
                <td class="govuk-table__cell">{s.username}</td>
                <td class="govuk-table__cell">
                  {s.roles.map((r) => (
                    <div>
                      {roleName(req, r.role)} — {unitName(r.unitId)}
                    </div>
                  ))}
                </td>
                <td class="govuk-table__cell">{s.totpEnabled ? t(req, 'Có', 'On') : t(req, 'Không', 'Off')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {props.canEdit ? (
        <>
          <h2 class="govuk-heading-m" id="them">
            {t(req, 'Tạo tài khoản cán bộ', 'Create an account')}
          </h2>
          <ErrorSummary req={req} errors={errors.map((e) => ({ href: `#${e.field}`, text: e.text }))} />
          <form method="post" action="/can-bo/nhan-su" novalidate>
            <Csrf req={req} />
            <Field req={req} id="fullName" label={t(req, 'Họ và tên', 'Full name')} error={err('fullName')}>
              <input class="govuk-input" id="fullName" name="fullName" type="text" value={values.fullName ?? ''} autocomplete="off" />
            </Field>
            <Field req={req} id="username" label={t(req, 'Tên đăng nhập', 'Username')} error={err('username')}>
              <input
                class="govuk-input govuk-input--width-20"
                id="username"
                name="username"
                type="text"
                value={values.username ?? ''}
                spellcheck={false}
                autocomplete="off"
              />
            </Field>
            <Field req={req} id="email" label={t(req, 'Thư điện tử', 'Email')} error={err('email')}>
              <input class="govuk-input" id="email" name="email" type="email" value={values.email ?? ''} autocomplete="off" />
            </Field>
            <Field
              req={req}
              id="password"
              label={t(req, 'Mật khẩu ban đầu (ít nhất 10 ký tự)', 'Initial password (10 characters or more)')}
              error={err('password')}
            >
              <input class="govuk-input govuk-input--width-20" id="password" name="password" type="password" autocomplete="new-password" />
            </Field>
            <Field req={req} id="role" label={t(req, 'Vai trò', 'Role')} error={err('role')}>
              <select class="govuk-select" id="role" name="role">
                {STAFF_ROLE_LIST.map((r) => (
                  <option value={r} selected={values.role === r}>
                    {roleName(req, r)}
                  </option>
                ))}
              </select>
            </Field>
            <Field req={req} id="unitId" label={t(req, 'Đơn vị', 'Unit')} error={err('unitId')}>
              <select class="govuk-select govuk-!-width-full" id="unitId" name="unitId">
                {units.map((u) => (
                  <option value={u.id} selected={values.unitId === u.id}>{`${u.name} (${u.id})`}</option>
                ))}
              </select>
            </Field>
            <button type="submit" class="govuk-button">
              {t(req, 'Tạo tài khoản', 'Create account')}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

import type { FastifyRequest } from 'fastify';
import type { ScanView } from '../../../modules/digitisation/schemas-scans.ts';
import { Csrf, ErrorMessage, ErrorSummary, FormGroup, Layout, t } from '../../components/layout.tsx';

export const SCAN_URL = '/can-bo/so-hoa/quet';
export const scanUrl = (id: string) => `${SCAN_URL}/${encodeURIComponent(id)}`;

/** A component of the dossier a page may belong to: its code (or name) and its name. */
export interface ComponentChoice {
  code: string;
  name: string;
}

/** The dossier a scan is for, as the scanning pages name it. */
export interface ScanDossier {
  code: string;
  procedureName: string;
  components: ComponentChoice[];
}

export type Rotation = 0 | 90 | 180 | 270;
/** One page of a draft as the officer arranges it: which page of the draft, turned how far, in which component ('' none). */
export interface ArrangedPage {
  page: number;
  rotate: Rotation;
  component: string;
}

const THUMB_WIDTH = 160;
/** A4's proportions: the thumbnail is fitted into this box, whatever the scanned sheet. */
const THUMB_HEIGHT = Math.round(THUMB_WIDTH * Math.SQRT2);

/**
 * A page's picture turned as the officer asked, drawn by SVG (the CSP allows no inline style):
 * the box swaps width and height at 90° and 270°, and the picture is turned inside it.
 */
export function Thumbnail({ src, rotate, label }: { src: string; rotate: Rotation; label: string }) {
  const [w, h] = [THUMB_WIDTH, THUMB_HEIGHT];
  const sideways = rotate % 180 !== 0;
  const transform = { 0: '', 90: `translate(${h} 0) rotate(90)`, 180: `translate(${w} ${h}) rotate(180)`, 270: `translate(0 ${w}) rotate(270)` }[rotate];
  return (
    <svg
      class="cs-thumb"
      width={sideways ? h : w}
      height={sideways ? w : h}
      viewBox={`0 0 ${sideways ? h : w} ${sideways ? w : h}`}
      role="img"
      aria-label={label}
    >
      <rect x="0" y="0" width={sideways ? h : w} height={sideways ? w : h} fill="#fff" stroke="#b1b4b6" />
      <image href={src} x="0" y="0" width={w} height={h} transform={transform || undefined} preserveAspectRatio="xMidYMid meet" />
    </svg>
  );
}

/** Step 1 at the counter: the files of one dossier's paper components, from the scanner's folder or the camera. */
export function ScanUploadPage({
  req,
  dossier,
  component,
  error,
  errorAt = 'files',
  hoSo = '',
}: {
  req: FastifyRequest;
  dossier: ScanDossier | null;
  component?: string;
  error?: string;
  /** The input the error belongs to: the files, or the dossier code (asked for when the page was opened without one). */
  errorAt?: 'files' | 'hoSo';
  hoSo?: string;
}) {
  const title = t(req, 'Số hóa giấy tờ', 'Digitise paper documents');
  const fileError = errorAt === 'files' ? error : undefined;
  const codeError = errorAt === 'hoSo' ? error : undefined;
  const action = `${SCAN_URL}?_csrf=${encodeURIComponent(req.csrfToken)}`;
  return (
    <Layout req={req} area="office" title={title}>
      {dossier ? (
        <a href={`/can-bo/ho-so/${encodeURIComponent(dossier.code)}`} class="govuk-back-link">
          {t(req, `Hồ sơ ${dossier.code}`, `Dossier ${dossier.code}`)}
        </a>
      ) : null}
      <ErrorSummary req={req} errors={error ? [{ href: `#${errorAt}`, text: error }] : []} />
      {dossier ? <span class="govuk-caption-l">{`${dossier.code} — ${dossier.procedureName}`}</span> : null}
      <h1 class="govuk-heading-l">{title}</h1>
      <p class="govuk-body">
        {t(
          req,
          'Chọn các tệp đã quét (PDF, TIFF, JPEG hoặc PNG; nhiều tệp một lần) hoặc chụp từng trang bằng máy ảnh. Bước sau sẽ hiện từng trang để sắp xếp, xoay, bỏ trang và chia vào các thành phần hồ sơ trước khi nhận dạng chữ.',
          'Choose the scanned files (PDF, TIFF, JPEG or PNG; several at once) or photograph each page. The next step shows every page to reorder, turn, remove and sort into the dossier components before the text is read.',
        )}
      </p>
      <form method="post" action={action} enctype="multipart/form-data" novalidate>
        {dossier ? (
          <input type="hidden" name="hoSo" value={dossier.code} />
        ) : (
          <FormGroup
            req={req}
            id="hoSo"
            label={t(req, 'Mã hồ sơ', 'Dossier code')}
            labelClass="govuk-label--s"
            hint={t(
              req,
              'Hồ sơ nhận tại quầy hoặc qua bưu chính, ví dụ 000.05.01.G12-261207-0001',
              'A dossier received at the counter or by post, e.g. 000.05.01.G12-261207-0001',
            )}
            error={codeError}
            control={(describedBy) => (
              <input
                class={`govuk-input govuk-input--width-30${codeError ? ' govuk-input--error' : ''}`}
                id="hoSo"
                name="hoSo"
                type="text"
                value={hoSo}
                spellcheck={false}
                aria-describedby={describedBy}
              />
            )}
          />
        )}
        <div class={`govuk-form-group${fileError ? ' govuk-form-group--error' : ''}`}>
          <label class="govuk-label govuk-label--s" for="files">
            {t(req, 'Tệp đã quét', 'Scanned files')}
          </label>
          <div class="govuk-hint" id="files-hint">
            {t(req, 'Có thể chọn nhiều tệp; các trang giữ thứ tự của tệp.', 'You may choose several files; pages keep the order of the files.')}
          </div>
          <ErrorMessage req={req} id="files" error={fileError} />
          <input
            class={`govuk-file-upload${fileError ? ' govuk-file-upload--error' : ''}`}
            id="files"
            name="file"
            type="file"
            multiple
            accept=".pdf,.tif,.tiff,.jpg,.jpeg,.png,application/pdf,image/tiff,image/jpeg,image/png"
            aria-describedby={`files-hint${fileError ? ' files-error' : ''}`}
          />
        </div>
        <div class="govuk-form-group">
          <label class="govuk-label govuk-label--s" for="camera">
            {t(req, 'Hoặc chụp bằng máy ảnh (điện thoại, máy tính bảng)', 'Or take a photo (phone, tablet)')}
          </label>
          <input class="govuk-file-upload" id="camera" name="file" type="file" accept="image/jpeg,image/png" capture="environment" />
        </div>
        {dossier?.components.length ? (
          <div class="govuk-form-group">
            <label class="govuk-label govuk-label--s" for="component">
              {t(req, 'Thành phần hồ sơ (có thể đổi cho từng trang ở bước sau)', 'Dossier component (each page can be changed in the next step)')}
            </label>
            <select class="govuk-select" id="component" name="thanhPhan">
              <option value="">{t(req, '— Chưa chọn —', '— None yet —')}</option>
              {dossier.components.map((c) => (
                <option value={c.code} selected={c.code === component}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <button type="submit" class="govuk-button" data-module="govuk-button">
          {t(req, 'Tải lên và xem các trang', 'Upload and see the pages')}
        </button>
      </form>
    </Layout>
  );
}

const ROTATIONS: Rotation[] = [0, 90, 180, 270];
const turn = (r: Rotation, by: 90 | -90) => ROTATIONS[(ROTATIONS.indexOf(r) + (by === 90 ? 1 : 3)) % 4];

/** Applies one button of the arrangement form: move, turn or remove a page. */
export function applyArrangeOp(pages: ArrangedPage[], op: string): ArrangedPage[] {
  const m = /^(up|down|left|right|remove)\.(\d+)$/.exec(op);
  if (!m) return pages;
  const i = Number(m[2]);
  if (i >= pages.length) return pages;
  const out = pages.map((p) => ({ ...p }));
  if (m[1] === 'up' && i > 0) [out[i - 1], out[i]] = [out[i], out[i - 1]];
  if (m[1] === 'down' && i + 1 < out.length) [out[i + 1], out[i]] = [out[i], out[i + 1]];
  if (m[1] === 'left') out[i].rotate = turn(out[i].rotate, -90);
  if (m[1] === 'right') out[i].rotate = turn(out[i].rotate, 90);
  if (m[1] === 'remove') out.splice(i, 1);
  return out;
}

/** The arrangement as the form posted it (`p.k`, `r.k`, `c.k` for k = 0 … n-1), bounded by the draft's pages. */
export function arrangedFromForm(body: Record<string, unknown>, pageCount: number): ArrangedPage[] {
  const n = Math.min(Number(body.n) || 0, pageCount * 2, 400);
  const out: ArrangedPage[] = [];
  for (let k = 0; k < n; k++) {
    const page = Number(body[`p.${k}`]);
    const rotate = Number(body[`r.${k}`]) as Rotation;
    if (!Number.isInteger(page) || page < 1 || page > pageCount) continue;
    out.push({
      page,
      rotate: ROTATIONS.includes(rotate) ? rotate : 0,
      component: typeof body[`c.${k}`] === 'string' ? (body[`c.${k}`] as string).slice(0, 100) : '',
    });
  }
  return out;
}

/**
 * The documents the arrangement makes: pages of the same component form one document, in the
 * order they stand; components in the order they first appear.
 */
export function partsOf(pages: ArrangedPage[]) {
  const parts = new Map<string, { componentCode?: string; pages: { page: number; rotate?: Rotation }[] }>();
  for (const p of pages) {
    const part = parts.get(p.component) ?? { ...(p.component ? { componentCode: p.component } : {}), pages: [] };
    parts.set(p.component, part);
    part.pages.push({ page: p.page, ...(p.rotate ? { rotate: p.rotate } : {}) });
  }
  return [...parts.values()];
}

/**
 * Step 2: every page of the draft as a thumbnail, to reorder, turn, remove and sort into the
 * dossier's components before any text is read. Each button is a submit that shows the page
 * again with the change (no JavaScript needed); "Accept" sends the arrangement.
 */
export function ScanArrangePage({
  req,
  scan,
  dossier,
  pages,
  errors = [],
  notice,
}: {
  req: FastifyRequest;
  scan: ScanView;
  dossier: ScanDossier | null;
  pages: ArrangedPage[];
  errors?: string[];
  notice?: string;
}) {
  const title = t(req, 'Sắp xếp các trang đã quét', 'Arrange the scanned pages');
  const components = dossier?.components ?? [];
  const nameOf = (code: string) => components.find((c) => c.code === code)?.name ?? t(req, 'Chưa chọn thành phần', 'No component');
  const parts = partsOf(pages);
  const button = (name: string, value: string, vi: string, en: string, hidden: string, disabled = false) => (
    <button
      type="submit"
      name={name}
      value={value}
      class="govuk-button govuk-button--secondary govuk-!-margin-bottom-1 govuk-!-margin-right-1"
      disabled={disabled}
    >
      {t(req, vi, en)}
      <span class="govuk-visually-hidden"> {hidden}</span>
    </button>
  );
  return (
    <Layout req={req} area="office" title={title}>
      {dossier ? (
        <a href={`/can-bo/ho-so/${encodeURIComponent(dossier.code)}`} class="govuk-back-link">
          {t(req, `Hồ sơ ${dossier.code}`, `Dossier ${dossier.code}`)}
        </a>
      ) : null}
      <ErrorSummary req={req} errors={errors.map((e) => ({ href: '#pages', text: e }))} />
      {dossier ? <span class="govuk-caption-l">{`${dossier.code} — ${dossier.procedureName}`}</span> : null}
      <h1 class="govuk-heading-l">{title}</h1>
      {notice ? (
        <div class="govuk-inset-text" role="status">
          {notice}
        </div>
      ) : null}
      <p class="govuk-body">
        {t(
          req,
          `Bản quét có ${scan.pageCount} trang. Đổi thứ tự, xoay hoặc bỏ trang; chọn thành phần hồ sơ cho từng trang: các trang cùng thành phần thành một tài liệu. Chữ chỉ được nhận dạng sau khi bạn chấp nhận.`,
          `The scan has ${scan.pageCount} pages. Reorder, turn or remove pages; choose each page's dossier component: pages of the same component make one document. The text is read only once you accept.`,
        )}
      </p>
      <form method="post" action={scanUrl(scan.id)} novalidate id="arrange">
        <Csrf req={req} />
        <input type="hidden" name="n" value={String(pages.length)} />
        <ol class="govuk-list cs-pages" id="pages" aria-label={t(req, 'Các trang theo thứ tự', 'Pages in order')}>
          {pages.map((p, k) => {
            const label = t(req, `Trang ${k + 1} (trang ${p.page} của bản quét)`, `Page ${k + 1} (page ${p.page} of the scan)`);
            return (
              <li class="cs-card cs-page" id={`page-${k}`}>
                <input type="hidden" name={`p.${k}`} value={String(p.page)} />
                <input type="hidden" name={`r.${k}`} value={String(p.rotate)} />
                <div class="govuk-grid-row">
                  <div class="govuk-grid-column-one-third">
                    <Thumbnail
                      src={`/api/v1/digitisation/scans/${scan.id}/pages/${p.page}/thumbnail?width=${THUMB_WIDTH * 2}`}
                      rotate={p.rotate}
                      label={label}
                    />
                  </div>
                  <div class="govuk-grid-column-two-thirds">
                    <h2 class="govuk-heading-s govuk-!-margin-bottom-1">{label}</h2>
                    <p class="govuk-body-s cs-meta">
                      {p.rotate ? t(req, `Xoay ${p.rotate}° theo chiều kim đồng hồ`, `Turned ${p.rotate}° clockwise`) : t(req, 'Không xoay', 'Not turned')}
                    </p>
                    {components.length ? (
                      <div class="govuk-form-group govuk-!-margin-bottom-2">
                        <label class="govuk-label govuk-label--s" for={`c-${k}`}>
                          {t(req, 'Thành phần hồ sơ', 'Dossier component')}
                        </label>
                        <select class="govuk-select" id={`c-${k}`} name={`c.${k}`}>
                          <option value="">{t(req, '— Chưa chọn —', '— None —')}</option>
                          {components.map((c) => (
                            <option value={c.code} selected={c.code === p.component}>
                              {c.name}
                            </option>
                          ))}
                        </select>
                      </div>
                    ) : (
                      <input type="hidden" name={`c.${k}`} value="" />
                    )}
                    <div>
                      {button('op', `up.${k}`, 'Lên', 'Up', label, k === 0)}
                      {button('op', `down.${k}`, 'Xuống', 'Down', label, k + 1 === pages.length)}
                      {button('op', `left.${k}`, 'Xoay trái', 'Turn left', label)}
                      {button('op', `right.${k}`, 'Xoay phải', 'Turn right', label)}
                      <button type="submit" name="op" value={`remove.${k}`} class="govuk-button govuk-button--warning govuk-!-margin-bottom-1">
                        {t(req, 'Bỏ trang', 'Remove')}
                        <span class="govuk-visually-hidden"> {label}</span>
                      </button>
                    </div>
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
        {pages.length === 0 ? (
          <p class="govuk-body">{t(req, 'Không còn trang nào.', 'No page is left.')}</p>
        ) : (
          <>
            <h2 class="govuk-heading-m">{t(req, 'Tài liệu sẽ tạo', 'Documents to be made')}</h2>
            <ul class="govuk-list govuk-list--bullet">
              {parts.map((x) => (
                <li>{`${nameOf(x.componentCode ?? '')}: ${x.pages.length} ${t(req, 'trang', x.pages.length === 1 ? 'page' : 'pages')}`}</li>
              ))}
            </ul>
          </>
        )}
        <div class="govuk-button-group">
          <button type="submit" name="op" value="accept" class="govuk-button" disabled={pages.length === 0}>
            {t(req, 'Chấp nhận và nhận dạng chữ', 'Accept and read the text')}
          </button>
          <button type="submit" name="op" value="update" class="govuk-button govuk-button--secondary">
            {t(req, 'Cập nhật danh sách tài liệu', 'Update the documents list')}
          </button>
          <a class="govuk-link" href={scanUrl(scan.id)}>
            {t(req, 'Bắt đầu lại (mọi trang, thứ tự ban đầu)', 'Start again (every page, first order)')}
          </a>
        </div>
      </form>
    </Layout>
  );
}

const STATUS: Record<ScanView['status'], [string, string, string]> = {
  draft: ['Bản nháp', 'Draft', 'govuk-tag--grey'],
  queued: ['Đang chờ', 'Waiting', 'govuk-tag--blue'],
  processing: ['Đang nhận dạng', 'Reading', 'govuk-tag--yellow'],
  done: ['Hoàn tất', 'Done', 'govuk-tag--green'],
  failed: ['Không thành công', 'Failed', 'govuk-tag--red'],
};

/** Step 3: each document of the scan as OCR reads it; polls every 2 s (htmx) while one is still being read. */
export function ScanProgressPage({
  req,
  id,
  scans,
  dossier,
  canConfirm,
  error,
}: {
  req: FastifyRequest;
  id: string;
  scans: ScanView[];
  dossier: ScanDossier | null;
  canConfirm: boolean;
  error?: string;
}) {
  const title = t(req, 'Nhận dạng chữ', 'Reading the text');
  const running = scans.some((s) => s.status === 'queued' || s.status === 'processing');
  const nameOf = (code?: string) =>
    code ? (dossier?.components.find((c) => c.code === code)?.name ?? code) : t(req, 'Tài liệu không gắn thành phần', 'Document without a component');
  return (
    <Layout req={req} area="office" title={title}>
      {dossier ? (
        <a href={`/can-bo/ho-so/${encodeURIComponent(dossier.code)}`} class="govuk-back-link">
          {t(req, `Hồ sơ ${dossier.code}`, `Dossier ${dossier.code}`)}
        </a>
      ) : null}
      <ErrorSummary req={req} errors={error ? [{ text: error }] : []} />
      {dossier ? <span class="govuk-caption-l">{`${dossier.code} — ${dossier.procedureName}`}</span> : null}
      <h1 class="govuk-heading-l">{title}</h1>
      <div
        id="scan-progress"
        hx-get={running ? scanUrl(id) : undefined}
        hx-trigger={running ? 'every 2s' : undefined}
        hx-select={running ? '#scan-progress' : undefined}
        hx-swap={running ? 'outerHTML' : undefined}
      >
        <div aria-live="polite">
          {scans.map((s, i) => {
            const pct = Math.round(s.progress * 100);
            const failedPages = s.pages.filter((p) => p.error);
            return (
              <section class="cs-card" aria-labelledby={`scan-${i}`}>
                <h2 class="govuk-heading-s" id={`scan-${i}`}>
                  {`${nameOf(s.componentCode)} — ${s.pageCount} ${t(req, 'trang', s.pageCount === 1 ? 'page' : 'pages')}`}{' '}
                  <strong class={`govuk-tag ${STATUS[s.status][2]}`}>{t(req, STATUS[s.status][0], STATUS[s.status][1])}</strong>
                </h2>
                <div class="cs-bars__value">
                  <label class="govuk-body-s govuk-!-margin-bottom-0" for={`bar-${i}`}>
                    {t(req, 'Tiến độ', 'Progress')}
                  </label>
                  <progress class="cs-bars__meter" id={`bar-${i}`} max="100" value={String(pct)}>
                    {`${pct}%`}
                  </progress>
                  <span class="govuk-body-s govuk-!-margin-bottom-0">{`${pct}%`}</span>
                </div>
                {s.status === 'failed' && s.error ? (
                  <p class="govuk-error-message">
                    <span class="govuk-visually-hidden">{t(req, 'Lỗi:', 'Error:')}</span> {t(req, s.error.vi, s.error.en)}
                  </p>
                ) : null}
                {failedPages.length ? (
                  <ul class="govuk-list">
                    {failedPages.map((p) => (
                      <li class="govuk-error-message">{`${t(req, 'Trang', 'Page')} ${p.page}: ${t(req, p.error!.vi, p.error!.en)}`}</li>
                    ))}
                  </ul>
                ) : null}
                {s.status === 'done' && canConfirm ? (
                  <form method="post" action={`${scanUrl(s.id)}/tai-lieu`}>
                    <Csrf req={req} />
                    <button type="submit" class="govuk-button govuk-!-margin-bottom-0">
                      {t(req, 'Xác nhận siêu dữ liệu', 'Confirm the metadata')}
                      <span class="govuk-visually-hidden"> {nameOf(s.componentCode)}</span>
                    </button>
                  </form>
                ) : null}
              </section>
            );
          })}
        </div>
        {running ? (
          <p class="govuk-body">
            {t(req, 'Trang tự cập nhật mỗi 2 giây.', 'This page updates itself every 2 seconds.')}{' '}
            <a class="govuk-link" href={scanUrl(id)}>
              {t(req, 'Làm mới', 'Refresh')}
            </a>
          </p>
        ) : null}
      </div>
      {dossier ? (
        <p class="govuk-body">
          <a class="govuk-link" href={`${SCAN_URL}?hoSo=${encodeURIComponent(dossier.code)}`}>
            {t(req, 'Quét thêm giấy tờ của hồ sơ này', 'Scan more papers of this dossier')}
          </a>
        </p>
      ) : null}
    </Layout>
  );
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../platform/auth/roles.ts';
import { SESSION_COOKIE } from '../../platform/auth/sessions.ts';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import {
  act,
  citizenToken,
  fileOnline,
  importTableProcedure,
  importTestProcedures,
  samplePdf,
  TABLE_FORM,
  TABLE_PROCEDURE,
  TEST_PROCEDURE,
} from '../../../test/dossier-fixtures.ts';
import { loadDraft } from '../../modules/dossiers/drafts.ts';
import { recordResult } from '../../modules/results/record-result.ts';

/**
 * The citizen's portal pages over HTTP, as a browser without JavaScript uses them: a session
 * cookie (made in the session store, as the OIDC callback does), the CSRF token from the
 * page, urlencoded and multipart forms, redirects followed by hand.
 */
let t: TestApp;
const P = TEST_PROCEDURE.code;
const minh: Principal = {
  kind: 'citizen',
  id: '00000000-0000-4000-8000-00000000a001',
  name: 'Trần Văn Minh',
  identifier: '001089012345',
  citizenKind: 'citizen',
};
const ha: Principal = {
  kind: 'citizen',
  id: '00000000-0000-4000-8000-00000000a002',
  name: 'Nguyễn Thị Thanh Hà',
  identifier: '079194006789',
  citizenKind: 'citizen',
};

/** A browser: a cookie jar over fetch, never following redirects. */
function browser(base: string) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const kv = c.split(';')[0];
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
    return r;
  };
  const b = {
    jar,
    get: async (url: string) => keep(await fetch(`${base}${url}`, { headers: { cookie: cookie(), accept: 'text/html' }, redirect: 'manual' })),
    page: async (url: string) => {
      const r = await b.get(url);
      return { status: r.status, html: await r.text(), location: r.headers.get('location') };
    },
    post: async (url: string, fields: Record<string, string>) =>
      keep(
        await fetch(`${base}${url}`, {
          method: 'POST',
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams(fields).toString(),
          redirect: 'manual',
        }),
      ),
    multipart: async (url: string, fd: FormData) =>
      keep(await fetch(`${base}${url}`, { method: 'POST', headers: { cookie: cookie(), accept: 'text/html' }, body: fd, redirect: 'manual' })),
  };
  return b;
}
type Browser = ReturnType<typeof browser>;

async function signedIn(p: Principal): Promise<Browser> {
  const b = browser(t.base);
  const s = await t.ctx.sessions.create(p);
  b.jar.set(SESSION_COOKIE, s.id);
  return b;
}

/** The dossier version the page's action forms carry (their hidden input). */
const versionIn = (html: string) => /name="version" value="(\d+)"/.exec(html)![1];
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? decodeURIComponent(/\?_csrf=([^"&]+)"/.exec(html)?.[1] ?? '');
const formAction = (html: string) => /<form method="post" action="(\/nop-ho-so\/[^"]+\?_csrf=[^"]+)"/.exec(html)![1].replace(/&amp;/g, '&');
const pdf = async (name = 'don-de-nghi.pdf') => new File([new Uint8Array(await samplePdf())], name, { type: 'application/pdf' });
const fd = (fields: Record<string, string | File>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  // An empty file input, as browsers send it.
  if (!('file.1' in fields)) f.append('file.1', new File([], ''), '');
  return f;
};

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
});
afterAll(() => t?.close());

describe('filing online', () => {
  let b: Browser;
  let code: string;

  it('asks an anonymous visitor to sign in first', async () => {
    const r = await browser(t.base).get(`/nop-ho-so/${P}`);
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe(`/dang-nhap?next=${encodeURIComponent(`/nop-ho-so/${P}`)}`);
  });

  it('renders the e-form and one file input per component, required ones marked', async () => {
    b = await signedIn(minh);
    const { status, html } = await b.page(`/nop-ho-so/${P}`);
    expect(status).toBe(200);
    expect(html).toContain('<h1 class="govuk-heading-l">Nộp hồ sơ trực tuyến: Thủ tục thử nghiệm cấp giấy xác nhận</h1>');
    expect(html).toMatch(/id="f-tenDoanhNghiep" name="f.tenDoanhNghiep"/);
    expect(html).toMatch(/<label class="govuk-label govuk-label--s" for="c-0">Đơn đề nghị<span aria-hidden="true"> \*<\/span>/);
    expect(html).toMatch(/for="c-1">Giấy tờ khác: Giấy xác nhận thử nghiệm đã được cấp \(nếu có\)<span class="cs-meta"> \(không bắt buộc\)/);
    expect(html).toContain('enctype="multipart/form-data"');
    expect(formAction(html)).toMatch(/^\/nop-ho-so\/9\.100001\?_csrf=/);
  });

  it('refuses a multipart post without the CSRF token', async () => {
    const r = await b.multipart(`/nop-ho-so/${P}`, fd({ intent: 'save', 'f.tenDoanhNghiep': 'X' }));
    expect(r.status).toBe(403);
  });

  it('shows field errors next to the fields and in an error summary, in the chosen language', async () => {
    const { html } = await b.page(`/nop-ho-so/${P}`);
    const r = await b.multipart(formAction(html), fd({ intent: 'review', 'f.tenDoanhNghiep': '', 'f.maSoThue': '12' }));
    expect(r.status).toBe(400);
    const body = await r.text();
    expect(body).toContain('govuk-error-summary');
    expect(body).toContain('<a href="#f-maSoThue">«Mã số thuế» không đúng định dạng: 10 chữ số, ví dụ 0101234567</a>');
    expect(body).toContain('<a href="#f-tenDoanhNghiep">«Tên doanh nghiệp» chưa được nhập</a>');
    expect(body).toContain('<a href="#c-0">Đính kèm Đơn đề nghị</a>');
    expect(body).toMatch(/<p id="c-0-error" class="govuk-error-message">/);
    expect(body).toContain('value="12"'); // what was typed stays
    expect(body).toContain('<title>Lỗi: Nộp hồ sơ trực tuyến — congso</title>');

    const en = await b.multipart(`${formAction(html)}&lang=en`, fd({ intent: 'review', 'f.tenDoanhNghiep': 'Công ty', 'f.maSoThue': '12' }));
    const enBody = await en.text();
    expect(enBody).toContain('<a href="#f-maSoThue">“Tax code” is not in the right format: 10 digits, for example 0101234567</a>');
    expect(enBody).toContain('There is a problem');
    expect(enBody).toContain('<a href="#c-0">Attach Đơn đề nghị</a>');
    await b.get(`/nop-ho-so/${P}?lang=vi`);
  });

  it('keeps an uploaded file in the server-side draft, resumable on another device', async () => {
    const { html } = await b.page(`/nop-ho-so/${P}`);
    const r = await b.multipart(
      formAction(html),
      fd({ intent: 'save', 'f.tenDoanhNghiep': 'Công ty TNHH Thử Nghiệm', 'f.maSoThue': '0101234567', 'file.0': await pdf() }),
    );
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/nop-ho-so/${P}?saved=1`);
    const draft = await loadDraft(t.ctx, minh.id, P);
    expect(draft?.form).toEqual({ tenDoanhNghiep: 'Công ty TNHH Thử Nghiệm', maSoThue: '0101234567' });
    expect(draft?.components).toEqual([{ code: 'T-01', uploadId: expect.any(String), fileName: 'don-de-nghi.pdf' }]);

    const saved = await b.page(`/nop-ho-so/${P}?saved=1`);
    expect(saved.html).toContain('Đã lưu nháp lúc');
    // Another device: a new session of the same person finds the draft.
    const other = await signedIn(minh);
    const resumed = await other.page(`/nop-ho-so/${P}`);
    expect(resumed.html).toContain('Bạn đang tiếp tục bản nháp');
    expect(resumed.html).toContain('value="Công ty TNHH Thử Nghiệm"');
    expect(resumed.html).toContain('<strong>don-de-nghi.pdf</strong>');
    // ...and another person does not.
    expect((await (await signedIn(ha)).page(`/nop-ho-so/${P}`)).html).not.toContain('don-de-nghi.pdf');
  });

  it('refuses a file that is not what it claims, next to its input, and keeps the draft', async () => {
    const { html } = await b.page(`/nop-ho-so/${P}`);
    const fake = new File([new TextEncoder().encode('<script>alert(1)</script>')], 'giay-to.pdf', { type: 'application/pdf' });
    const r = await b.multipart(
      formAction(html),
      fd({ intent: 'review', 'f.tenDoanhNghiep': 'Công ty TNHH Thử Nghiệm', 'f.maSoThue': '0101234567', 'file.1': fake }),
    );
    expect(r.status).toBe(400);
    const body = await r.text();
    expect(body).toMatch(/<a href="#c-1">giay-to\.pdf: /);
    expect(body).toContain('<strong>don-de-nghi.pdf</strong>');
  });

  it('reviews without uploading again, then files the dossier', async () => {
    const { html } = await b.page(`/nop-ho-so/${P}`);
    const r = await b.multipart(formAction(html), fd({ intent: 'review', 'f.tenDoanhNghiep': 'Công ty TNHH Thử Nghiệm', 'f.maSoThue': '0101234567' }));
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/nop-ho-so/${P}/xem-lai`);
    const review = await b.page(`/nop-ho-so/${P}/xem-lai`);
    expect(review.status).toBe(200);
    expect(review.html).toContain('Xem lại hồ sơ trước khi nộp');
    expect(review.html).toContain('Công ty TNHH Thử Nghiệm');
    expect(review.html).toContain('0101234567');
    expect(review.html).toContain('don-de-nghi.pdf');
    const draftField = /name="draft" value="([^"]+)"/.exec(review.html)![1];

    const filed = await b.post(`/nop-ho-so/${P}/nop`, { _csrf: csrfIn(review.html), draft: draftField });
    expect(filed.status).toBe(303);
    const loc = filed.headers.get('location')!;
    expect(loc).toMatch(/^\/nop-ho-so\/9\.100001\/da-nop\?ma=/);
    code = decodeURIComponent(loc.split('ma=')[1]);
    const done = await b.page(loc);
    expect(done.html).toContain('Đã nộp hồ sơ');
    expect(done.html).toContain(`<strong>${code}</strong>`);
    expect(done.html).toContain(`href="/ho-so-cua-toi/${code}"`);
    expect(await loadDraft(t.ctx, minh.id, P)).toBeNull();

    // A second click on "Nộp hồ sơ" files nothing more.
    const again = await b.post(`/nop-ho-so/${P}/nop`, { _csrf: csrfIn(review.html), draft: draftField });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/ho-so-cua-toi');
    const n = await t.ctx.database.db
      .selectFrom('dossiers')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('owner_citizen_id', '=', minh.id)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('lists it in my dossiers, shows it with its history, and hides it from others', async () => {
    const list = await b.page('/ho-so-cua-toi');
    expect(list.status).toBe(200);
    expect(list.html).toContain(`<a class="govuk-link" href="/ho-so-cua-toi/${code}">${code}</a>`);
    expect(list.html).toContain('Mới nộp, chờ tiếp nhận');

    const detail = await b.page(`/ho-so-cua-toi/${code}`);
    expect(detail.status).toBe(200);
    expect(detail.html).toContain(`Hồ sơ ${code}`);
    expect(detail.html).toContain('Quá trình xử lý');
    expect(detail.html).toContain('>Nộp hồ sơ</h3>');
    expect(detail.html).toContain('action="/ho-so-cua-toi/' + code + '/rut"');

    expect((await (await signedIn(ha)).page(`/ho-so-cua-toi/${code}`)).status).toBe(404);
    expect((await (await signedIn(ha)).page('/ho-so-cua-toi')).html).toContain('Bạn chưa nộp hồ sơ nào.');
  });

  it('tracks it publicly without signing in; an unknown code is a friendly 404', async () => {
    const anon = browser(t.base);
    const found = await anon.page(`/tra-cuu/${code}`);
    expect(found.status).toBe(200);
    expect(found.html).toContain(TEST_PROCEDURE.name);
    expect(found.html).toContain('Mới nộp, chờ tiếp nhận');
    expect(found.html).not.toContain('Trần Văn Minh');
    const missing = await anon.page('/tra-cuu/G12.99-250101-9999');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('Không tìm thấy hồ sơ có mã G12.99-250101-9999');
  });

  it('supplements what an official asks for, then withdraws with a reason, then rates', async () => {
    const officer = { receiving: await login(t, 'tiepnhan.xnk'), leader: await login(t, 'lanhdao'), specialist: await login(t, 'chuyenvien') };
    expect((await act(t, officer.receiving, code, { action: 'receive' })).status).toBe(200);
    expect((await act(t, officer.leader, code, { action: 'assign', assignee: 'chuyenvien' })).status).toBe(200);
    expect(
      (
        await act(t, officer.specialist, code, {
          action: 'request_supplement',
          items: [{ component: 'Đơn đề nghị', reason: 'Thiếu chữ ký của người đại diện' }],
        })
      ).status,
    ).toBe(200);

    let detail = await b.page(`/ho-so-cua-toi/${code}`);
    expect(detail.html).toContain('Việc bạn cần làm: bổ sung hồ sơ');
    expect(detail.html).toContain('Thiếu chữ ký của người đại diện');
    const action = /action="(\/ho-so-cua-toi\/[^"]+\/bo-sung\?_csrf=[^"]+)"/.exec(detail.html)![1].replace(/&amp;/g, '&');
    const none = await b.multipart(
      action,
      (() => {
        const f = new FormData();
        f.append('version', versionIn(detail.html));
        f.append('file.0', new File([], ''), '');
        return f;
      })(),
    );
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Chọn ít nhất một tệp để bổ sung');
    const sent = await b.multipart(
      action,
      (() => {
        const f = new FormData();
        f.append('version', versionIn(detail.html));
        return f;
      })(),
    );
    expect(sent.status).toBe(400);
    const noVersion = await b.multipart(
      action,
      (() => {
        const f = new FormData();
        f.append('file.0', new File(['x'], 'x.pdf'));
        return f;
      })(),
    );
    expect(noVersion.status).toBe(400);
    expect(await noVersion.text()).toContain('Trang đã cũ');
    const f = new FormData();
    f.append('version', versionIn(detail.html));
    f.append('file.0', await pdf('don-co-chu-ky.pdf'));
    const ok = await b.multipart(action, f);
    expect(ok.status).toBe(303);
    detail = await b.page(ok.headers.get('location')!);
    expect(detail.html).toContain('Đã gửi giấy tờ bổ sung.');
    expect(detail.html).toContain('don-co-chu-ky.pdf');
    expect(detail.html).toContain('>Bổ sung hồ sơ</h3>');
    expect(detail.html).not.toContain('Việc bạn cần làm');

    const empty = await b.post(`/ho-so-cua-toi/${code}/rut`, { _csrf: csrfIn(detail.html), version: versionIn(detail.html), reason: '' });
    expect(empty.status).toBe(400);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toContain('<a href="#reason">Nhập lý do rút hồ sơ</a>');
    const withdrawn = await b.post(`/ho-so-cua-toi/${code}/rut`, { _csrf: csrfIn(detail.html), version: versionIn(detail.html), reason: 'Nộp nhầm thủ tục' });
    expect(withdrawn.status).toBe(303);
    detail = await b.page(withdrawn.headers.get('location')!);
    expect(detail.html).toContain('Đã rút hồ sơ');
    expect(detail.html).toContain('Lý do: Nộp nhầm thủ tục');
    expect(detail.html).toContain('Đánh giá mức độ hài lòng');

    const partial = await b.post(`/ho-so-cua-toi/${code}/danh-gia`, { _csrf: csrfIn(detail.html), timeliness: '5' });
    expect(partial.status).toBe(400);
    const partialHtml = await partial.text();
    expect(partialHtml).toContain('Chọn mức đánh giá cho &quot;Thái độ của cán bộ&quot;');
    expect(partialHtml).toMatch(/id="rate-timeliness-5" name="timeliness" type="radio" value="5" checked/);
    const rated = await b.post(`/ho-so-cua-toi/${code}/danh-gia`, {
      _csrf: csrfIn(detail.html),
      timeliness: '5',
      attitude: '4',
      guidance: '4',
      result: '5',
      comment: 'Nhanh gọn',
    });
    expect(rated.status).toBe(303);
    detail = await b.page(rated.headers.get('location')!);
    expect(detail.html).toContain('Cảm ơn bạn đã đánh giá.');
    expect(detail.html).not.toContain('Đánh giá mức độ hài lòng');
    const row = await t.ctx.database.db.selectFrom('dossier_ratings').select(['scores', 'comment']).executeTakeFirstOrThrow();
    expect(row).toEqual({ scores: { timeliness: 5, attitude: 4, guidance: 4, result: 5 }, comment: 'Nhanh gọn' });
  });

  it('discards a draft', async () => {
    const c = await signedIn(ha);
    const { html } = await c.page(`/nop-ho-so/${P}`);
    expect((await c.multipart(formAction(html), fd({ intent: 'save', 'f.tenDoanhNghiep': 'Hộ kinh doanh Hà' }))).status).toBe(303);
    const mine = await c.page('/ho-so-cua-toi');
    expect(mine.html).toContain('Hồ sơ đang soạn');
    expect(mine.html).toContain(TEST_PROCEDURE.name);
    const page = await c.page(`/nop-ho-so/${P}`);
    const r = await c.post(`/nop-ho-so/${P}/xoa-nhap`, { _csrf: csrfIn(page.html) });
    expect(r.status).toBe(303);
    expect(await loadDraft(t.ctx, ha.id, P)).toBeNull();
  });
});

describe('forms sent from a page the dossier has moved past', () => {
  const lan: Principal = {
    kind: 'citizen',
    id: '00000000-0000-4000-8000-00000000a003',
    name: 'Phạm Thị Lan',
    identifier: '079194001234',
    citizenKind: 'citizen',
  };
  const newDossier = async () => (await fileOnline(t, await citizenToken(t, lan.id, lan.name, lan.identifier!))).body.code;
  const actions = async (code: string, token: string) =>
    (await api<{ action: string }[]>(t, 'GET', `/api/v1/dossiers/${code}/actions`, { token })).body.map((a) => a.action);

  it('withdrawing on a page opened before the dossier was received: 409, the page as it is now with a link to it, the reason kept, nothing done', async () => {
    const code = await newDossier();
    const officer = await login(t, 'tiepnhan.xnk');
    const b = await signedIn(lan);
    const opened = await b.page(`/ho-so-cua-toi/${code}`);
    expect(versionIn(opened.html)).toBe('1');
    expect((await act(t, officer, code, { action: 'receive' })).status).toBe(200);
    const r = await b.post(`/ho-so-cua-toi/${code}/rut`, { _csrf: csrfIn(opened.html), version: versionIn(opened.html), reason: 'Nộp nhầm thủ tục' });
    expect(r.status).toBe(409);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    const html = await r.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('đã thay đổi từ khi bạn mở trang');
    expect(html).toContain(`<a href="/ho-so-cua-toi/${code}">`);
    expect(html, 'the page shows the current state').toContain('Đã tiếp nhận, chờ phân công');
    expect(html).toContain('>Nộp nhầm thủ tục</textarea>');
    expect(versionIn(html)).toBe('2');
    expect(await actions(code, officer)).toEqual(['submit', 'receive']);
    // Sent again from the page as it is now, it is done.
    const again = await b.post(`/ho-so-cua-toi/${code}/rut`, { _csrf: csrfIn(html), version: versionIn(html), reason: 'Nộp nhầm thủ tục' });
    expect(again.status).toBe(303);
    expect(await actions(code, officer)).toEqual(['submit', 'receive', 'withdraw']);
  });

  it('a supplement sent again from a second tab, after the first was taken, is refused and attaches nothing', async () => {
    const code = await newDossier();
    const officer = { receiving: await login(t, 'tiepnhan.xnk'), leader: await login(t, 'lanhdao'), specialist: await login(t, 'chuyenvien') };
    expect((await act(t, officer.receiving, code, { action: 'receive' })).status).toBe(200);
    expect((await act(t, officer.leader, code, { action: 'assign', assignee: 'chuyenvien' })).status).toBe(200);
    expect((await act(t, officer.specialist, code, { action: 'request_supplement', items: [{ reason: 'Thiếu chữ ký' }] })).status).toBe(200);
    const b = await signedIn(lan);
    const [tab1, tab2] = [await b.page(`/ho-so-cua-toi/${code}`), await b.page(`/ho-so-cua-toi/${code}`)];
    const send = async (html: string) => {
      const f = new FormData();
      f.append('version', versionIn(html));
      f.append('file.0', await pdf('bo-sung.pdf'));
      return b.multipart(/action="(\/ho-so-cua-toi\/[^"]+\/bo-sung\?_csrf=[^"]+)"/.exec(html)![1].replace(/&amp;/g, '&'), f);
    };
    expect((await send(tab1.html)).status).toBe(303);
    const stale = await send(tab2.html);
    expect(stale.status).toBe(409);
    const html = await stale.text();
    expect(html).toContain('đã thay đổi từ khi bạn mở trang');
    expect(html).toContain('Đang xử lý');
    expect(html).not.toContain('Việc bạn cần làm');
    expect(await actions(code, officer.receiving)).toEqual(['submit', 'receive', 'assign', 'request_supplement', 'supplement']);
    const view = await api<{ components: { supplemented: boolean }[] }>(t, 'GET', `/api/v1/dossiers/${code}`, { token: officer.receiving });
    expect(view.body.components.filter((c) => c.supplemented)).toHaveLength(1);
  });
});

describe('provide data only once: a document from the e-data repository instead of an upload', () => {
  const T = TABLE_PROCEDURE.code;
  const issue = async (owner: Principal & { kind: 'citizen' }, documentName: string, number: string, procedureCode: string) =>
    t.ctx.database.db.transaction().execute(
      async (tx) =>
        (
          await recordResult(
            t.ctx,
            tx,
            {
              dossierCode: 'G12.99-250101-0001',
              procedureCode,
              documentName,
              kind: 'certificate',
              number,
              issuerUnit: '000.05.00.G12',
              issuerName: 'Sở Công Thương',
              holder: { name: owner.name, identifier: owner.identifier! },
              ownerCitizenId: owner.id,
            },
            new Uint8Array(await samplePdf()),
            'staff:ky',
          )
        ).resultCode,
    );
  const filedBy = async (p: Principal & { kind: 'citizen' }) =>
    Number(
      (
        await t.ctx.database.db
          .selectFrom('dossiers')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('owner_citizen_id', '=', p.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const fields = { intent: 'review', ...formFields(TABLE_FORM) };
  let foodSafety: string;
  let origin: string;
  let others: string;
  let b: Browser;

  beforeAll(async () => {
    await tableProcedure();
    // A food-safety certificate (another procedure's result) and a certificate of origin (this procedure's own result type).
    foodSafety = await issue(minh as Principal & { kind: 'citizen' }, 'Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm', 'ATTP-123/2025', '2.000591');
    origin = await issue(minh as Principal & { kind: 'citizen' }, 'Giấy chứng nhận xuất xứ hàng hóa mẫu D', 'VN-TH 25/01/00001', T);
    others = await issue(ha as Principal & { kind: 'citizen' }, 'Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm', 'ATTP-999/2025', '2.000591');
    b = await signedIn(minh);
  });

  it("offers, under each file input, only the citizen's results of the kind the component asks for", async () => {
    const { html } = await b.page(`/nop-ho-so/${T}`);
    // "Hóa đơn thương mại": nothing in the repository is an invoice, so no select (the C/O is not offered).
    expect(html).not.toContain('name="reuse.0"');
    expect(html).toMatch(/<label class="govuk-label" for="c-1-reuse">Hoặc chọn giấy tờ trong kho dữ liệu của bạn/);
    expect(html).toMatch(/<select class="govuk-select[^"]*" id="c-1-reuse" name="reuse\.1"/);
    expect(html).toContain(`<option value="${foodSafety}">Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm — ATTP-123/2025</option>`);
    expect(html).not.toContain(`value="${origin}"`);
    expect(html).not.toContain(others);
    // Someone with nothing in their repository sees no select.
    const plain = await (await signedIn({ ...minh, id: '00000000-0000-4000-8000-00000000a0ff' } as Principal)).page(`/nop-ho-so/${T}`);
    expect(plain.html).not.toContain('name="reuse.');
  });

  it('refuses a result of another kind sent for a component anyway (a crafted form), next to the slot', async () => {
    const { html } = await b.page(`/nop-ho-so/${T}`);
    const r = await b.multipart(formAction(html), fd({ ...fields, 'reuse.0': origin }));
    expect(r.status).toBe(400);
    const body = await r.text();
    expect(body).toContain('<a href="#c-0-reuse">Giấy chứng nhận xuất xứ hàng hóa mẫu D không phải là giấy tờ «Hóa đơn thương mại»');
    expect((await loadDraft(t.ctx, minh.id, T))?.components ?? []).toEqual([]);
  });

  it("refuses another citizen's result next to the slot, and files nothing", async () => {
    const before = await filedBy(minh as Principal & { kind: 'citizen' });
    const { html } = await b.page(`/nop-ho-so/${T}`);
    const r = await b.multipart(formAction(html), fd({ ...fields, 'reuse.1': others }));
    expect(r.status).toBe(400);
    const body = await r.text();
    expect(body).toContain(`<a href="#c-1-reuse">Không tìm thấy kết quả ${others}</a>`);
    expect(body).toMatch(/<p id="c-1-error" class="govuk-error-message">/);
    expect(body).toMatch(/id="c-1-reuse" name="reuse\.1" aria-describedby="c-1-error"/);
    expect((await loadDraft(t.ctx, minh.id, T))?.components ?? []).toEqual([]);
    expect(await filedBy(minh as Principal & { kind: 'citizen' })).toBe(before);
  });

  it('attaches the picked result like an upload, then the filed dossier records the reuse', async () => {
    const before = await filedBy(minh as Principal & { kind: 'citizen' });
    const { html } = await b.page(`/nop-ho-so/${T}`);
    const r = await b.multipart(formAction(html), fd({ ...fields, 'reuse.1': foodSafety }));
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/nop-ho-so/${T}/xem-lai`);
    const draft = await loadDraft(t.ctx, minh.id, T);
    expect(draft?.components).toEqual([{ code: 'AT-01', uploadId: expect.any(String), fileName: `${foodSafety}.pdf`, reusedFrom: foodSafety }]);

    const form = await b.page(`/nop-ho-so/${T}`);
    expect(form.html).toContain(`<strong>${foodSafety}.pdf</strong> (lấy từ kho dữ liệu của bạn, kết quả ${foodSafety}).`);
    const review = await b.page(`/nop-ho-so/${T}/xem-lai`);
    expect(review.html).toContain('(lấy từ kho dữ liệu của bạn)');
    // The review shows the e-form as the official will read it: labels, names, a table.
    expect(review.html).toContain('<dt class="govuk-summary-list__key">Nước nhập khẩu</dt><dd class="govuk-summary-list__value">Thái Lan</dd>');
    expect(review.html).toContain('<caption class="govuk-table__caption govuk-table__caption--s">Danh mục hàng hóa</caption>');

    const filed = await b.post(`/nop-ho-so/${T}/nop`, { _csrf: csrfIn(review.html), draft: /name="draft" value="([^"]+)"/.exec(review.html)![1] });
    expect(filed.status).toBe(303);
    const code = decodeURIComponent(filed.headers.get('location')!.split('ma=')[1]);
    expect(await filedBy(minh as Principal & { kind: 'citizen' })).toBe(before + 1);
    const view = await fetch(`${t.base}/api/v1/dossiers/${encodeURIComponent(code)}`, {
      headers: { cookie: `${SESSION_COOKIE}=${b.jar.get(SESSION_COOKIE)}`, accept: 'application/json' },
    });
    expect(view.status).toBe(200);
    const d = (await view.json()) as { components: { code: string | null; reused: boolean; fileName: string | null }[] };
    expect(d.components[0]).toMatchObject({ code: 'AT-01', reused: true, fileName: `${foodSafety}.pdf` });

    // The applicant's dossier page: the component by its document name, the file second; the e-form labelled.
    const mine = await b.page(`/ho-so-cua-toi/${encodeURIComponent(code)}`);
    expect(mine.html).toContain(`Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (nếu có) — <a class="govuk-link" href="/api/v1/uploads/`);
    expect(mine.html).toContain('Thái Lan');
    expect(mine.html).not.toContain('nuocNhapKhau');
  });
});

// Imported once for the describes that use it (an administrator's sign-in spends a TOTP step).
let imported: Promise<void> | undefined;
const tableProcedure = () => (imported ??= importTableProcedure(t));

/** The e-form's fields as the page names them: f.key, and f.table.i.col for a table's cells. */
function formFields(form: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) {
    if (Array.isArray(v))
      v.forEach((row: Record<string, unknown>, i) => {
        for (const [c, x] of Object.entries(row)) out[`f.${k}.${i}.${c}`] = String(x);
      });
    else out[`f.${k}`] = String(v);
  }
  return out;
}

describe('an e-form with a table, on the filing page', () => {
  const T = TABLE_PROCEDURE.code;
  const lan: Principal = {
    kind: 'citizen',
    id: '00000000-0000-4000-8000-00000000a003',
    name: 'Lê Thị Lan',
    identifier: '001190000003',
    citizenKind: 'citizen',
  };
  let b: Browser;
  beforeAll(async () => {
    await tableProcedure();
    b = await signedIn(lan);
  });

  it('renders the table as stacked rows of labelled inputs with "Thêm dòng" and "Xóa dòng", Vietnamese only', async () => {
    const { html } = await b.page(`/nop-ho-so/${T}?lang=vi`);
    expect(html).toContain('<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Dòng 1</legend>');
    expect(html).toMatch(/<label class="govuk-label" for="f-hangHoa-0-maHS">Mã HS/);
    expect(html).toMatch(/id="f-hangHoa-0-maHS" name="f.hangHoa.0.maHS"/);
    expect(html).toMatch(/<button type="submit" name="intent" value="add-row:hangHoa"[^>]*>Thêm dòng/);
    // One row is the minimum (minItems 1): its "Xóa dòng" is hidden.
    expect(html).toMatch(/value="remove-row:hangHoa:0"[^>]*hidden/);
    // Code lists by their Vietnamese names; no English anywhere in the e-form.
    expect(html).toContain('<option value="TH">Thái Lan</option>');
    for (const en of ['Exporter name', 'Thailand', 'HS code', 'Add a row', '10 or 13 digits', 'Wholly obtained']) expect(html).not.toContain(en);
    expect(html).toContain('10 hoặc 13 chữ số');
  });

  it('in English, the labels, columns, choices and hints the schema has in English', async () => {
    const { html } = await b.page(`/nop-ho-so/${T}?lang=en`);
    for (const en of ['Exporter name', '<option value="TH">Thailand</option>', 'HS code', 'Add a row', '10 or 13 digits', 'Wholly obtained', 'Row 1'])
      expect(html).toContain(en);
    await b.get(`/nop-ho-so/${T}?lang=vi`);
  });

  it('every link of the error summary leads to an input on the page, table cells included, and names the field by its label', async () => {
    const { html } = await b.page(`/nop-ho-so/${T}`);
    const r = await b.multipart(
      formAction(html),
      fd({
        intent: 'review',
        ...formFields({
          ...TABLE_FORM,
          maSoThue: '12',
          ngayHoaDon: '31/02/2025',
          nuocNhapKhau: '',
          hangHoa: [TABLE_FORM.hangHoa[0], { moTa: 'Hạt tiêu', maHS: 'abc', soLuong: 5 }],
        }),
      }),
    );
    expect(r.status).toBe(400);
    const body = await r.text();
    const summary = /<div class="govuk-error-summary__body">([\s\S]*?)<\/div>/.exec(body)![1];
    const links = [...summary.matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const [id] of links) expect(body).toContain(`id="${id}"`);
    expect(links).toContainEqual([
      'f-hangHoa-1-maHS',
      'Dòng 2, cột «Mã HS» của bảng «Danh mục hàng hóa» không đúng định dạng: 6 hoặc 8 chữ số, ví dụ 85176200',
    ]);
    expect(links).toContainEqual(['f-hangHoa-1-donViTinh', 'Dòng 2, cột «Đơn vị tính» của bảng «Danh mục hàng hóa» chưa được nhập']);
    expect(links).toContainEqual(['f-nuocNhapKhau', '«Nước nhập khẩu» chưa được chọn']);
    expect(links).toContainEqual(['f-maSoThue', '«Mã số thuế» không đúng định dạng: 10 hoặc 13 chữ số, ví dụ 0101234567']);
    expect(links.map(([, text]) => text).join('\n')).not.toMatch(/\^|\[0-9\]|hangHoa|maSoThue|must match/);
    // The second row, as typed, is still there.
    expect(body).toMatch(/id="f-hangHoa-1-moTa" name="f.hangHoa.1.moTa"[^>]*value="Hạt tiêu"/);
  });

  it('"Thêm dòng" without JavaScript shows the form again with one more row, keeping what was typed', async () => {
    const { html } = await b.page(`/nop-ho-so/${T}`);
    const r = await b.multipart(
      formAction(html),
      fd({ intent: 'add-row:hangHoa', 'f.tenDoanhNghiep': 'Công ty TNHH Hạt Điều', 'f.hangHoa.0.moTa': 'Hạt điều nhân', 'f.hangHoa.0.maHS': '08013200' }),
    );
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).not.toContain('govuk-error-summary');
    expect(body).toMatch(/id="f-tenDoanhNghiep" name="f.tenDoanhNghiep"[^>]*value="Công ty TNHH Hạt Điều"/);
    expect(body).toMatch(/id="f-hangHoa-0-moTa" name="f.hangHoa.0.moTa"[^>]*value="Hạt điều nhân"/);
    expect(body).toMatch(/id="f-hangHoa-1-moTa" name="f.hangHoa.1.moTa"[^>]*value[ />]/);
    expect(body).toContain('>Dòng 2</legend>');
    expect(body).not.toContain('id="f-hangHoa-2-moTa"');
    // Now two rows: each may be removed.
    expect(/<button[^>]*value="remove-row:hangHoa:0"[^>]*>/.exec(body)?.[0]).not.toContain('hidden');
    // Kept in the draft as well, as on "Lưu nháp".
    expect((await loadDraft(t.ctx, lan.id, T))?.form).toEqual({
      tenDoanhNghiep: 'Công ty TNHH Hạt Điều',
      hangHoa: [{ moTa: 'Hạt điều nhân', maHS: '08013200' }],
    });
  });

  it('"Xóa dòng" without JavaScript removes that row and keeps the others', async () => {
    const { html } = await b.page(`/nop-ho-so/${T}`);
    const r = await b.multipart(
      formAction(html),
      fd({ intent: 'remove-row:hangHoa:1', 'f.hangHoa.0.moTa': 'Một', 'f.hangHoa.1.moTa': 'Hai', 'f.hangHoa.2.moTa': 'Ba' }),
    );
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toMatch(/name="f.hangHoa.0.moTa"[^>]*value="Một"/);
    expect(body).toMatch(/name="f.hangHoa.1.moTa"[^>]*value="Ba"/);
    expect(body).not.toContain('name="f.hangHoa.2.moTa"');
    expect(body).not.toContain('value="Hai"');
  });
});

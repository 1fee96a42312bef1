import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../platform/auth/roles.ts';
import { SESSION_COOKIE } from '../../platform/auth/sessions.ts';
import { api, startTestApp, type TestApp } from '../../../test/helpers.ts';
import {
  act,
  citizenToken,
  FEE_FORM,
  FEE_PROCEDURE,
  fileAndReceive,
  fileOnline,
  importFeeProcedure,
  importTestProcedures,
  signInCrew,
  type View,
} from '../../../test/dossier-fixtures.ts';

/**
 * The citizen's payment pages over HTTP, as a browser without JavaScript uses them (the
 * browser test, test/e2e/payments.e2e.test.ts, drives the same pages in Chromium): the fee
 * section and pay button of the dossier page, the pay form's 303 to the platform, the return
 * page for the payer, for someone without a session, and for a tampered return; the filing
 * pages' fees and reduction category. The platform is the app's own simulator (demo mode).
 */
let t: TestApp;
const P = FEE_PROCEDURE.code;
const minh: Principal = {
  kind: 'citizen',
  id: '00000000-0000-4000-8000-00000000b001',
  name: 'Trần Văn Minh',
  identifier: '001089012345',
  citizenKind: 'citizen',
};
const ha: Principal = {
  kind: 'citizen',
  id: '00000000-0000-4000-8000-00000000b002',
  name: 'Nguyễn Thị Thanh Hà',
  identifier: '079194006789',
  citizenKind: 'citizen',
};

/** A browser: a cookie jar over fetch, never following redirects. */
function browser() {
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
  const abs = (url: string) => (url.startsWith('http') ? url : `${t.base}${url}`);
  const b = {
    jar,
    page: async (url: string) => {
      const r = keep(await fetch(abs(url), { headers: { cookie: cookie(), accept: 'text/html' }, redirect: 'manual' }));
      return { status: r.status, html: await r.text(), location: r.headers.get('location') };
    },
    post: async (url: string, fields: Record<string, string>) => {
      const r = keep(
        await fetch(abs(url), {
          method: 'POST',
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams(fields).toString(),
          redirect: 'manual',
        }),
      );
      return { status: r.status, html: await r.text(), location: r.headers.get('location') };
    },
    multipart: async (url: string, fields: Record<string, string>) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(fields)) fd.append(k, v);
      fd.append('file.0', new File([], ''), '');
      const r = keep(await fetch(abs(url), { method: 'POST', headers: { cookie: cookie(), accept: 'text/html' }, body: fd, redirect: 'manual' }));
      return { status: r.status, html: await r.text(), location: r.headers.get('location') };
    },
  };
  return b;
}
type Browser = ReturnType<typeof browser>;

async function signedIn(p: Principal): Promise<Browser> {
  const b = browser();
  b.jar.set(SESSION_COOKIE, (await t.ctx.sessions.create(p)).id);
  return b;
}

const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? decodeURIComponent(/\?_csrf=([^"&]+)"/.exec(html)?.[1] ?? '');
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ');

interface Payment {
  id: string;
  state: string;
  amount: number;
  receipt: { url: string } | null;
}
const paymentsOf = async (token: string, code: string) => (await api<Payment[]>(t, 'GET', `/api/v1/dossiers/${code}/payments`, { token })).body;

beforeAll(async () => {
  t = await startTestApp();
  await importFeeProcedure(t);
  await importTestProcedures(t);
});
afterAll(() => t?.close());

describe('paying a dossier that owes its fee at filing', () => {
  let b: Browser;
  let token: string;
  let code: string;
  let platformPage: string;
  let returnUrl: string;

  it('shows what is owed, in figures and in words, and a pay button that is a form', async () => {
    token = await citizenToken(t, minh.id, minh.name, minh.identifier ?? undefined);
    const filed = await fileOnline(t, token, { procedure: P, form: FEE_FORM });
    expect(filed.status).toBe(201);
    expect(filed.body.status).toBe('unpaid');
    code = filed.body.code;
    b = await signedIn(minh);
    const { status, html } = await b.page(`/ho-so-cua-toi/${code}`);
    expect(status).toBe(200);
    const s = text(html);
    expect(s).toContain('Việc bạn cần làm: nộp phí, lệ phí');
    expect(s).toContain('Phí thẩm định điều kiện kinh doanh');
    expect(s).toContain('1.005.000 đồng');
    expect(s).toContain('Một triệu không trăm linh năm nghìn đồng');
    expect(html).toMatch(new RegExp(`<form method="post" action="/ho-so-cua-toi/${code.replace(/\./g, '\\.')}/thanh-toan"><input type="hidden" name="_csrf"`));
    // English too; the words stay the receipt's Vietnamese reading.
    const en = text((await b.page(`/ho-so-cua-toi/${code}?lang=en`)).html);
    expect(en).toContain('What you need to do: pay the fees');
    expect(en).toContain('In words: Một triệu không trăm linh năm nghìn đồng');
    expect(en).toContain('Pay online');
    await b.page(`/ho-so-cua-toi/${code}?lang=vi`);
  });

  it('refuses the pay form without its CSRF token, and sends the payer to the platform with it; a second press gets the same attempt', async () => {
    expect((await b.post(`/ho-so-cua-toi/${code}/thanh-toan`, {})).status).toBe(403);
    expect(await paymentsOf(token, code)).toEqual([]);
    const csrf = csrfIn((await b.page(`/ho-so-cua-toi/${code}`)).html);
    const first = await b.post(`/ho-so-cua-toi/${code}/thanh-toan`, { _csrf: csrf });
    expect(first.status).toBe(303);
    expect(first.location).toMatch(new RegExp(`^${t.base}/simulators/payment/pay/`));
    platformPage = first.location!;
    const again = await b.post(`/ho-so-cua-toi/${code}/thanh-toan`, { _csrf: csrf });
    expect(again.status).toBe(303);
    expect(again.location).toBe(platformPage);
    expect((await paymentsOf(token, code)).map((p) => p.state)).toEqual(['pending']);
  });

  it('another citizen cannot start a payment for the dossier', async () => {
    const other = await signedIn(ha);
    const csrf = csrfIn((await other.page('/ho-so-cua-toi')).html);
    expect((await other.post(`/ho-so-cua-toi/${code}/thanh-toan`, { _csrf: csrf })).status).toBe(404);
  });

  it('comes back paid: the amount, the dossier sent, the receipt', async () => {
    const paid = await b.post(platformPage, { outcome: 'pay', bank: 'VCB' });
    expect(paid.status).toBe(303);
    returnUrl = paid.location!;
    expect(new URL(returnUrl).pathname).toBe('/thanh-toan/ket-qua');
    const { status, html } = await b.page(returnUrl);
    expect(status).toBe(200);
    const s = text(html);
    expect(s).toContain('Thanh toán thành công');
    expect(s).toContain('1.005.000 đồng');
    expect(s).toContain('Mới nộp, chờ tiếp nhận');
    const [payment] = await paymentsOf(token, code);
    expect(payment.state).toBe('success');
    expect(html).toContain(`href="/api/v1/payments/${payment.id}/receipt"`);
    expect((await api<View>(t, 'GET', `/api/v1/dossiers/${code}`, { token })).body.status).toBe('submitted');
  });

  it('the same return again changes nothing; without a session it shows the state only', async () => {
    expect((await b.page(returnUrl)).status).toBe(200);
    expect((await paymentsOf(token, code)).map((p) => p.state)).toEqual(['success']);
    const anon = await browser().page(returnUrl);
    expect(anon.status).toBe(200);
    const s = text(anon.html);
    expect(s).toContain('Thanh toán thành công');
    expect(s).toContain('Đăng nhập để xem hồ sơ và tải biên lai');
    expect(s).not.toContain(minh.name);
    expect(anon.html).not.toContain('/receipt');
  });

  it('a tampered return is refused and records nothing', async () => {
    const u = new URL(returnUrl);
    u.searchParams.set('SoTien', '1');
    const r = await b.page(u.pathname + u.search);
    expect(r.status).toBe(400);
    expect(text(r.html)).toContain('Chưa xác nhận được kết quả thanh toán');
    expect((await paymentsOf(token, code)).map((p) => [p.state, p.amount])).toEqual([['success', 1_005_000]]);
  });

  it("a payment's own result page is its payer's: others are asked to sign in, or told it is not there", async () => {
    const [payment] = await paymentsOf(token, code);
    const url = `/thanh-toan/ket-qua?giao-dich=${payment.id}`;
    expect(text((await b.page(url)).html)).toContain('Thanh toán thành công');
    const anon = await browser().page(url);
    expect(anon.status).toBe(200);
    expect(anon.html).toContain(`/dang-nhap?next=${encodeURIComponent(url)}`);
    expect((await (await signedIn(ha)).page(url)).status).toBe(404);
    expect((await b.page('/thanh-toan/ket-qua')).status).toBe(200);
  });

  it('the dossier page lists the payment with its receipt; paying again says nothing is owed', async () => {
    const { html } = await b.page(`/ho-so-cua-toi/${code}`);
    const s = text(html);
    expect(s).toContain('Đã nộp 1.005.000 đồng (thanh toán trực tuyến)');
    expect(s).toContain('Đã thanh toán');
    expect(s).toMatch(/Tải biên lai số \d{7}, ký hiệu \S+ \(PDF\)/);
    expect(html).not.toContain(`action="/ho-so-cua-toi/${code}/thanh-toan"`);
    const r = await b.post(`/ho-so-cua-toi/${code}/thanh-toan`, { _csrf: csrfIn(html) });
    expect(r.status).toBe(409);
    expect(text(r.html)).toContain('Chưa thể thanh toán');
  });
});

describe('filing with fees', () => {
  it('shows the schedule, carries the reduction category to the review and the filing, and leads to paying', async () => {
    const b = await signedIn(ha);
    const form = await b.page(`/nop-ho-so/${P}`);
    expect(form.status).toBe(200);
    const s = text(form.html);
    expect(s).toContain('1.000.000 đồng / số điểm kinh doanh');
    expect(s).toContain('Nộp khi cơ quan giải quyết yêu cầu');
    expect(form.html).toContain('name="feeCategory" type="radio" value="ho-ngheo"');
    const action = `/nop-ho-so/${P}?_csrf=${encodeURIComponent(csrfIn(form.html))}`;
    const fields = {
      'f.tenDoanhNghiep': 'Công ty TNHH Thử Nghiệm',
      'f.maSoThue': '0101234567',
      'f.soDiemBan': '2',
      'contact.email': '',
      'contact.phone': '',
      'contact.address': '',
      delivery: 'online',
    };

    // Saved with a category the procedure does not know: it is dropped, and the fees are worked out in full.
    const unknown = await b.multipart(action, { ...fields, feeCategory: 'khong-co', intent: 'save' });
    expect(unknown.status).toBe(303);
    expect(unknown.location).toBe(`/nop-ho-so/${P}?saved=1`);
    expect(text((await b.page(unknown.location!)).html)).toContain('2.005.000 đồng');

    // A poor household: the phí is waived, the lệ phí stays.
    const review = await b.multipart(action, { ...fields, feeCategory: 'ho-ngheo', intent: 'review' });
    expect(review.status).toBe(303);
    expect(review.location).toBe(`/nop-ho-so/${P}/xem-lai?doi-tuong=ho-ngheo`);
    const r = await b.page(review.location!);
    const rs = text(r.html);
    expect(rs).toContain('Hộ nghèo');
    expect(rs).toContain('5.000 đồng');
    expect(rs).toContain('Năm nghìn đồng');
    expect(r.html).toMatch(/<input type="hidden" name="feeCategory" value="ho-ngheo"\s*\/?>/);

    const filed = await b.post(`/nop-ho-so/${P}/nop`, { _csrf: csrfIn(r.html), feeCategory: 'ho-ngheo' });
    expect(filed.status).toBe(303);
    const after = await b.page(filed.location!);
    const as = text(after.html);
    expect(as).toContain('Nộp phí để gửi hồ sơ');
    expect(as).toContain('Thanh toán trực tuyến');
    const code = /data-dossier-code="?[^>]*>([^<]+)</.exec(after.html)![1];
    const token = await citizenToken(t, ha.id, ha.name, ha.identifier ?? undefined);
    const d = (
      await api<View & { fees: { due: { total: number; lines: { code: string; reductionPercent: number; amount: number }[] } } }>(
        t,
        'GET',
        `/api/v1/dossiers/${code}`,
        { token },
      )
    ).body;
    expect(d.status).toBe('unpaid');
    expect(d.fees.due.total).toBe(5_000);
    expect(d.fees.due.lines.map((l) => [l.code, l.reductionPercent, l.amount])).toEqual([
      ['PHI-TD', 100, 0],
      ['LP-TN', 0, 5_000],
    ]);
  });
});

describe('a fee the officer asks for while processing', () => {
  it('says why and what, with the officer’s note; a refused payment comes back failed with a retry, and the dossier still waits', async () => {
    const citizenId = '00000000-0000-4000-8000-00000000b003';
    const crew = await signInCrew(t, citizenId);
    const code = await fileAndReceive(t, crew);
    await act(t, crew.leader, code, { action: 'assign', assignee: 'chuyenvien' });
    const asked = await act(t, crew.specialist, code, {
      action: 'request_fee',
      lines: [{ code: 'LP-CAP', name: 'Lệ phí cấp giấy phép', kind: 2, amount: 200_000 }],
      note: 'Theo Thông tư 1/2026/TT-BTC',
    });
    expect(asked.status).toBe(200);

    const b = await signedIn({ kind: 'citizen', id: citizenId, name: 'Trần Văn Minh', identifier: '001089012345', citizenKind: 'citizen' });
    const page = await b.page(`/ho-so-cua-toi/${code}`);
    const s = text(page.html);
    expect(s).toContain('Cơ quan giải quyết yêu cầu bạn thực hiện nghĩa vụ tài chính');
    expect(s).toContain('Theo Thông tư 1/2026/TT-BTC');
    expect(s).toContain('Lệ phí cấp giấy phép');
    expect(s).toContain('200.000 đồng');
    expect(s).toContain('Hai trăm nghìn đồng');

    const started = await b.post(`/ho-so-cua-toi/${code}/thanh-toan`, { _csrf: csrfIn(page.html) });
    expect(started.status).toBe(303);
    const refused = await b.post(started.location!, { outcome: 'fail', bank: 'TCB' });
    expect(refused.status).toBe(303);
    const back = await b.page(refused.location!);
    expect(back.status).toBe(200);
    expect(text(back.html)).toContain('Thanh toán không thành công');
    expect(back.html).toContain(`action="/ho-so-cua-toi/${code}/thanh-toan"`);
    expect((await api<View>(t, 'GET', `/api/v1/dossiers/${code}`, { token: crew.citizen })).body.status).toBe('awaiting_fee');
    expect((await paymentsOf(crew.citizen, code)).map((p) => p.state)).toEqual(['failed']);
  });
});

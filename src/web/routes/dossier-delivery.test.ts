import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../platform/auth/roles.ts';
import { SESSION_COOKIE } from '../../platform/auth/sessions.ts';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, FORM, importTestProcedures, samplePdf, TEST_PROCEDURE, uploadPdf } from '../../../test/dossier-fixtures.ts';

/**
 * How the applicant receives the result (issue 11): chosen at filing (portal, API, counter),
 * kept on the dossier, shown to the official who returns it, and said in the notification
 * at return.
 */
let t: TestApp;
const P = TEST_PROCEDURE.code;
const ADDRESS = 'Số 45 Nguyễn Thị Minh Khai, phường Bến Thành, Thành phố Hồ Chí Minh';
const ha: Principal = {
  kind: 'citizen',
  id: '00000000-0000-4000-8000-00000000d002',
  name: 'Nguyễn Thị Thanh Hà',
  identifier: '079194006789',
  citizenKind: 'citizen',
};
let citizen = '';
let receiving = '';

type ErrorReply = { error: { code: string; details?: { path: string; message: string; messageEn: string }[] } };

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  citizen = await citizenToken(t, ha.id, ha.name, '079194006789');
  receiving = await login(t, 'tiepnhan.xnk');
});
afterAll(() => t?.close());

function pdfText(pdf: Uint8Array): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-delivery-'));
  try {
    const file = path.join(dir, 'form.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).normalize('NFC');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const dossierCount = async () =>
  Number(
    (
      await t.ctx.database.db
        .selectFrom('dossiers')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

async function fileAs(token: string, body: Record<string, unknown>) {
  return api<{ code: string; delivery: string } & ErrorReply>(t, 'POST', '/api/v1/dossiers', {
    token,
    body: { procedureCode: P, channel: 2, form: FORM, components: [{ code: 'T-01', uploadId: await uploadPdf(t, token) }], ...body },
  });
}

async function walkToApproved(code: string) {
  for (const [who, body] of [
    ['tiepnhan.xnk', { action: 'receive' }],
    ['lanhdao', { action: 'assign', assignee: 'chuyenvien' }],
    ['chuyenvien', { action: 'propose' }],
    ['ky', { action: 'approve' }],
  ] as const) {
    const r = await act(t, await login(t, who), code, body);
    if (r.status !== 200) throw new Error(`${body.action}: ${JSON.stringify(r.body)}`);
  }
}

describe('choosing how to receive the result', () => {
  it('by post without an address is refused, naming the Address field, and nothing is stored', async () => {
    const before = await dossierCount();
    const r = await fileAs(citizen, { delivery: 'post', applicant: { kind: 'citizen', name: ha.name, identifier: ha.identifier, email: 'ha@example.vn' } });
    expect(r.status).toBe(400);
    const d = r.body.error.details?.find((x) => x.path === 'body.applicant.address');
    expect(d?.message).toBe('Cần nhập Địa chỉ để nhận kết quả qua bưu chính');
    expect(d?.messageEn).toBe('Enter the Address to receive the result by post');
    expect(await dossierCount()).toBe(before);
  });

  it('an unknown method is refused', async () => {
    const r = await fileAs(citizen, { delivery: 'pigeon' });
    expect(r.status).toBe(400);
    expect(r.body.error.details?.some((x) => x.path === 'body.delivery')).toBe(true);
  });

  it('online filing defaults to the repository; the choice is on the dossier', async () => {
    const r = await fileAs(citizen, {});
    expect(r.status).toBe(201);
    expect(r.body.delivery).toBe('online');
  });

  it('on the portal form, post without an address comes back with the error linked to the Address input', async () => {
    const s = await t.ctx.sessions.create(ha);
    const cookie = `${SESSION_COOKIE}=${s.id}`;
    const first = await fetch(`${t.base}/nop-ho-so/${P}`, { headers: { cookie, accept: 'text/html' } });
    const html = await first.text();
    const csrfCookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const action = /<form method="post" action="(\/nop-ho-so\/[^"]+\?_csrf=[^"]+)"/.exec(html)![1].replace(/&amp;/g, '&');
    // The three methods are offered, the repository chosen by default.
    expect(html).toMatch(/id="delivery-online" name="delivery" type="radio" value="online" checked/);
    expect(html).toContain('for="delivery-desk">Tại Bộ phận Một cửa</label>');
    expect(html).toContain('for="delivery-post">Qua dịch vụ bưu chính</label>');
    const fd = new FormData();
    for (const [k, v] of Object.entries({
      'contact.email': '',
      'contact.phone': '',
      'contact.address': '',
      delivery: 'post',
      'f.tenDoanhNghiep': FORM.tenDoanhNghiep,
      'f.maSoThue': FORM.maSoThue,
      intent: 'review',
    }))
      fd.append(k, v);
    fd.append('file.0', new File([new Uint8Array(await samplePdf())], 'don.pdf', { type: 'application/pdf' }));
    const r = await fetch(`${t.base}${action}`, {
      method: 'POST',
      headers: { cookie: `${cookie}; ${csrfCookie}`, accept: 'text/html' },
      body: fd,
      redirect: 'manual',
    });
    const body = await r.text();
    expect(r.status, body.slice(0, 500)).toBe(400);
    expect(body).toContain('<a href="#contact-address">Cần nhập Địa chỉ để nhận kết quả qua bưu chính</a>');
    expect(body).toMatch(/<p id="contact-address-error" class="govuk-error-message">/);
    // What was chosen stays chosen.
    expect(body).toMatch(/id="delivery-post" name="delivery" type="radio" value="post" checked/);
  });

  it('by post: the official sees the choice, the return uses it, and the notification says it was posted to the address', async () => {
    const r = await fileAs(citizen, {
      delivery: 'post',
      applicant: { kind: 'citizen', name: ha.name, identifier: ha.identifier, email: 'ha@example.vn', address: ADDRESS },
    });
    expect(r.status).toBe(201);
    const code = r.body.code;
    await walkToApproved(code);
    // The receipt (form 01) says where the applicant registered to receive the result.
    const slip = await fetch(`${t.base}/api/v1/dossiers/${code}/forms/01`, { headers: { authorization: `Bearer ${citizen}` } });
    expect(slip.status).toBe(200);
    expect(pdfText(new Uint8Array(await slip.arrayBuffer())).replace(/\s+/g, ' ')).toContain(
      `Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích, địa chỉ: ${ADDRESS}`,
    );
    const page = await api<string>(t, 'GET', `/can-bo/ho-so/${code}`, { token: receiving, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Người nộp đã chọn: Qua dịch vụ bưu chính');
    expect(page.body).toMatch(/<option value="post" selected/);
    // The return names no method: the applicant's choice is used.
    expect((await act(t, receiving, code, { action: 'return' })).status).toBe(200);
    const log = await t.ctx.database.db
      .selectFrom('dossier_actions as a')
      .innerJoin('dossiers as d', 'd.id', 'a.dossier_id')
      .select('a.data')
      .where('d.code', '=', code)
      .where('a.action', '=', 'return')
      .executeTakeFirstOrThrow();
    expect((log.data as { method: string }).method).toBe('post');
    const mail = await t.ctx.database.db
      .selectFrom('notifications')
      .select(['body_text', 'subject'])
      .where('dossier_code', '=', code)
      .where('event', '=', 'dossier.returned')
      .where('channel', '=', 'email')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe(`Hồ sơ ${code} đã được trả kết quả`);
    expect(mail.body_text).toContain(`Kết quả đã được gửi qua dịch vụ bưu chính đến địa chỉ: ${ADDRESS}.`);
    const inbox = await api<{ items: { event: string; text: string }[] }>(t, 'GET', '/api/v1/me/notifications', { token: citizen });
    expect(inbox.body.items.find((n) => n.event === 'dossier.returned')?.text).toContain('bưu chính');
  });

  it('at the counter the desk is the default, and the notification at return says to collect it there', async () => {
    const up = await uploadPdf(t, receiving);
    const r = await api<{ code: string; delivery: string }>(t, 'POST', '/api/v1/dossiers', {
      token: receiving,
      body: {
        procedureCode: P,
        channel: 1,
        applicant: { kind: 'citizen', name: 'Lê Văn Quầy', identifier: '001099000111', email: 'quay@example.vn' },
        form: FORM,
        components: [{ code: 'T-01', uploadId: up }],
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.delivery).toBe('desk');
    // Paper is digitised before the dossier moves past receipt (receipt-gate.test.ts); this one is only shown.
    const exempt = await api(t, 'POST', `/api/v1/dossiers/${r.body.code}/digitisation/exemptions`, {
      token: receiving,
      body: { componentCode: 'T-01', reason: 'Bản chính chỉ để đối chiếu, đã trả lại người nộp' },
    });
    expect(exempt.status).toBe(200);
    for (const [who, body] of [
      ['lanhdao', { action: 'assign', assignee: 'chuyenvien' }],
      ['chuyenvien', { action: 'propose' }],
      ['ky', { action: 'approve' }],
    ] as const) {
      expect((await act(t, await login(t, who), r.body.code, body)).status).toBe(200);
    }
    expect((await act(t, receiving, r.body.code, { action: 'return' })).status).toBe(200);
    const mail = await t.ctx.database.db
      .selectFrom('notifications')
      .select('body_text')
      .where('dossier_code', '=', r.body.code)
      .where('event', '=', 'dossier.returned')
      .executeTakeFirstOrThrow();
    expect(mail.body_text).toContain('Ông/Bà nhận kết quả tại Bộ phận Một cửa');
  });

  it('the counter form offers the choice too', async () => {
    const page = await api<string>(t, 'GET', `/can-bo/tiep-nhan/${P}`, { token: receiving, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/id="delivery-desk" name="delivery" type="radio" value="desk" checked/);
    expect(page.body).toContain('id="delivery-post"');
  });
});

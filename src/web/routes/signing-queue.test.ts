import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { fileAndApprove, importTestProcedures, signInCrew, TEST_PROCEDURE, type Crew } from '../../../test/dossier-fixtures.ts';

/**
 * Issue 11, item 8: the signing leader previews each result, confirms a batch before it is
 * signed (a plain form, no JavaScript needed), is told plainly when nothing was ticked, and
 * reads each outcome with the dossier's name and its result code or the reason in words.
 */
let t: TestApp;
let crew: Crew;
beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  crew = await signInCrew(t, '50000000-0000-4000-8000-000000000081');
}, 300_000);
afterAll(() => t?.close());

const get = async (url: string, token = crew.signer) => {
  const r = await fetch(`${t.base}${url}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/html' } });
  return { status: r.status, type: r.headers.get('content-type') ?? '', html: await r.text() };
};
const post = async (fields: [string, string][], token = crew.signer) => {
  const r = await fetch(`${t.base}/can-bo/ky-so`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: r.status, html: await r.text() };
};
const resultsOf = (code: string) => t.ctx.database.db.selectFrom('results').select('result_code').where('dossier_code', '=', code).execute();

describe('the signing queue', () => {
  it('lists each waiting dossier with a preview of its unsigned result', async () => {
    const code = await fileAndApprove(t, crew);
    const page = await get('/can-bo/ky-so');
    expect(page.status).toBe(200);
    const preview = `/api/v1/dossiers/${code}/result-preview`;
    expect(page.html).toContain(`href="${preview}"`);
    expect(page.html).toMatch(new RegExp(`href="${preview.replace(/\./g, '\\.')}"[^>]*>Xem trước<`));
    // The specialist who proposed, by name.
    expect(page.html).toContain('Trần Minh Đức');
    const pdf = await fetch(`${t.base}${preview}`, { headers: { authorization: `Bearer ${crew.signer}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(await resultsOf(code)).toEqual([]);
  });

  it('signing with nothing ticked is a form error linking to the first checkbox, not an outcome', async () => {
    await fileAndApprove(t, crew);
    const r = await post([]);
    expect(r.status).toBe(400);
    expect(r.html).toContain('govuk-error-summary');
    expect(r.html).toContain('<a href="#sign-0">Chọn ít nhất một hồ sơ để ký</a>');
    expect(r.html).toContain('id="sign-0"');
    expect(r.html).not.toContain('Đã ký 0');
    expect(r.html).not.toContain('Kết quả ký');
  });

  it('a batch is shown for confirmation first; only the confirmation signs, and each outcome names its dossier', async () => {
    const a = await fileAndApprove(t, crew);
    const b = await fileAndApprove(t, crew);
    const confirm = await post([
      ['codes', a],
      ['codes', b],
    ]);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Xác nhận ký số');
    expect(confirm.html).toContain('>Ký 2 kết quả<');
    expect(confirm.html).toContain(`<input type="hidden" name="codes" value="${a}"/>`);
    expect(confirm.html).toContain(`<input type="hidden" name="codes" value="${b}"/>`);
    expect(confirm.html).toContain('<input type="hidden" name="confirm" value="1"/>');
    expect(confirm.html).toContain(TEST_PROCEDURE.name);
    expect(confirm.html).toContain(`href="/api/v1/dossiers/${a}/result-preview"`);
    // Nothing is signed until the leader confirms.
    expect(await resultsOf(a)).toEqual([]);
    expect(await resultsOf(b)).toEqual([]);

    const done = await post([
      ['codes', a],
      ['codes', b],
      ['confirm', '1'],
    ]);
    expect(done.status).toBe(200);
    expect(done.html).toContain('Đã ký 2 kết quả.');
    const [ra] = await resultsOf(a);
    const [rb] = await resultsOf(b);
    expect(ra && rb).toBeTruthy();
    for (const [code, result] of [
      [a, ra.result_code],
      [b, rb.result_code],
    ]) {
      const line = new RegExp(
        `${code.replace(/\./g, '\\.')}</span> — ${TEST_PROCEDURE.name} — Trần Văn Minh: đã ký, mã kết quả <a[^>]*>${result.replace(/\./g, '\\.')}</a>`,
      );
      expect(done.html).toMatch(line);
    }
    // Signed dossiers leave the queue.
    expect((await get('/can-bo/ky-so')).html).not.toContain(`name="codes" value="${a}"`);
  });

  it('a dossier that cannot be signed is reported in words; codes not waiting for this leader are left out of the confirmation', async () => {
    const a = await fileAndApprove(t, crew);
    await post([
      ['codes', a],
      ['confirm', '1'],
    ]);
    const again = await post([
      ['codes', a],
      ['confirm', '1'],
    ]);
    expect(again.html).toContain('Đã ký 0 kết quả. 1 hồ sơ chưa ký được.');
    expect(again.html).toMatch(new RegExp(`${a.replace(/\./g, '\\.')}</span>: chưa ký được\\. Hồ sơ ${a.replace(/\./g, '\\.')} đã có kết quả`));
    expect(again.html).not.toMatch(/CONFLICT|already has/);

    const confirm = await post([['codes', 'KHONG-CO-HO-SO']]);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Không có trong danh sách chờ ký của bạn, sẽ không được ký: KHONG-CO-HO-SO');
    expect(confirm.html).not.toContain('name="confirm"');
  });

  it('in English the confirmation and the error speak English', async () => {
    await fileAndApprove(t, crew);
    const r = await fetch(`${t.base}/can-bo/ky-so?lang=en`, {
      method: 'POST',
      headers: { authorization: `Bearer ${crew.signer}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    const html = await r.text();
    expect(r.status).toBe(400);
    expect(html).toContain('Select at least one dossier to sign');
    expect(html).toContain('>Preview<');
  });
});

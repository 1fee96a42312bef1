import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { samplePdf } from '../../../test/dossier-fixtures.ts';
import { decompressionBomb } from '../../../test/verification-fixtures.ts';
import { recordResult } from '../../modules/results/record-result.ts';
import { createTestCa, issueSigningCertificate } from '../../platform/signing/test-ca.ts';
import { KeySigner } from '../../platform/signing/signer.ts';
import { signPdf } from '../../platform/signing/pades.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const base = {
  dossierCode: '000.05.01.G12-261129-0019',
  procedureCode: '2.001270',
  documentName: 'Giấy chứng nhận xuất xứ hàng hóa mẫu D',
  kind: 'certificate' as const,
  number: '225/GCN-XNK',
  issuerUnit: '000.05.00.G12',
  issuerName: 'Cục Xuất nhập khẩu',
  holder: { name: 'Công ty TNHH Thương mại Hưng Thịnh', identifier: '0101234567' },
};

describe('/xac-minh: check a result PDF by uploading it, without JavaScript', () => {
  // A session-less visitor: the page sets the CSRF cookie and puts the token in the form's action URL.
  const jar = new Map<string, string>();
  const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
  };
  const actionIn = (html: string) => /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  let action: string;

  const send = async (bytes: Uint8Array | string, name = 'ket-qua.pdf', type = 'application/pdf', url = action) => {
    const body = new FormData();
    body.append('file', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type }), name);
    const r = await fetch(`${t.base}${url}`, { method: 'POST', headers: { cookie: cookies(), accept: 'text/html' }, body });
    return { status: r.status, html: await r.text() };
  };

  it('shows the upload form with its label, and the result page links to it', async () => {
    const r = await fetch(`${t.base}/xac-minh`);
    expect(r.status).toBe(200);
    remember(r);
    const html = await r.text();
    expect(html).toContain('<label class="govuk-label govuk-label--s" for="file">Tệp kết quả (PDF)</label>');
    expect(html).toMatch(/<input class="govuk-file-upload" id="file" name="file" type="file"/);
    action = actionIn(html)!;
    expect(action).toMatch(/^\/xac-minh\?_csrf=/);
    expect(jar.get('congso_csrf')).toBeTruthy();

    const verifyPage = await (await fetch(`${t.base}/verify/khong-co`)).text();
    expect(verifyPage).toContain('<a class="govuk-link" href="/xac-minh">Kiểm tra một tệp PDF</a>');
  });

  it('a registered signed result: registered, intact, each signer listed; one changed byte: neither', async () => {
    const pdf = await samplePdf();
    const ca = await createTestCa();
    const leader = new KeySigner(await issueSigningCertificate(ca, { commonName: 'Hoàng Văn Thắng', organisation: 'Bộ Công Thương' }));
    const seal = new KeySigner(await issueSigningCertificate(ca, { commonName: 'Bộ Công Thương', organisation: 'Bộ Công Thương', keyAlgorithm: 'ECDSA-P256' }));
    const signed = await signPdf(await signPdf(pdf, leader, { fieldName: 'Lãnh đạo' }), seal, { fieldName: 'Con dấu' });
    const { resultCode, sha256 } = await t.ctx.database.db.transaction().execute((tx) => recordResult(t.ctx, tx, base, signed, 'staff:ky'));

    const ok = await send(signed);
    expect(ok.status).toBe(200);
    expect(ok.html).toContain('Có: tệp trùng khớp với kết quả đã cấp');
    expect(ok.html).toContain('Còn hiệu lực');
    expect(ok.html).toContain('Cục Xuất nhập khẩu');
    // The procedure as the catalogue names it, not the document's own name (free text that may name the holder).
    expect(ok.html).toContain('Cấp Giấy chứng nhận xuất xứ hàng hóa (C/O) ưu đãi mẫu D (2.001270)');
    expect(ok.html).toContain('Giấy chứng nhận, xác nhận');
    expect(ok.html).toContain(`href="/verify/${encodeURIComponent(resultCode)}"`);
    expect(ok.html).toContain('>Nguyên vẹn<');
    // The leader signed first, so the seal's revision comes after it; the seal covers the whole file.
    expect(ok.html).toContain('<strong>Hoàng Văn Thắng</strong>: hợp lệ; không bao trùm toàn bộ tệp');
    expect(ok.html).toContain('<strong>Bộ Công Thương</strong>: hợp lệ; bao trùm toàn bộ tệp');
    expect(ok.html).toContain(sha256);
    expect(ok.html).not.toContain('govuk-error-summary');

    const tampered = new Uint8Array(signed);
    const at = Buffer.from(signed).indexOf('%PDF-1.') + 7;
    tampered[at] = tampered[at] === 0x37 ? 0x36 : 0x37;
    const bad = await send(tampered);
    expect(bad.status).toBe(200);
    expect(bad.html).toContain('Không: tệp không trùng với kết quả nào đã cấp');
    expect(bad.html).toContain('>Không nguyên vẹn<');
    // A signature that no longer verifies names no signer; both are listed as not valid.
    expect(bad.html.match(/<\/strong>: không hợp lệ;/g)).toHaveLength(2);
    expect(bad.html).not.toContain('</strong>: hợp lệ');
    expect(bad.html).not.toContain('>Nguyên vẹn<');
    expect(bad.html).not.toContain('href="/verify/');
    // The checker's English ("Message digest doesn't match") is never shown: its words in Vietnamese are.
    expect(bad.html).toContain('Nội dung tệp đã thay đổi sau khi ký (mã băm không khớp)');
    expect(bad.html).not.toMatch(/Message digest|doesn.t match|Error during verification/);
    const badEn = await send(tampered, 'ket-qua.pdf', 'application/pdf', `${action}&lang=en`);
    expect(badEn.html).toContain('The content changed after it was signed (the digest does not match)');

    const en = await send(signed, 'ket-qua.pdf', 'application/pdf', `${action}&lang=en`);
    expect(en.html).toContain('Yes: the file matches an issued result');
    expect(en.html).toContain('<strong>Bộ Công Thương</strong>: valid; covers the whole file');
    // The issuing unit by the English name the organisation records for it.
    expect(en.html).toContain('Agency of Foreign Trade');
    expect(ok.html).not.toContain('Agency of Foreign Trade');
    expect(await (await fetch(`${t.base}/verify/${encodeURIComponent(resultCode)}?lang=en`)).text()).toContain('Agency of Foreign Trade');
  });

  it('a text file, or no file, is refused with the form again, an error summary and the field error', async () => {
    const txt = await send('chỉ là văn bản', 'ghi-chu.txt', 'text/plain');
    expect(txt.status).toBeGreaterThanOrEqual(400);
    expect(txt.status).toBeLessThan(500);
    expect(txt.html).toContain('govuk-error-summary');
    expect(txt.html).toContain('<a href="#file">Tệp được chọn không phải là tệp PDF</a>');
    expect(txt.html).toContain('govuk-form-group govuk-form-group--error');
    expect(txt.html).toContain('id="file-error"');

    const empty = await send(new Uint8Array(0), '', 'application/octet-stream');
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('Chọn tệp kết quả (PDF)');

    // Without the token the post is refused.
    expect((await send(await samplePdf(), 'a.pdf', 'application/pdf', '/xac-minh')).status).toBe(403);
  });

  it('a decompression bomb is refused on the form by the small budget of anonymous verification', async () => {
    const bomb = await send(decompressionBomb());
    expect(bomb.status).toBe(413);
    expect(bomb.html).toContain('govuk-error-summary');
    expect(bomb.html).toContain('id="file-error"');
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, issueToken, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { citizenToken } from '../../../test/dossier-fixtures.ts';
import { itWithTool, toolForCheck } from '../../../test/tools.ts';
import { buildServer } from '../../platform/http/server.ts';
import type { App } from '../../platform/http/types.ts';
import { decodeQr, pdfText } from '../../platform/pdf/testing.ts';
import type { PaymentView } from '../../modules/payments/schemas.ts';
import { FEE_TOTAL, FEE_UNIT, fileOwing, importFeeProcedure } from '../../modules/payments/testing/fixtures.ts';
import { receiptVerifyModule } from './receipt-verify.tsx';

/**
 * The public receipt check, `/bien-lai/{id}`, over HTTP as anyone (no session) opens it from the
 * receipt's QR code: a settled payment's receipt is shown with what it says that names no one,
 * the QR code inside the real receipt PDF leads to it, and an unknown id is a 404.
 */
let t: TestApp;
/** Where the page is served: the app itself once src/app.ts mounts the module, else a server of its own on the same context. */
let pageBase: string;
let own: App | null = null;
let paymentId: string;
let receipt: NonNullable<PaymentView['receipt']>;
let citizen: string;
let desk: string;

const PAYER = { name: 'Nguyễn Thị Bích Ngọc', identifier: '001190054321' };

const anon = async (path: string) => {
  const r = await fetch(`${pageBase}${path}`, { headers: { accept: 'text/html' }, redirect: 'manual' });
  return { status: r.status, html: await r.text() };
};
/** The text a reader sees: tags dropped, entities a browser would decode, spaces collapsed. */
const visible = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

beforeAll(async () => {
  t = await startTestApp();
  if (t.app.hasRoute({ method: 'GET', url: '/bien-lai/:id' })) pageBase = t.base;
  else {
    own = await buildServer(t.ctx, [receiptVerifyModule], { refreshPrincipal: async (p) => p });
    await own.listen({ port: 0, host: '127.0.0.1' });
    const addr = own.server.address();
    pageBase = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }
  await importFeeProcedure(t);
  citizen = await citizenToken(t, '60000000-0000-4000-8000-0000000000b1', PAYER.name, PAYER.identifier);
  desk = await login(t, 'tiepnhan.xnk');
  // Filed online, owing its fee; the applicant pays cash at the desk, which settles and receipts it.
  const code = await fileOwing(t, citizen);
  const due = (await api<{ fees: { due: { n: number; total: number } } }>(t, 'GET', `/api/v1/dossiers/${code}`, { token: desk })).body.fees.due;
  const paid = await api<PaymentView>(t, 'POST', `/api/v1/dossiers/${code}/counter-payments`, {
    token: desk,
    body: { method: 'cash', amount: due.total, dueSeq: due.n },
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  paymentId = paid.body.id;
  receipt = paid.body.receipt!;
  expect(receipt).not.toBeNull();
}, 600_000);
afterAll(async () => {
  await own?.close();
  await t?.close();
});

describe('the public receipt check /bien-lai/{id}', () => {
  it("shows a settled payment's receipt to anyone: number, series, template, date, unit, total in figures and words, dossier, no refund", async () => {
    const r = await anon(`/bien-lai/${paymentId}`);
    expect(r.status).toBe(200);
    const text = visible(r.html);
    expect(text).toContain('Biên lai hợp lệ, do hệ thống cấp');
    expect(text).toContain('01BLP0-001');
    expect(text).toMatch(/Ký hiệu\s+CS-\d{2}E/);
    expect(text).toContain(receipt.number);
    expect(receipt.number).toMatch(/^\d{7}$/);
    expect(text).toContain('Phòng Quản lý Xuất nhập khẩu khu vực Hà Nội');
    expect(text).toContain('200.000 đồng');
    expect(FEE_TOTAL).toBe(200_000);
    expect(text).toContain('Hai trăm nghìn đồng');
    expect(text).toMatch(/Mã hồ sơ\s+[A-Z0-9.]+-\d{6}-\d{4}/);
    expect(text).toMatch(/Hoàn trả\s+Không có/);
    expect(text).toContain('Tiền mặt tại bộ phận một cửa');

    const en = visible((await anon(`/bien-lai/${paymentId}?lang=en`)).html);
    expect(en).toContain('Valid receipt, issued by the system');
    expect(en).toContain('Regional Import-Export Management Office in Hà Nội');
    expect(en).toMatch(/Refund\s+None recorded/);
  });

  it("never shows the payer's name, identifier or address, which the receipt itself prints", async () => {
    const pdf = await fetch(`${t.base}/api/v1/payments/${paymentId}/receipt`, { headers: { authorization: `Bearer ${citizen}` } });
    expect(pdf.status).toBe(200);
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    // The receipt does print them, so the page had them to leak (poppler reads the PDF; under CI it must be there).
    if (toolForCheck('pdftotext', 'the receipt PDF prints the payer')) {
      const printed = await pdfText(bytes, { mode: 'raw' });
      expect(printed.normalize('NFC')).toContain(PAYER.name);
      expect(printed).toContain(PAYER.identifier);
    }
    for (const lang of ['vi', 'en']) {
      const { html } = await anon(`/bien-lai/${paymentId}?lang=${lang}`);
      expect(html).not.toContain(PAYER.identifier);
      expect(html.normalize('NFC')).not.toContain(PAYER.name);
      // Nor part of it: the family name with the given name, or the given name alone.
      expect(html.normalize('NFC')).not.toContain('Bích Ngọc');
      expect(html).not.toContain(PAYER.identifier.slice(-6));
    }
  });

  it('refunds show on the page once a finance officer records them', async () => {
    const finance = await issueToken(t.ctx, {
      kind: 'staff',
      id: randomUUID(),
      username: 'ketoan.bienlai',
      name: 'Kế toán thử nghiệm',
      roles: [{ role: 'finance_officer', unitId: FEE_UNIT }],
    });
    const refund = await api(t, 'POST', `/api/v1/payments/${paymentId}/refunds`, { token: finance, body: { amount: 50_000, note: 'Thu thừa' } });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    const text = visible((await anon(`/bien-lai/${paymentId}`)).html);
    expect(text).toContain('Đã hoàn trả một phần: 50.000 đồng');
    expect(text).toContain('Biên lai hợp lệ, do hệ thống cấp');
  });

  itWithTool(['pdftoppm', 'zbarimg'], "the QR code inside the receipt PDF leads to this page, at the platform's public address", async () => {
    const pdf = await fetch(`${t.base}/api/v1/payments/${paymentId}/receipt`, { headers: { authorization: `Bearer ${citizen}` } });
    expect(pdf.status).toBe(200);
    const codes = await decodeQr(new Uint8Array(await pdf.arrayBuffer()));
    expect(codes).toHaveLength(1);
    const url = String((JSON.parse(codes[0]) as { url: unknown }).url);
    expect(url).toBe(`${t.config.publicUrl}/bien-lai/${paymentId}`);
    const page = await anon(new URL(url).pathname);
    expect(page.status).toBe(200);
    expect(visible(page.html)).toContain(receipt.number);
  });

  it('an unknown id, or one that is not an id, is a 404 page saying the receipt is not found', async () => {
    for (const id of [randomUUID(), 'khong-co', `${paymentId.slice(0, -1)}x`, "1' or '1'='1"]) {
      const r = await anon(`/bien-lai/${encodeURIComponent(id)}`);
      expect(r.status, id).toBe(404);
      expect(r.html).toContain('id="receipt-not-found"');
      expect(visible(r.html)).toContain('Không tìm thấy biên lai');
    }
    const en = await anon(`/bien-lai/${randomUUID()}?lang=en`);
    expect(en.status).toBe(404);
    expect(visible(en.html)).toContain('Receipt not found');
  });
});

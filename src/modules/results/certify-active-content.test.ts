import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { api, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { type Crew, fileAndReceive, importTestProcedures, pdfsigReport, signInCrew } from '../../../test/dossier-fixtures.ts';
import { AppError } from '../../platform/errors.ts';
import { ATTACK_PDFS, benignPackedPdf, makePdf, rawPdf } from '../../platform/blobs/testing/fixtures.ts';
import { assertNoActiveContent } from '../../platform/pdf/find-active-content.ts';
import { pdfText } from '../../platform/pdf/testing.ts';
import { signPdf } from '../../platform/signing/pades.ts';
import { KeySigner } from '../../platform/signing/signer.ts';
import { createTestCa, issueSigningCertificate } from '../../platform/signing/test-ca.ts';
import { importUploads } from '../uploads/import-uploads.ts';

/**
 * Certifying or signing never seals active content (issue 10, item 3), and a PDF our parser
 * reads but pdf-lib alone could not (object streams with predictors) is certified, not a 500.
 */
let t: TestApp;
let tok: Crew;
let dossier: string;

interface ErrBody {
  error: { code: string; message: string; messageEn: string };
}

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  tok = await signInCrew(t);
  dossier = await fileAndReceive(t, tok);
});
afterAll(async () => {
  await t?.close();
});

async function upload(bytes: Uint8Array, name = 'ban-quet.pdf') {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
  const r = await fetch(`${t.base}/api/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${tok.receiving}` }, body: fd });
  return { status: r.status, body: (await r.json()) as { id: string } & ErrBody };
}

/** A file stored before today's check existed (or brought in by a migration): certification must not trust the upload check alone. */
async function storedEarlier(bytes: Uint8Array): Promise<string> {
  const { sha256, size } = await t.ctx.blobs.put(bytes);
  const id = randomUUID();
  await importUploads(t.ctx, [
    { id, sha256, size, contentType: 'application/pdf', kind: 'pdf', fileName: 'ban-quet-cu.pdf', owner: 'staff:tiepnhan.xnk', createdAt: new Date() },
  ]);
  return id;
}

const certify = (uploadId: string) =>
  api<{ resultCode: string } & ErrBody>(t, 'POST', '/api/v1/results/certified-copies', {
    token: tok.receiving,
    body: { dossierCode: dossier, uploadId, documentName: 'Giấy khai sinh bản chính' },
  });
const resultCount = async () =>
  Number(
    (
      await t.ctx.database.db
        .selectFrom('results')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('dossier_code', '=', dossier)
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Every attack file, by what it carries: the object-stream ones from the fixtures and pdf-lib's own. */
const attacks = async (): Promise<[string, Buffer, RegExp][]> => [
  ...Object.entries(ATTACK_PDFS).map(([label, a]): [string, Buffer, RegExp] => [label, a.build(), a.names]),
  ['a pdf-lib OpenAction script', await makePdf({ js: 'openAction' }), /JavaScript/],
  ['pdf-lib document-level JavaScript', await makePdf({ js: 'names', objectStreams: false }), /JavaScript/],
  ['a pdf-lib Launch action', await makePdf({ launch: true }), /Launch/],
  ['a pdf-lib attachment', await makePdf({ attach: true }), /EmbeddedFile/],
];

describe('certified copies', () => {
  it('a clean scan packed with predictor-compressed object streams is certified (it was a 500): two valid signatures, its page and text kept', async () => {
    const scan = benignPackedPdf('Giay khai sinh ban chinh');
    const up = await upload(scan);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const r = await certify(up.body.id);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const pdf = new Uint8Array(
      await (await fetch(`${t.base}/api/v1/results/${r.body.resultCode}/pdf`, { headers: { authorization: `Bearer ${tok.citizen}` } })).arrayBuffer(),
    );
    expect(pdfsigReport(pdf).match(/Signature is Valid\./g)).toHaveLength(2);
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    expect(text).toContain('Giay khai sinh ban chinh');
    expect(text).toContain('CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH');
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(2);
    assertNoActiveContent(pdf);
  }, 300_000);

  it('refuses every file with an action, a script, XFA or an embedded file: at upload, and at certification for a file stored before the check (415, named, nothing sealed)', async () => {
    const before = await resultCount();
    for (const [label, bytes, names] of await attacks()) {
      const up = await upload(bytes);
      expect([label, up.status, up.body.error?.code]).toEqual([label, 415, 'ACTIVE_CONTENT_REFUSED']);
      const r = await certify(await storedEarlier(bytes));
      expect([label, r.status, r.body.error?.code]).toEqual([label, 415, 'ACTIVE_CONTENT_REFUSED']);
      expect(r.body.error.messageEn).toMatch(names);
      expect(r.body.error.message).toContain('in ra PDF');
    }
    expect(await resultCount()).toBe(before);
  }, 600_000);

  it('the counter’s certification page refuses them too, and says why on the page', async () => {
    const before = await resultCount();
    for (const [label, bytes] of (await attacks()).slice(0, 4)) {
      const fd = new FormData();
      fd.append('documentName', 'Giấy khai sinh bản chính');
      fd.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'ban-quet.pdf');
      const r = await fetch(`${t.base}/can-bo/ho-so/${dossier}/chung-thuc`, {
        method: 'POST',
        redirect: 'manual',
        headers: { authorization: `Bearer ${tok.receiving}` },
        body: fd,
      });
      expect([label, r.status]).toEqual([label, 400]);
      expect(await r.text()).toContain('nội dung chủ động');
    }
    expect(await resultCount()).toBe(before);
  }, 300_000);

  it('a PDF pdf-lib cannot build on (no page tree) is a clear 415 saying so, not a 500, and nothing is sealed', async () => {
    const pageless = rawPdf(['<< /Type /Catalog /Lang (vi) >>']);
    const up = await upload(pageless);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const before = await resultCount();
    const r = await certify(up.body.id);
    expect([r.status, r.body.error?.code]).toEqual([415, 'PDF_NOT_CERTIFIABLE']);
    expect(await resultCount()).toBe(before);
  }, 300_000);
});

describe('signing (results and copies alike go through signPdf)', () => {
  it('refuses to sign or seal a PDF with any action or script (415, never a signature around it); a clean one signs', async () => {
    const ca = await createTestCa();
    const signer = new KeySigner(await issueSigningCertificate(ca, { commonName: 'Nguyễn Văn Ký', organisation: 'Bộ Công Thương' }));
    for (const [label, bytes, names] of await attacks()) {
      const e = await signPdf(bytes, signer).then(
        () => null,
        (err: unknown) => err,
      );
      expect([label, e instanceof AppError && e.status]).toEqual([label, 415]);
      expect((e as AppError).text.en).toMatch(names);
    }
    const signed = await signPdf(await makePdf(), signer, { fieldName: 'Chữ ký' });
    expect(pdfsigReport(signed)).toContain('Signature is Valid.');
  }, 300_000);
});

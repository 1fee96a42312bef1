import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { api, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { storeUpload } from './store-upload.ts';
import { readUpload } from './read-upload-bytes.ts';
import {
  ATTACK_OFFICE,
  ATTACK_PDFS,
  BENIGN_OFFICE,
  benignPackedPdf,
  enc,
  makeDocx,
  makeJpeg,
  makePdf,
  makePng,
  makeXlsx,
} from '../../platform/blobs/testing/fixtures.ts';

interface UploadBody {
  id: string;
  sha256: string;
  size: number;
  contentType: string;
  kind: string;
  fileName: string;
}
interface ErrBody {
  error: { code: string; message: string; messageEn: string; details?: { path: string }[] };
}

let t: TestApp;
let citizen: string;
let otherCitizen: string;
let officer: string;
let service: string;
let pdf: Buffer;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

type Part = { field: string; bytes: Uint8Array; name?: string; type?: string } | { field: string; value: string };

async function post(token: string | undefined, parts: Part[]) {
  const fd = new FormData();
  for (const p of parts) {
    if ('value' in p) fd.append(p.field, p.value);
    else fd.append(p.field, new Blob([new Uint8Array(p.bytes)], { type: p.type ?? 'application/octet-stream' }), p.name ?? 'file.bin');
  }
  const r = await fetch(`${t.base}/api/v1/uploads`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: fd });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text) as UploadBody & ErrBody };
}
const upload = (token: string, bytes: Uint8Array, name: string) => post(token, [{ field: 'file', bytes, name }]);

async function download(token: string, id: string) {
  const r = await fetch(`${t.base}/api/v1/uploads/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

const rowCount = async () =>
  Number(
    (
      await t.ctx.database.db
        .selectFrom('uploads')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const blobFiles = () => {
  const dir = path.join(t.dataDir, 'blobs');
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length : 0;
};

beforeAll(async () => {
  t = await startTestApp({ demo: false });
  citizen = await tokenFor(t, 'citizen');
  const other: Principal = {
    kind: 'citizen',
    id: '00000000-0000-4000-8000-0000000000aa',
    name: 'Nguyễn Thị Khác',
    identifier: '001190000999',
    citizenKind: 'citizen',
  };
  otherCitizen = await t.ctx.tokens.issue(other);
  officer = await tokenFor(t, 'receiving_officer');
  service = await tokenFor(t, 'scope:dossiers:write');
  pdf = await makePdf();
});
afterAll(async () => {
  await t?.close();
});

describe('POST /api/v1/uploads and GET /api/v1/uploads/{id}', () => {
  it('stores each accepted kind and gives back the same bytes, type and a safe UTF-8 attachment name', async () => {
    const files: [Buffer, string, string, string][] = [
      [pdf, 'Đơn đề nghị cấp phép.pdf', 'pdf', 'application/pdf'],
      [makePng(), 'ảnh chân dung.png', 'png', 'image/png'],
      [makeJpeg(), 'CCCD mặt trước.jpg', 'jpeg', 'image/jpeg'],
      [makeDocx(), 'Tờ khai.docx', 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [makeXlsx(), 'Bảng kê (1).xlsx', 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ];
    for (const [bytes, name, kind, contentType] of files) {
      const r = await upload(citizen, bytes, name);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        sha256: sha(bytes),
        size: bytes.length,
        contentType,
        kind,
        fileName: name,
        reusedFrom: null,
      });
      expect(existsSync(path.join(t.dataDir, 'blobs', r.body.sha256.slice(0, 2), r.body.sha256.slice(2, 4), r.body.sha256))).toBe(true);

      const d = await download(citizen, r.body.id);
      expect(d.status).toBe(200);
      expect(d.bytes.equals(bytes)).toBe(true);
      expect(d.headers.get('content-type')).toBe(contentType);
      expect(d.headers.get('x-content-type-options')).toBe('nosniff');
      const disposition = d.headers.get('content-disposition')!;
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
      expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1])).toBe(name);
    }
  });

  it('accepts what looks close to an attack but is ordinary: a PDF packed with predictor-compressed object streams, a web link, a chart’s workbook', async () => {
    const r = await upload(citizen, benignPackedPdf(), 'giay-khai-sinh.pdf');
    expect([r.status, r.body.kind], JSON.stringify(r.body)).toEqual([201, 'pdf']);
    for (const [label, make] of Object.entries(BENIGN_OFFICE)) {
      const b = make();
      const name = b.includes('word/document.xml') ? 'a.docx' : 'a.xlsx';
      const u = await upload(citizen, b, name);
      expect([label, u.status], JSON.stringify(u.body)).toEqual([label, 201]);
    }
  });

  it('records who uploaded what in the audit trail', async () => {
    const r = await upload(citizen, await makePdf({ text: 'audit' }), 'audit.pdf');
    const row = await t.ctx.database.db.selectFrom('audit_log').selectAll().where('target', '=', `upload:${r.body.id}`).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor: 'citizen:00000000-0000-4000-8000-000000000001', action: 'upload.create' });
    expect(row.data).toMatchObject({ sha256: r.body.sha256, kind: 'pdf', fileName: 'audit.pdf' });
  });

  it('makes the display name safe and takes a fileName field in place of the part name', async () => {
    const bidi = await upload(citizen, pdf, '..\\..\\hồ sơ\u202E.pdf');
    expect(bidi.body.fileName).toBe('hồ sơ.pdf');
    const named = await post(citizen, [
      { field: 'fileName', value: 'Giấy xác nhận．ｐｄｆ' },
      { field: 'file', bytes: pdf, name: 'blob' },
    ]);
    expect(named.status).toBe(201);
    expect(named.body.fileName).toBe('Giấy xác nhận.pdf');
  });

  it('stores the same content once however often it is uploaded', async () => {
    const bytes = await makePdf({ text: 'twice' });
    const before = blobFiles();
    const a = await upload(citizen, bytes, 'a.pdf');
    const b = await upload(otherCitizen, bytes, 'b.pdf');
    expect(a.body.id).not.toBe(b.body.id);
    expect(a.body.sha256).toBe(b.body.sha256);
    expect(blobFiles()).toBe(before + 1);
  });

  it("hides one owner's uploads from another (404, exactly like an unknown id); officials read their own and their units' dossiers' files", async () => {
    const mine = await upload(citizen, pdf, 'mine.pdf');
    const stranger = await api<ErrBody>(t, 'GET', `/api/v1/uploads/${mine.body.id}`, { token: otherCitizen });
    const unknown = await api<ErrBody>(t, 'GET', `/api/v1/uploads/${randomUUID()}`, { token: otherCitizen });
    expect([stranger.status, stranger.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await download(officer, mine.body.id)).status).toBe(404); // in no dossier of the official's units (test/security covers one that is)
    const scan = await upload(officer, pdf, 'scan.pdf');
    expect((await download(officer, scan.body.id)).bytes.equals(pdf)).toBe(true);
    expect((await download(service, mine.body.id)).status).toBe(404);

    const theirs = await upload(service, pdf, 'from-portal.pdf');
    expect(theirs.status).toBe(201);
    expect((await download(service, theirs.body.id)).status).toBe(200);
    expect((await download(citizen, theirs.body.id)).status).toBe(404);
  });

  it('readUpload checks the caller itself: another citizen or an official of no dossier holding the file gets NOT_FOUND, the owner the bytes', async () => {
    const owner: Principal = {
      kind: 'citizen',
      id: '00000000-0000-4000-8000-0000000000b1',
      name: 'Lê Văn Chủ',
      identifier: '001090000111',
      citizenKind: 'citizen',
    };
    const stranger: Principal = {
      kind: 'citizen',
      id: '00000000-0000-4000-8000-0000000000b2',
      name: 'Lê Thị Lạ',
      identifier: '001190000222',
      citizenKind: 'citizen',
    };
    const official: Principal = {
      kind: 'staff',
      id: randomUUID(),
      username: 'thu.tiepnhan.b',
      name: 'Cán bộ thử',
      roles: [{ role: 'receiving_officer', unitId: '000.05.02.G12' }],
    };
    const bytes = await makePdf({ text: 'read directly' });
    const stored = await storeUpload(t.ctx, owner, bytes, 'giay-to.pdf');
    for (const p of [stranger, official]) {
      const e = await readUpload(t.ctx, p, stored.id).then(
        () => null,
        (err: unknown) => err,
      );
      expect([p.kind, e instanceof AppError && e.code]).toEqual([p.kind, 'NOT_FOUND']);
    }
    const mine = await readUpload(t.ctx, owner, stored.id);
    expect([mine.upload.id, Buffer.from(mine.bytes).equals(bytes)]).toEqual([stored.id, true]);
  });

  it('treats a row whose blob has vanished as a server fault, not as a missing upload', async () => {
    const row = await t.ctx.database.db
      .insertInto('uploads')
      .values({
        sha256: 'e'.repeat(64),
        size: 10,
        content_type: 'application/pdf',
        kind: 'pdf',
        file_name: 'lost.pdf',
        owner: 'citizen:00000000-0000-4000-8000-000000000001',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const r = await api<ErrBody>(t, 'GET', `/api/v1/uploads/${row.id}`, { token: citizen });
    expect([r.status, r.body.error.code]).toEqual([500, 'INTERNAL']);
  });

  it('lets only the listed callers in', async () => {
    expect((await post(undefined, [{ field: 'file', bytes: pdf, name: 'a.pdf' }])).status).toBe(401);
    expect((await post(await tokenFor(t, 'unit_leader'), [{ field: 'file', bytes: pdf, name: 'a.pdf' }])).status).toBe(403);
    expect((await post(await tokenFor(t, 'specialist'), [{ field: 'file', bytes: pdf, name: 'a.pdf' }])).status).toBe(201);
    const mine = await upload(citizen, pdf, 'x.pdf');
    expect((await api(t, 'GET', `/api/v1/uploads/${mine.body.id}`)).status).toBe(401);
    // Officials who read dossiers may open files, but only those of their units' dossiers: a
    // citizen's upload attached to no dossier is not found for them, exactly like a missing one.
    expect((await api(t, 'GET', `/api/v1/uploads/${mine.body.id}`, { token: await tokenFor(t, 'auditor') })).status).toBe(404);
    expect((await api(t, 'GET', `/api/v1/uploads/${mine.body.id}`, { token: await tokenFor(t, 'unit_leader') })).status).toBe(404);
    expect((await api(t, 'GET', '/api/v1/uploads/not-a-uuid', { token: citizen })).status).toBe(400);
  });
});

describe('refusals store nothing', () => {
  let rows: number;
  let blobs: number;
  beforeAll(async () => {
    rows = await rowCount();
    blobs = blobFiles();
  });

  const expectRefused = (r: { status: number; body: ErrBody }, status: number, code: string) => {
    expect([r.status, r.body.error?.code], JSON.stringify(r.body)).toEqual([status, code]);
    expect(r.body.error.message).not.toBe(r.body.error.messageEn);
  };

  it('bad files: disguised, active, malformed, empty, too big', async () => {
    expectRefused(await upload(citizen, Buffer.concat([enc('MZ\x90\x00'), Buffer.alloc(200)]), 'hoa-don.pdf'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectRefused(await upload(citizen, enc('<html><script>alert(1)</script></html>'), 'x.pdf'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectRefused(await upload(citizen, await makePdf({ js: 'openAction' }), 'x.pdf'), 415, 'ACTIVE_CONTENT_REFUSED');
    expectRefused(await upload(citizen, makePng(), 'scan.pdf'), 400, 'VALIDATION_FAILED');
    expectRefused(await upload(citizen, pdf, 'invoice\u202Efdp.exe'), 400, 'VALIDATION_FAILED');
    expectRefused(await upload(citizen, pdf.subarray(0, pdf.length - 30), 'x.pdf'), 400, 'VALIDATION_FAILED');
    expectRefused(await upload(citizen, new Uint8Array(0), 'x.pdf'), 400, 'VALIDATION_FAILED');
    expectRefused(await upload(citizen, Buffer.concat([pdf, Buffer.alloc(20 * 1024 * 1024 + 1 - pdf.length, 0x20)]), 'big.pdf'), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('files that run, send, fetch or embed: PDF actions and scripts (object streams with predictors, indirect filters, XFA, URI, SubmitForm, Launch, attachments) and Office remote templates, DDE, OLE, zip bombs', async () => {
    for (const [label, a] of Object.entries(ATTACK_PDFS)) {
      const r = await upload(citizen, a.build(), 'don.pdf');
      expect([label, r.status, r.body.error?.code]).toEqual([label, 415, 'ACTIVE_CONTENT_REFUSED']);
      expect(r.body.error.messageEn).toMatch(a.names);
      expect(r.body.error.message).toContain('in ra PDF');
    }
    for (const [label, a] of Object.entries(ATTACK_OFFICE)) {
      const r = await upload(citizen, a.build(), a.name);
      expect([label, r.status, r.body.error?.code]).toEqual([label, a.code === 'PAYLOAD_TOO_LARGE' ? 413 : 415, a.code]);
      expect(r.body.error.messageEn).toMatch(a.says);
      expect(r.body.error.message).not.toBe(r.body.error.messageEn);
    }
  }, 300_000);

  it('multipart abuse: two files, no file, a wrongly named file field, a huge or unknown field, too many fields, not multipart', async () => {
    expectRefused(
      await post(citizen, [
        { field: 'file', bytes: pdf, name: 'a.pdf' },
        { field: 'file', bytes: pdf, name: 'b.pdf' },
      ]),
      400,
      'VALIDATION_FAILED',
    );
    expectRefused(await post(citizen, [{ field: 'fileName', value: 'a.pdf' }]), 400, 'VALIDATION_FAILED');
    expectRefused(await post(citizen, [{ field: 'attachment', bytes: pdf, name: 'a.pdf' }]), 400, 'VALIDATION_FAILED');
    expectRefused(
      await post(citizen, [
        { field: 'fileName', value: 'x'.repeat(5000) },
        { field: 'file', bytes: pdf, name: 'a.pdf' },
      ]),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectRefused(
      await post(citizen, [
        { field: 'comment', value: 'hi' },
        { field: 'file', bytes: pdf, name: 'a.pdf' },
      ]),
      400,
      'VALIDATION_FAILED',
    );
    expectRefused(
      await post(citizen, [
        { field: 'a', value: '1' },
        { field: 'b', value: '2' },
        { field: 'c', value: '3' },
        { field: 'file', bytes: pdf, name: 'a.pdf' },
      ]),
      400,
      'VALIDATION_FAILED',
    );
    expectRefused(await api<ErrBody>(t, 'POST', '/api/v1/uploads', { token: citizen, body: { file: 'JVBERi0=' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const broken = await fetch(`${t.base}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${citizen}`, 'content-type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 cut',
    });
    expectRefused({ status: broken.status, body: (await broken.json()) as ErrBody }, 400, 'VALIDATION_FAILED');
  });

  it('when the blob cannot be written, no row is written either', async () => {
    const real = t.ctx.blobs;
    const full = async () => Promise.reject(new Error('disk full (test)'));
    t.ctx.blobs = { put: full, putFile: full, get: (s) => real.get(s), open: (s) => real.open(s), has: (s) => real.has(s) };
    try {
      const r = await upload(citizen, await makePdf({ text: 'disk full' }), 'x.pdf');
      expect(r.status).toBe(500);
    } finally {
      t.ctx.blobs = real;
    }
  });

  it('left no upload row and no blob behind', async () => {
    expect(await rowCount()).toBe(rows);
    expect(blobFiles()).toBe(blobs);
  });
});

describe('multipart stays confined to the uploads routes', () => {
  it('another API still refuses a multipart body', async () => {
    const fd = new FormData();
    fd.append('id', 'X');
    const r = await fetch(`${t.base}/api/v1/units`, { method: 'POST', headers: { authorization: `Bearer ${await tokenFor(t, 'administrator')}` }, body: fd });
    expect(r.status).toBe(415);
  });
});

describe('API description', () => {
  it('documents both operations with their roles, and the document stays valid OpenAPI', async () => {
    type Op = { security?: { bearerAuth?: string[] }[]; responses: Record<string, unknown> };
    const doc = (await api<{ paths: Record<string, Record<string, Op>> }>(t, 'GET', '/api/openapi.json')).body;
    const res = await new Validator().validate(doc as Parameters<Validator['validate']>[0]);
    expect(res.errors ?? []).toEqual([]);
    const roles = ['citizen', 'receiving_officer', 'scope:dossiers:write', 'specialist'];
    const postOp = doc.paths['/api/v1/uploads'].post;
    const getOp = doc.paths['/api/v1/uploads/{id}'].get;
    expect([...postOp.security![0].bearerAuth!].sort()).toEqual(roles);
    expect([...getOp.security![0].bearerAuth!].sort()).toEqual([...roles, 'unit_leader', 'signing_leader', 'clerk', 'auditor', 'administrator'].sort());
    expect(Object.keys(postOp.responses)).toEqual(expect.arrayContaining(['201', '400', '413', '415']));
    expect(Object.keys(getOp.responses)).toEqual(expect.arrayContaining(['200', '404']));
  });
});

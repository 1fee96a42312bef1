/**
 * Every hostile file we know how to build, through every door that takes a file: the upload
 * API, anonymous verification, and certification of a file that reached storage before
 * today's checks. Each is refused with a 4xx that names what it carries, and nothing is
 * stored or sealed. The unit tests of the parser and the checks hold the details; this file
 * is the suite's count.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { api, startTestApp, type TestApp } from '../helpers.ts';
import { fileAndReceive, importTestProcedures, signInCrew, type Crew } from '../dossier-fixtures.ts';
import { ATTACK_OFFICE, ATTACK_PDFS, makePdf } from '../../src/platform/blobs/testing/fixtures.ts';
import { importUploads } from '../../src/modules/uploads/import-uploads.ts';

let t: TestApp;
let tok: Crew;
let dossier: string;

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  tok = await signInCrew(t);
  dossier = await fileAndReceive(t, tok);
});
afterAll(() => t?.close());

const count = async (table: 'uploads' | 'results') =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.ctx.database.db)).rows[0].n;

describe('hostile files', () => {
  it('are refused at every door, named, and nothing is stored or sealed', async () => {
    const pdfs: [string, Buffer][] = [
      ...Object.entries(ATTACK_PDFS).map(([label, a]): [string, Buffer] => [label, a.build()]),
      ['pdf-lib OpenAction JavaScript', await makePdf({ js: 'openAction' })],
      ['pdf-lib document JavaScript', await makePdf({ js: 'names', objectStreams: false })],
      ['pdf-lib Launch action', await makePdf({ launch: true })],
      ['pdf-lib embedded file', await makePdf({ attach: true })],
    ];
    const office = Object.entries(ATTACK_OFFICE).map(([label, a]): [string, Buffer, string] => [label, a.build(), a.name]);
    const before = { uploads: await count('uploads'), results: await count('results') };
    const failures: string[] = [];
    let tries = 0;
    const expect4xx = (door: string, label: string, status: number, body: unknown) => {
      tries++;
      if (status < 400 || status >= 500) failures.push(`${door} accepted or failed on ${label}: ${status} ${JSON.stringify(body).slice(0, 200)}`);
    };

    for (const [label, bytes, name] of [...pdfs.map(([l, b]): [string, Buffer, string] => [l, b, 'don.pdf']), ...office]) {
      const fd = new FormData();
      fd.append('file', new Blob([new Uint8Array(bytes)]), name);
      const r = await fetch(`${t.base}/api/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${tok.citizen}` }, body: fd });
      expect4xx('upload', label, r.status, await r.json());
    }
    for (const [label, bytes] of pdfs) {
      const r = await fetch(`${t.base}/api/v1/public/results/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/pdf' },
        body: new Uint8Array(bytes),
      });
      expect4xx('verification', label, r.status, await r.json());
    }
    const storedBefore = await count('uploads');
    for (const [label, bytes] of pdfs) {
      // A file that reached storage before today's checks: certification checks again.
      const { sha256, size } = await t.ctx.blobs.put(bytes);
      const id = randomUUID();
      await importUploads(t.ctx, [
        { id, sha256, size, contentType: 'application/pdf', kind: 'pdf', fileName: 'cu.pdf', owner: 'staff:tiepnhan.xnk', createdAt: new Date() },
      ]);
      const r = await api(t, 'POST', '/api/v1/results/certified-copies', {
        token: tok.receiving,
        body: { dossierCode: dossier, uploadId: id, documentName: 'Bản sao thử' },
      });
      expect4xx('certification', label, r.status, r.body);
    }

    expect(failures).toEqual([]);
    expect(storedBefore, 'no upload was stored by the upload or verification doors').toBe(before.uploads);
    expect(await count('results'), 'nothing certified').toBe(before.results);
    console.info(
      `security: ${pdfs.length + office.length} hostile files (${pdfs.length} PDF, ${office.length} Office) tried ${tries} times at 3 doors (upload, anonymous verification, certification): all refused, nothing stored or sealed`,
    );
  }, 300_000);
});

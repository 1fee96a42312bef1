import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../platform/auth/roles.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import { storeUpload } from '../../uploads/store-upload.ts';
import { startTestApp, type TestApp } from '../../../../test/helpers.ts';
import { createOutgoing } from './create-outgoing.ts';
import { getOutgoing } from './get-outgoing.ts';
import { takeOutgoingAction } from './take-outgoing-action.ts';

/**
 * Decree 30 art. 15: numbers run from 01 on 1 January to 31 December in each series, unique and
 * without gaps. 200 documents of one series released at once get 1…200; a series restarts at 01 on
 * 1 January in Vietnam (UTC+7).
 */
let t: TestApp;
type Staff = Extract<Principal, { kind: 'staff' }>;
const people: Record<string, Staff> = {};
let uploadId: string;

async function pdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(text, { x: 72, y: 760, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

beforeAll(async () => {
  t = await startTestApp();
  for (const s of await listStaff(t.ctx)) {
    if (['chuyenvien', 'lanhdao', 'ky', 'vanthu.xnk'].includes(s.username))
      people[s.username] = { kind: 'staff', id: s.id, username: s.username, name: s.fullName, roles: s.roles as Staff['roles'], mfa: true };
  }
  uploadId = (await storeUpload(t.ctx, people.chuyenvien, await pdf('Du thao van ban'), 'du-thao.pdf')).id;
}, 120_000);
afterAll(() => t?.close());

/** A document taken from draft to sealed through the operations, ready to be released. */
async function sealedDocument(seriesCode: string, subject: string): Promise<string> {
  const { id } = await createOutgoing(
    t.ctx,
    { seriesCode, subject, signer: { staffId: people.ky.id }, recipients: [{ kind: 'internal', unitId: '000.05.02.G12' }], mainUploadId: uploadId },
    people.chuyenvien,
  );
  await takeOutgoingAction(t.ctx, id, { action: 'submit', version: 1 }, people.chuyenvien);
  await takeOutgoingAction(t.ctx, id, { action: 'approve', version: 2 }, people.ky);
  await takeOutgoingAction(t.ctx, id, { action: 'sign', version: 3 }, people.ky);
  await takeOutgoingAction(t.ctx, id, { action: 'seal', version: 4 }, people['vanthu.xnk']);
  return id;
}

describe('outgoing numbering', () => {
  it('gives 200 documents released concurrently in one series 200 distinct consecutive numbers', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(await sealedDocument('QĐ', `Quyết định thử số ${i}`));
    const now = new Date('2026-06-15T03:00:00Z');
    const released = await Promise.all(ids.map((id) => takeOutgoingAction(t.ctx, id, { action: 'release', version: 5 }, people['vanthu.xnk'], now)));
    expect(released.every((r) => r.status === 'released')).toBe(true);
    const numbers = (await Promise.all(ids.map((id) => getOutgoing(t.ctx, id, people['vanthu.xnk'])))).map((d) => d.number!);
    expect(new Set(numbers).size).toBe(200);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const first = await getOutgoing(t.ctx, ids[numbers.indexOf(1)], people['vanthu.xnk']);
    expect(first.notation).toBe('01/QĐ-BCT');
    expect(first.documentId).toBe('000.00.00.G12,2026/06/15,01/QĐ-BCT');
  }, 900_000);

  it('restarts a series at 01 on 1 January, Vietnam time', async () => {
    const a = await sealedDocument('TB', 'Thông báo cuối năm 1');
    const b = await sealedDocument('TB', 'Thông báo cuối năm 2');
    const c = await sealedDocument('TB', 'Thông báo đầu năm');
    const clerk = people['vanthu.xnk'];
    // 23:59 on 31 December in Hà Nội, then 00:00 on 1 January (17:00 UTC).
    await takeOutgoingAction(t.ctx, a, { action: 'release', version: 5 }, clerk, new Date('2026-12-31T16:58:00Z'));
    await takeOutgoingAction(t.ctx, b, { action: 'release', version: 5 }, clerk, new Date('2026-12-31T16:59:59Z'));
    await takeOutgoingAction(t.ctx, c, { action: 'release', version: 5 }, clerk, new Date('2026-12-31T17:00:00Z'));
    const [da, db, dc] = await Promise.all([a, b, c].map((id) => getOutgoing(t.ctx, id, clerk)));
    expect([da.notation, db.notation, dc.notation]).toEqual(['01/TB-BCT', '02/TB-BCT', '01/TB-BCT']);
    expect([da.promulgationDate, dc.promulgationDate]).toEqual(['2026-12-31', '2027-01-01']);
    expect(dc.documentId).toBe('000.00.00.G12,2027/01/01,01/TB-BCT');
  }, 300_000);
});

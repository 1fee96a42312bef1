import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../platform/auth/roles.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import { storeUpload } from '../../uploads/store-upload.ts';
import { startTestApp, type TestApp } from '../../../../test/helpers.ts';
import { type EdxmlDocumentMessage, type EdxmlStatusMessage, parseEdxml } from '../edxml/index.ts';
import { createOutgoing } from './create-outgoing.ts';
import { takeOutgoingAction } from './take-outgoing-action.ts';

/**
 * What a release, an update, a replacement and a recall put on the exchange, read back from the
 * signed EDXML the exchange keeps for each recipient: the business type (0, 2, 3), ResponseFor and
 * ReplacementInfoList naming the earlier DocumentId, the sealed PDF and appendices as attachments,
 * and a status 13 addressed to the recipient.
 */
let t: TestApp;
type Staff = Extract<Principal, { kind: 'staff' }>;
const who: Record<string, Staff> = {};
const VPCP = { kind: 'external' as const, organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' };

async function pdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText(text, { x: 72, y: 760, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

beforeAll(async () => {
  t = await startTestApp();
  for (const s of await listStaff(t.ctx))
    who[s.username] = { kind: 'staff', id: s.id, username: s.username, name: s.fullName, roles: s.roles as Staff['roles'], mfa: true };
}, 120_000);
afterAll(() => t?.close());

/** The messages the exchange holds for a DocumentId, oldest first, parsed back. */
async function sent(documentId: string) {
  const rows = await t.ctx.database.db.selectFrom('edxml_deliveries').selectAll().where('document_id', '=', documentId).orderBy('created_at').execute();
  return Promise.all(
    rows.map(async (r) => {
      const bytes = await t.ctx.blobs.get(r.blob);
      return { to: r.organ_id, ...parseEdxml(Buffer.from(bytes!)) };
    }),
  );
}

async function released(subject: string, appendix: boolean): Promise<{ id: string; version: number; documentId: string }> {
  const main = await storeUpload(t.ctx, who.chuyenvien, await pdf('Van ban chinh'), 'chinh.pdf');
  const extra = appendix ? [(await storeUpload(t.ctx, who.chuyenvien, await pdf('Phu luc'), 'phu-luc.pdf')).id] : [];
  const { id } = await createOutgoing(
    t.ctx,
    { seriesCode: 'QĐ', subject, signer: { staffId: who.ky.id }, recipients: [VPCP], mainUploadId: main.id, appendixUploadIds: extra },
    who.chuyenvien,
  );
  let v = 1;
  for (const [p, action] of [
    [who.chuyenvien, 'submit'],
    [who.ky, 'approve'],
    [who.ky, 'sign'],
    [who['vanthu.xnk'], 'seal'],
    [who['vanthu.xnk'], 'release'],
  ] as const)
    v = (await takeOutgoingAction(t.ctx, id, { action, version: v } as never, p, new Date('2026-03-02T02:00:00Z'))).version;
  const row = await t.ctx.database.db.selectFrom('outgoing_documents').select('document_id').where('id', '=', id).executeTakeFirstOrThrow();
  return { id, version: v, documentId: row.document_id! };
}

describe('outgoing documents on the exchange', () => {
  it('sends a new document, an update, a replacement and a recall with the right business types', async () => {
    const first = await released('Quyết định gửi liên thông', true);
    expect(first.documentId).toBe('000.00.00.G12,2026/03/02,01/QĐ-BCT');
    const [m0] = await sent(first.documentId);
    const doc = m0.message as EdxmlDocumentMessage;
    expect(m0.signature.valid).toBe(true);
    expect(doc.kind).toBe('document');
    expect(doc.business.type).toBe(0);
    expect(doc.to.map((o) => o.organId)).toEqual(['000.00.00.G22']);
    expect(doc.code).toEqual({ number: '01', notation: 'QĐ-BCT' });
    expect(doc.documentType).toEqual({ type: 1, typeDetail: 2, typeName: 'Quyết định' });
    expect(doc.attachments.map((a) => a.name)).toEqual(['chinh.sealed.pdf', 'phu-luc.pdf']);
    expect(doc.attachments[0].content.subarray(0, 5).toString()).toBe('%PDF-');

    await takeOutgoingAction(
      t.ctx,
      first.id,
      { action: 'update', version: first.version, reason: 'Sửa trích yếu', subject: 'Quyết định gửi liên thông (sửa)' },
      who['vanthu.xnk'],
    );
    const update = (await sent(first.documentId))[1].message as EdxmlDocumentMessage;
    expect(update.business.type).toBe(2);
    expect(update.business.reason).toBe('Sửa trích yếu');
    expect(update.subject).toBe('Quyết định gửi liên thông (sửa)');
    expect(update.responseFor.map((r) => r.documentId)).toEqual([first.documentId]);

    const newMain = await storeUpload(t.ctx, who.chuyenvien, await pdf('Ban thay the'), 'thay-the.pdf');
    const r = await takeOutgoingAction(
      t.ctx,
      first.id,
      { action: 'replace', version: first.version + 1, reason: 'Sai số liệu', mainUploadId: newMain.id },
      who.chuyenvien,
    );
    let v = 1;
    for (const [p, action] of [
      [who.chuyenvien, 'submit'],
      [who.ky, 'approve'],
      [who.ky, 'sign'],
      [who['vanthu.xnk'], 'seal'],
      [who['vanthu.xnk'], 'release'],
    ] as const)
      v = (await takeOutgoingAction(t.ctx, r.replacementId!, { action, version: v } as never, p, new Date('2026-03-03T02:00:00Z'))).version;
    const [replacement] = await sent('000.00.00.G12,2026/03/03,02/QĐ-BCT');
    const m3 = replacement.message as EdxmlDocumentMessage;
    expect(m3.business.type).toBe(3);
    expect(m3.business.replacementInfo).toEqual([{ documentId: first.documentId, organIds: ['000.00.00.G22'] }]);
    expect(m3.responseFor.map((x) => x.documentId)).toEqual([first.documentId]);

    const second = await released('Quyết định sẽ thu hồi', false);
    await takeOutgoingAction(t.ctx, second.id, { action: 'recall', version: second.version, reason: 'Ban hành nhầm' }, who['vanthu.xnk']);
    const recall = (await sent(second.documentId)).find((m) => m.message.kind === 'status')!;
    const s = recall.message as EdxmlStatusMessage;
    expect(recall.to).toBe('000.00.00.G22');
    expect(s.statusCode).toBe('13');
    expect(s.description).toBe('Ban hành nhầm');
    expect(s.responseFor).toMatchObject({ organId: '000.00.00.G22', documentId: second.documentId });
  }, 180_000);
});

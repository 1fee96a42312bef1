import type { Ctx } from '../../../platform/context.ts';
import type { Principal, StaffRole } from '../../../platform/auth/roles.ts';
import { renderDocument } from '../../../platform/pdf/index.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import type { EdxmlDocumentMessage, SignatureReport } from '../edxml/model.ts';
import { registerExchangedDocument } from './register-exchanged-document.ts';
import { createIncomingDocument } from './create-incoming-document.ts';
import { takeIncomingAction } from './take-incoming-action.ts';

const VPCP = { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' };
const MOIT = { organId: '000.00.00.G12', organName: 'Bộ Công Thương' };

async function letter(title: string, agency: string, text: string): Promise<Uint8Array> {
  return renderDocument({
    qr: { dossierCode: 'DEMO', procedureCode: 'VBDEN', applicantId: '-', documentName: title },
    header: { parentAgencies: [], agency, place: 'Hà Nội', date: new Date('2026-12-01T02:00:00Z') },
    title,
    body: [{ kind: 'paragraph', text }],
  });
}

function message(n: number, subject: string, pdf: Uint8Array, dueDate?: string): EdxmlDocumentMessage {
  const code = `${n}/VPCP-KTTH`;
  return {
    kind: 'document',
    from: VPCP,
    to: [MOIT],
    documentId: `${VPCP.organId},2026/12/01,${code}`,
    code: { number: String(n), notation: 'VPCP-KTTH' },
    promulgation: { place: 'Hà Nội', date: '2026-12-01' },
    documentType: { type: 1, typeDetail: 2, typeName: 'Công văn' },
    subject,
    signer: { position: 'Phó Chủ nhiệm', fullName: 'Trần Văn Sơn' },
    ...(dueDate ? { dueDate } : {}),
    toPlaces: [],
    otherInfo: { appendixes: [] },
    responseFor: [],
    business: { type: 0, replacementInfo: [] },
    trace: [],
    attachments: [{ contentId: 'cid:1', name: `cong-van-${n}.pdf`, contentType: 'application/pdf', content: Buffer.from(pdf) }],
  };
}

/**
 * Incoming documents of the demo, in several states, through the operations a clerk, a leader and
 * a handler use: two from the exchange waiting to be registered (one signed with SHA-1), and paper
 * documents registered, directed, in progress and done. Statuses to the exchange are sent only
 * for what the clerk does later in the demo, so nothing waits in the outbox at start.
 */
export async function loadDemoIncoming(ctx: Ctx, log: (msg: string) => void = () => {}): Promise<void> {
  const staff = await listStaff(ctx);
  const as = (username: string): Extract<Principal, { kind: 'staff' }> | null => {
    const s = staff.find((x) => x.username === username);
    return s
      ? {
          kind: 'staff',
          id: s.id,
          username: s.username,
          name: s.fullName,
          roles: s.roles.map((r) => ({ role: r.role as StaffRole, unitId: r.unitId })),
          mfa: true,
        }
      : null;
  };
  const clerk = as('vanthu');
  const leader = as('lanhdao');
  const handler = as('chuyenvien');
  if (!clerk || !leader || !handler) return;
  const valid: SignatureReport = { present: true, valid: true, algorithm: 'rsa-sha256', weak: false, signer: 'CN=Văn phòng Chính phủ, O=Chính phủ, C=VN' };
  const sha1: SignatureReport = { present: true, valid: true, algorithm: 'rsa-sha1', weak: true, signer: 'CN=Văn phòng Chính phủ, O=Chính phủ, C=VN' };
  const pdf = await letter('CÔNG VĂN', 'VĂN PHÒNG CHÍNH PHỦ', 'Về việc tháo gỡ khó khăn cho xuất khẩu nông sản.');
  await ctx.database.db.transaction().execute(async (tx) => {
    await registerExchangedDocument(ctx, tx, message(8812, 'Về việc tháo gỡ khó khăn cho xuất khẩu nông sản', pdf, '2026-12-25'), {
      signature: valid,
      rawBlob: (await ctx.blobs.put(Buffer.from('<edXML/>'))).sha256,
      via: 'axis',
    });
    await registerExchangedDocument(ctx, tx, message(8813, 'Về việc báo cáo tình hình thực hiện Nghị quyết 01', pdf), {
      signature: sha1,
      rawBlob: (await ctx.blobs.put(Buffer.from('<edXML/>'))).sha256,
      via: 'inbox',
    });
  });

  const paper = async (numberNotation: string, senderName: string, subject: string) => {
    const scan = await letter('CÔNG VĂN', senderName.toUpperCase(), subject);
    return createIncomingDocument(
      ctx,
      clerk,
      { channel: 'paper', senderName, numberNotation, promulgationDate: '2026-11-28', documentType: 'Công văn', subject },
      [{ fileName: `${numberNotation.replace(/\//g, '-')}.pdf`, bytes: scan }],
    );
  };
  const directTo = { handlerId: handler.id, instructions: 'Chủ trì, phối hợp các đơn vị liên quan xử lý, báo cáo kết quả' };
  const a = await paper('215/UBND-KT', 'UBND tỉnh Nghệ An', 'Về việc cấp giấy chứng nhận xuất xứ cho doanh nghiệp trên địa bàn');
  await takeIncomingAction(ctx, a.id, { action: 'register', version: 1, directingUnitId: '000.05.01.G12' }, clerk);
  const b = await paper('1042/SCT-QLTM', 'Sở Công Thương Hà Nội', 'Về việc kiểm tra hoạt động kinh doanh xăng dầu dịp Tết');
  await takeIncomingAction(ctx, b.id, { action: 'register', version: 1, directingUnitId: '000.05.01.G12' }, clerk);
  await takeIncomingAction(ctx, b.id, { action: 'direct', version: 2, ...directTo, deadline: '2099-12-31' }, leader);
  const c = await paper('77/HHXK-VP', 'Hiệp hội Xuất khẩu Việt Nam', 'Về việc góp ý dự thảo Thông tư quy định quy tắc xuất xứ');
  await takeIncomingAction(ctx, c.id, { action: 'register', version: 1, directingUnitId: '000.05.01.G12' }, clerk);
  await takeIncomingAction(ctx, c.id, { action: 'direct', version: 2, ...directTo, deadline: '2099-06-30' }, leader);
  await takeIncomingAction(ctx, c.id, { action: 'progress', version: 3, note: 'Đã tổng hợp ý kiến của các phòng' }, handler);
  const d = await paper('5/TCHQ-GSQL', 'Tổng cục Hải quan', 'Về việc phối hợp kiểm tra chứng nhận xuất xứ hàng hóa');
  await takeIncomingAction(ctx, d.id, { action: 'register', version: 1, directingUnitId: '000.05.01.G12' }, clerk);
  await takeIncomingAction(ctx, d.id, { action: 'direct', version: 2, ...directTo }, leader);
  await takeIncomingAction(ctx, d.id, { action: 'complete', version: 3, note: 'Đã có Công văn trả lời số 120/XNK-XXHH' }, handler);
  log('demo: 6 incoming documents');
}

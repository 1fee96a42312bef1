import type { Ctx } from '../../../platform/context.ts';
import type { Principal } from '../../../platform/auth/roles.ts';
import { renderDocument } from '../../../platform/pdf/index.ts';
import { listStaff } from '../../organisation/list-staff.ts';
import { storeUpload } from '../../uploads/store-upload.ts';
import { createOutgoing } from './create-outgoing.ts';
import { takeOutgoingAction } from './take-outgoing-action.ts';
import type { OutgoingActionInput } from './schemas.ts';

type Staff = Extract<Principal, { kind: 'staff' }>;

/** A draft's main file as a specialist would upload it: the national header, the subject, a few paragraphs. */
async function draftPdf(subject: string, paragraphs: string[]): Promise<Uint8Array> {
  return renderDocument({
    qr: { dossierCode: 'DU-THAO', procedureCode: '', applicantId: '000.05.00.G12', documentName: subject },
    header: { parentAgencies: ['BỘ CÔNG THƯƠNG'], agency: 'CỤC XUẤT NHẬP KHẨU', place: 'Hà Nội', date: new Date() },
    title: subject,
    body: [
      ...paragraphs.map((text) => ({ kind: 'paragraph' as const, text, firstLineIndent: 10 })),
      { kind: 'signature', signer: { title: 'KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG', note: '', space: 30 }, recipients: ['Như trên;', 'Lưu: VT, XNK.'] },
    ],
  });
}

/**
 * Outgoing documents of the demo ministry in different states, made through the same operations
 * as real ones: a công văn released to two units, a decision sealed and awaiting release, a notice
 * awaiting the unit leader, a plan returned to its drafter.
 */
export async function loadDemoOutgoing(outer: Ctx, log: (msg: string) => void = () => {}): Promise<void> {
  // The demo's time-stamping authority is served by the app itself, which is not listening yet while
  // the demo loads: these signatures are baseline B (no timestamp), as without a TSA.
  const ctx: Ctx = { ...outer, config: { ...outer.config, tsaUrl: undefined } };
  const staff = await listStaff(ctx);
  const as = (username: string): Staff | undefined => {
    const s = staff.find((x) => x.username === username);
    return s && { kind: 'staff', id: s.id, username: s.username, name: s.fullName, roles: s.roles as Staff['roles'], mfa: true };
  };
  const [drafter, leader, signer, clerk] = [as('chuyenvien'), as('lanhdao'), as('ky'), as('vanthu.xnk')];
  if (!drafter || !leader || !signer || !clerk) return log('demo: outgoing documents skipped (demo officials missing)');
  const steps: [Staff, OutgoingActionInput['action'], Record<string, string>?][] = [
    [drafter, 'submit'],
    [leader, 'forward'],
    [signer, 'approve'],
    [signer, 'sign'],
    [clerk, 'seal'],
    [clerk, 'release'],
  ];
  const make = async (
    seriesCode: string,
    subject: string,
    paragraphs: string[],
    units: string[],
    upTo: number,
    extra?: (id: string, v: number) => Promise<void>,
  ) => {
    const main = await storeUpload(ctx, drafter, await draftPdf(subject, paragraphs), 'du-thao.pdf');
    const { id } = await createOutgoing(
      ctx,
      {
        seriesCode,
        subject,
        signer: { staffId: signer.id },
        signerPosition: 'KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG',
        recipients: units.map((unitId) => ({ kind: 'internal' as const, unitId })),
        mainUploadId: main.id,
      },
      drafter,
    );
    let version = 1;
    for (const [who, action] of steps.slice(0, upTo)) version = (await takeOutgoingAction(ctx, id, { action, version } as OutgoingActionInput, who)).version;
    await extra?.(id, version);
  };
  await make(
    'CV',
    'V/v phối hợp kiểm tra xuất xứ hàng hóa xuất khẩu',
    ['Để tăng cường công tác kiểm tra xuất xứ hàng hóa, Cục Xuất nhập khẩu đề nghị các Phòng Quản lý xuất nhập khẩu khu vực phối hợp thực hiện.'],
    ['000.05.02.G12', '000.05.03.G12'],
    6,
  );
  await make(
    'QĐ',
    'Quyết định ban hành Kế hoạch chuyển đổi số năm 2027',
    ['Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2027.'],
    ['000.05.02.G12'],
    5,
  );
  await make('TB', 'Thông báo lịch trực Tết Nguyên đán', ['Cục Xuất nhập khẩu thông báo lịch trực trong dịp Tết Nguyên đán.'], ['000.05.04.G12'], 1);
  await make('KH', 'Kế hoạch kiểm tra thị trường quý I', ['Kế hoạch kiểm tra thị trường quý I.'], ['000.05.02.G12'], 1, async (id, version) => {
    await takeOutgoingAction(ctx, id, { action: 'return', version, reason: 'Bổ sung phân công nhiệm vụ cho từng phòng' }, leader);
  });
  log('demo: 4 outgoing documents');
}

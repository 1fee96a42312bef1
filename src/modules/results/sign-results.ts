import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { signPdf } from '../../platform/signing/pades.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { listUnits } from '../organisation/list-units.ts';
import { dossierOwner, getDossier } from '../dossiers/get-dossier.ts';
import { agencyHeader } from '../dossiers/issue-form.ts';
import { renderResult } from './templates/render-result.ts';
import type { LabelledField, ResultDocumentData } from './templates/types.ts';
import { recordResult, reserveResultCode } from './record-result.ts';
import { signingKeys } from './signing-keys.ts';

type Staff = Extract<Principal, { kind: 'staff' }>;
type Schema = { properties?: Record<string, { title?: string; type?: string }> };

/** The e-form's plain answers as the certificate's labelled lines, in the form's order. */
function fieldsFrom(schema: Schema | null | undefined, form: Record<string, unknown>): LabelledField[] {
  return Object.entries(schema?.properties ?? {})
    .filter(([k, p]) => p.type !== 'array' && p.type !== 'object' && form[k] !== undefined && form[k] !== '')
    .map(([k, p]) => ({ label: p.title ?? k, value: typeof form[k] === 'number' ? (form[k] as number).toLocaleString('vi-VN') : String(form[k]) }));
}

const asRect = (r: { x: number; y: number; w: number; h: number }): [number, number, number, number] => [r.x, r.y, r.x + r.w, r.y + r.h];

export type SignOutcome = { dossierCode: string; resultCode: string } | { dossierCode: string; error: { code: string; message: string; messageEn: string } };

/**
 * The signing leader signs the results of approved dossiers, one or a batch: each result is
 * rendered from the dossier (its result code printed in it and in the QR code), signed by the
 * leader, sealed by the organisation (two PAdES signatures placed as Decree 30 prescribes),
 * and registered, each in its own transaction so one failure does not undo the others.
 */
export async function signResults(ctx: Ctx, dossierCodes: string[], p: Principal): Promise<SignOutcome[]> {
  if (p.kind !== 'staff') throw new AppError('FORBIDDEN', { vi: 'Chỉ lãnh đạo có thẩm quyền được ký kết quả', en: 'Only a signing leader may sign results' });
  const units = new Map((await listUnits(ctx)).map((u) => [u.id, u]));
  const out: SignOutcome[] = [];
  for (const code of dossierCodes) {
    try {
      out.push({ dossierCode: code, resultCode: await signOne(ctx, code, p, units) });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      out.push({ dossierCode: code, error: { code: e.code, message: e.text.vi, messageEn: e.text.en } });
    }
  }
  return out;
}

async function signOne(ctx: Ctx, code: string, p: Staff, units: Map<string, Awaited<ReturnType<typeof listUnits>>[number]>): Promise<string> {
  const d = await getDossier(ctx, code, p);
  if (d.status !== 'approved') {
    throw new AppError('CONFLICT', { vi: `Hồ sơ ${d.code} chưa được phê duyệt hoặc đã trả kết quả`, en: `Dossier ${d.code} is not approved, or its result was returned` });
  }
  const proc = await getProcedure(ctx, d.procedureCode, { version: d.procedureVersion });
  const approve = proc.workflow.find((s) => s.step === 'approve') ?? proc.workflow[proc.workflow.length - 2];
  const issuer = approve?.unit ?? d.handlingUnit;
  if (!p.roles.some((r) => r.role === 'signing_leader' && r.unitId === issuer)) {
    throw new AppError('FORBIDDEN', { vi: 'Chỉ lãnh đạo ký của đơn vị phê duyệt được ký kết quả này', en: "Only the approving unit's signing leaders may sign this result" });
  }
  const existing = await ctx.database.db.selectFrom('results').select('result_code').where('dossier_code', '=', d.code).where('status', '=', 'valid').executeTakeFirst();
  if (existing) throw new AppError('CONFLICT', { vi: `Hồ sơ ${d.code} đã có kết quả ${existing.result_code}`, en: `Dossier ${d.code} already has result ${existing.result_code}` });

  const agency = agencyHeader(units, issuer);
  const keys = signingKeys(ctx);
  const [leader, seal] = await Promise.all([
    keys.person(ctx, { username: p.username, name: p.name, organisation: agency.parent ?? agency.name, unitName: agency.name }),
    keys.organisation(ctx, { id: issuer, name: agency.name, parent: agency.parent }),
  ]);
  const documentName = proc.resultType ?? `Kết quả giải quyết thủ tục ${proc.name}`;
  const kind = proc.resultKind === 'licence' ? 'licence' : 'certificate';
  const owner = await dossierOwner(ctx, d.code);
  // The code is printed in the document, so it is reserved, the PDF rendered and signed, and the
  // result registered in one transaction: a failure returns the number (codes stay gap-free).
  return ctx.database.db.transaction().execute(async (tx) => {
    const resultCode = await reserveResultCode(tx, issuer);
    const number = `${resultCode.split('-').pop()!.replace(/^0+/, '')}/${kind === 'licence' ? 'GP' : 'GCN'}`;
    const data: ResultDocumentData = {
      kind,
      agency,
      number,
      issuedAt: new Date(),
      documentName,
      resultCode,
      dossierCode: d.code,
      procedure: { code: proc.code, name: proc.name },
      holder: { name: d.applicant.name, idNumber: d.applicant.identifier, kind: d.applicant.kind === 'business' ? 'organisation' : 'individual', address: d.applicant.address ?? undefined },
      signer: { title: 'THỦ TRƯỞNG ĐƠN VỊ', name: p.name },
      verificationUrl: `${ctx.config.publicUrl}/verify/${encodeURIComponent(resultCode)}`,
      content: { fields: fieldsFrom(proc.eForm as Schema | null, d.form) },
    };
    const rendered = await renderResult(data);
    const signed = await signPdf(rendered.pdf, leader, { fieldName: 'Chữ ký lãnh đạo', reason: `Ký ${documentName}`, location: agency.place, visible: { page: rendered.signatureRect.page, rect: asRect(rendered.signatureRect) } });
    const sealed = await signPdf(signed, seal, { fieldName: 'Chữ ký tổ chức', reason: 'Đóng dấu của cơ quan', location: agency.place, visible: { page: rendered.sealRect.page, rect: asRect(rendered.sealRect) } });
    await recordResult(
      ctx,
      tx,
      { dossierCode: d.code, procedureCode: proc.code, documentName, kind, number, issuerUnit: issuer, issuerName: agency.name, holder: { name: d.applicant.name, identifier: d.applicant.identifier }, ownerCitizenId: owner },
      sealed,
      `staff:${p.username}`,
      resultCode,
    );
    return resultCode;
  });
}

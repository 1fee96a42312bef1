import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { signPdf } from '../../platform/signing/pades.ts';
import { rfc3161Client } from '../../platform/signing/timestamp.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { listUnits } from '../organisation/list-units.ts';
import { dossierOwner, getDossier } from '../dossiers/get-dossier.ts';
import { agencyHeader } from '../dossiers/issue-form.ts';
import { renderResult } from './templates/render-result.ts';
import type { ResultDocumentData } from './templates/types.ts';
import { recordResult, reserveResultCode } from './record-result.ts';
import { signingKeys } from './signing-keys.ts';
import { eFormFields, getResultDraft, type ResultDraft } from './draft-result.ts';

type Staff = Extract<Principal, { kind: 'staff' }>;
const asRect = (r: { x: number; y: number; w: number; h: number }): [number, number, number, number] => [r.x, r.y, r.x + r.w, r.y + r.h];

type Dossier = Awaited<ReturnType<typeof getDossier>>;
type Procedure = Awaited<ReturnType<typeof getProcedure>>;

/**
 * The result document of a dossier: the specialist's draft when there is one, otherwise a
 * certificate listing the e-form's answers. Used to sign, and (with a placeholder code) to preview.
 */
export function resultDocument(o: {
  d: Dossier;
  proc: Procedure;
  agency: ResultDocumentData['agency'];
  draft: ResultDraft | null;
  resultCode: string;
  signerName: string;
  publicUrl: string;
}): ResultDocumentData {
  const { d, proc, draft } = o;
  const kind: ResultDraft['kind'] = draft?.kind ?? (proc.resultKind === 'licence' ? 'licence' : 'certificate');
  const serial = /-(\d+)$/.exec(o.resultCode)?.[1]?.replace(/^0+/, '') ?? '…';
  const base = {
    agency: o.agency,
    number: `${serial}/${kind === 'licence' ? 'GP' : kind === 'written_reply' ? 'CV' : 'GCN'}`,
    issuedAt: new Date(),
    documentName: draft?.documentName ?? proc.resultType ?? `Kết quả giải quyết thủ tục ${proc.name}`,
    resultCode: o.resultCode,
    dossierCode: d.code,
    procedure: { code: proc.code, name: proc.name },
    holder: {
      name: d.applicant.name,
      idNumber: d.applicant.identifier,
      kind: d.applicant.kind === 'business' ? ('organisation' as const) : ('individual' as const),
      address: d.applicant.address ?? undefined,
    },
    signer: { title: 'THỦ TRƯỞNG ĐƠN VỊ', name: o.signerName },
    verificationUrl: `${o.publicUrl}/verify/${encodeURIComponent(o.resultCode)}`,
  };
  if (draft?.kind === 'written_reply') return { ...base, kind: 'written_reply', content: { subject: draft.subject, paragraphs: draft.paragraphs } };
  const fields = draft ? draft.fields : eFormFields(o.proc.eForm, d.form);
  const extra = draft ? { validUntil: draft.validUntil, notes: draft.notes } : {};
  return {
    ...base,
    kind: kind === 'licence' ? 'licence' : 'certificate',
    content: { fields: fields.length ? fields : [{ label: 'Thủ tục', value: proc.name }], ...extra },
  };
}

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

const alreadySigned = (code: string, resultCode: string) =>
  new AppError('RESULT_ALREADY_ISSUED', { vi: `Hồ sơ ${code} đã có kết quả ${resultCode}`, en: `Dossier ${code} already has result ${resultCode}` });

async function signOne(ctx: Ctx, code: string, p: Staff, units: Map<string, Awaited<ReturnType<typeof listUnits>>[number]>): Promise<string> {
  const d = await getDossier(ctx, code, p);
  if (d.status !== 'approved') {
    throw new AppError('NOTHING_TO_SIGN', {
      vi: `Hồ sơ ${d.code} chưa được phê duyệt hoặc đã trả kết quả`,
      en: `Dossier ${d.code} is not approved, or its result was returned`,
    });
  }
  const proc = await getProcedure(ctx, d.procedureCode, { version: d.procedureVersion });
  const approve = proc.workflow.find((s) => s.step === 'approve') ?? proc.workflow[proc.workflow.length - 2];
  const issuer = approve?.unit ?? d.handlingUnit;
  if (!p.roles.some((r) => r.role === 'signing_leader' && r.unitId === issuer)) {
    throw new AppError('NOT_YOUR_STEP', {
      vi: 'Chỉ lãnh đạo ký của đơn vị phê duyệt được ký kết quả này',
      en: "Only the approving unit's signing leaders may sign this result",
    });
  }
  const existing = await ctx.database.db
    .selectFrom('results')
    .select('result_code')
    .where('dossier_code', '=', d.code)
    .where('status', '=', 'valid')
    .executeTakeFirst();
  if (existing) throw alreadySigned(d.code, existing.result_code);

  const agency = agencyHeader(units, issuer);
  const keys = signingKeys(ctx);
  const [leader, seal] = await Promise.all([
    keys.person(ctx, { username: p.username, name: p.name, organisation: agency.parent ?? agency.name, unitName: agency.name }),
    keys.organisation(ctx, { id: issuer, name: agency.name, parent: agency.parent }),
  ]);
  // With a time-stamping authority configured, both signatures carry an RFC 3161 timestamp (PAdES B-T).
  const stamp = ctx.config.tsaUrl ? { timestamp: rfc3161Client(ctx.config.tsaUrl) } : {};
  const draft = await getResultDraft(ctx, d.code, p);
  const owner = await dossierOwner(ctx, d.code);
  // The code is printed in the document, so it is reserved, the PDF rendered and signed, and the
  // result registered in one transaction: a failure returns the number (codes stay gap-free).
  return ctx.database.db.transaction().execute(async (tx) => {
    // Parallel signings of one dossier (two tabs, a double click) queue here and the later ones
    // find the result the first registered; the check above only spares them the key work.
    await sql`select pg_advisory_xact_lock(hashtext(${`result:${d.code}`}))`.execute(tx);
    const already = await tx.selectFrom('results').select('result_code').where('dossier_code', '=', d.code).where('status', '=', 'valid').executeTakeFirst();
    if (already) throw alreadySigned(d.code, already.result_code);
    const resultCode = await reserveResultCode(tx, issuer);
    const data = resultDocument({ d, proc, agency, draft, resultCode, signerName: p.name, publicUrl: ctx.config.publicUrl });
    const { documentName, kind, number } = data;
    const rendered = await renderResult(data);
    const signed = await signPdf(rendered.pdf, leader, {
      fieldName: 'Chữ ký lãnh đạo',
      reason: `Ký ${documentName}`,
      location: agency.place,
      visible: { page: rendered.signatureRect.page, rect: asRect(rendered.signatureRect) },
      appearance: { kind: 'signature', name: p.name, organisation: agency.name },
      ...stamp,
    });
    const sealed = await signPdf(signed, seal, {
      fieldName: 'Chữ ký tổ chức',
      reason: 'Đóng dấu của cơ quan',
      location: agency.place,
      visible: { page: rendered.sealRect.page, rect: asRect(rendered.sealRect) },
      appearance: { kind: 'seal', organisation: agency.name },
      ...stamp,
    });
    await recordResult(
      ctx,
      tx,
      {
        dossierCode: d.code,
        procedureCode: proc.code,
        documentName,
        kind: kind as 'certificate',
        number,
        issuerUnit: issuer,
        issuerName: agency.name,
        holder: { name: d.applicant.name, identifier: d.applicant.identifier },
        ownerCitizenId: owner,
      },
      sealed,
      `staff:${p.username}`,
      resultCode,
    );
    return resultCode;
  });
}

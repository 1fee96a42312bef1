import { PDFDocument, rgb } from 'pdf-lib';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import type { Principal } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { fromZod } from '../../platform/http/validation.ts';
import { embedFonts } from '../../platform/pdf/fonts.ts';
import { assertNoActiveContent } from '../../platform/pdf/find-active-content.ts';
import { longDate } from '../../platform/pdf/index.ts';
import { rewritePdf } from '../../platform/pdf/rewrite-pdf.ts';
import { signPdf } from '../../platform/signing/pades.ts';
import { rfc3161Client } from '../../platform/signing/timestamp.ts';
import { readUpload } from '../uploads/read-upload-bytes.ts';
import { listUnits } from '../organisation/list-units.ts';
import { dossierOwner, getDossier } from '../dossiers/get-dossier.ts';
import { agencyHeader } from '../dossiers/issue-form.ts';
import { recordResult, reserveResultCode } from './record-result.ts';
import { signingKeys } from './signing-keys.ts';

export const CertifyCopyInput = z.object({
  dossierCode: z.string().min(1).max(60),
  uploadId: z.uuid(),
  documentName: z.string().trim().min(3).max(300),
});

const uncertifiable = () =>
  new AppError(
    'PDF_NOT_CERTIFIABLE',
    {
      vi: 'Cấu trúc tệp PDF này không chứng thực được; hãy in tệp ra PDF (máy in “Microsoft Print to PDF” hoặc “Lưu dưới dạng PDF”) rồi thử lại',
      en: "This PDF's structure cannot be certified; print it to PDF (the “Microsoft Print to PDF” or “Save as PDF” printer) and try again",
    },
    [{ path: 'uploadId', message: 'Cấu trúc tệp PDF này không chứng thực được', messageEn: "This PDF's structure cannot be certified" }],
  );

/** pdf-lib's failures on a document it cannot make sense of are the document's fault, not ours. */
async function withPdfLib<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw uncertifiable();
  }
}

/**
 * The desk certifies that a scan is a true copy of the original the applicant showed: a
 * certification page is appended (who, when, the copy's number), the officer signs and the
 * desk's unit seals it, and it is registered as a result in the applicant's repository.
 * The scan is read by our own parser first: one with scripts or actions is refused (a
 * seal would vouch for them), and it is rewritten without object streams, which pdf-lib
 * cannot always decode.
 */
export async function certifyCopy(ctx: Ctx, raw: unknown, p: Principal): Promise<{ resultCode: string }> {
  const parsed = CertifyCopyInput.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  const input = parsed.data;
  if (p.kind !== 'staff' || !p.roles.some((r) => r.role === 'receiving_officer')) {
    throw new AppError('FORBIDDEN', { vi: 'Chỉ cán bộ tiếp nhận được chứng thực bản sao', en: 'Only a receiving officer certifies copies' });
  }
  const d = await getDossier(ctx, input.dossierCode, p);
  const { upload, bytes: scan } = await readUpload(ctx, p, input.uploadId);
  if (upload.kind !== 'pdf')
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { vi: 'Bản quét để chứng thực phải là tệp PDF', en: 'The scan to certify must be a PDF' });
  // Checked again although checked on upload: files stored before the check grew, or imported, are sealed too.
  const clean = rewritePdf(assertNoActiveContent(scan));
  const unitId =
    p.roles.find((r) => r.role === 'receiving_officer' && [d.receivingUnit, d.handlingUnit].includes(r.unitId))?.unitId ??
    p.roles.find((r) => r.role === 'receiving_officer')!.unitId;
  const agency = agencyHeader(new Map((await listUnits(ctx)).map((u) => [u.id, u])), unitId);
  const keys = signingKeys(ctx);
  const [officer, seal] = await Promise.all([
    keys.person(ctx, { username: p.username, name: p.name, organisation: agency.parent ?? agency.name, unitName: agency.name }),
    keys.organisation(ctx, { id: unitId, name: agency.name, parent: agency.parent }),
  ]);
  const owner = await dossierOwner(ctx, d.code);
  const stamp = ctx.config.tsaUrl ? { timestamp: rfc3161Client(ctx.config.tsaUrl) } : {};
  return ctx.database.db.transaction().execute(async (tx) => {
    const resultCode = await reserveResultCode(tx, unitId);
    const doc = await withPdfLib(() => PDFDocument.load(clean));
    const fonts = await embedFonts(doc);
    const page = await withPdfLib(() => doc.addPage([595.28, 841.89]));
    const lines: [string, 'bold' | 'regular', number][] = [
      [agency.name.toUpperCase(), 'bold', 12],
      ['CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH', 'bold', 16],
      [`Giấy tờ: ${input.documentName}`, 'regular', 12],
      [`Người yêu cầu: ${d.applicant.name} (${d.applicant.identifier})`, 'regular', 12],
      [`Số chứng thực (mã kết quả): ${resultCode}`, 'regular', 12],
      [`${agency.place}, ${longDate(new Date())}`, 'regular', 12],
      [`Người thực hiện chứng thực: ${p.name}`, 'regular', 12],
      [`Xác minh tại: ${ctx.config.publicUrl}/verify/${resultCode}`, 'regular', 10],
    ];
    let y = 760;
    for (const [text, style, size] of lines) {
      page.drawText(text, { x: 57, y, size, font: fonts[style], color: rgb(0, 0, 0), maxWidth: 480 });
      y -= size * 2.2;
    }
    const certified = await doc.save({ useObjectStreams: false });
    const pageIndex = doc.getPageCount() - 1;
    const signed = await signPdf(certified, officer, {
      fieldName: 'Người chứng thực',
      reason: 'Chứng thực bản sao từ bản chính',
      location: agency.place,
      visible: { page: pageIndex, rect: [330, 420, 530, 500] },
      ...stamp,
    });
    const sealed = await signPdf(signed, seal, {
      fieldName: 'Con dấu',
      reason: 'Đóng dấu của cơ quan',
      location: agency.place,
      visible: { page: pageIndex, rect: [300, 400, 400, 500] },
      ...stamp,
    });
    await recordResult(
      ctx,
      tx,
      {
        dossierCode: d.code,
        procedureCode: d.procedureCode,
        documentName: `Bản sao chứng thực: ${input.documentName}`,
        kind: 'certified_copy',
        number: resultCode.split('-').pop()!.replace(/^0+/, '') + '/SCT',
        issuerUnit: unitId,
        issuerName: agency.name,
        holder: { name: d.applicant.name, identifier: d.applicant.identifier },
        ownerCitizenId: owner,
      },
      sealed,
      `staff:${p.username}`,
      resultCode,
    );
    return { resultCode };
  });
}

import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { safeEqual } from '../../platform/auth/sessions.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { storeUpload } from '../uploads/store-upload.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import { getDossier } from '../dossiers/get-dossier.ts';
import { RESULT_STATUSES } from './schemas.ts';

export const MyResult = z.object({
  resultCode: z.string(),
  dossierCode: z.string(),
  procedureCode: z.string(),
  documentName: z.string(),
  number: z.string(),
  issuer: z.string(),
  issuedAt: z.string(),
  status: z.enum(RESULT_STATUSES),
  size: z.number(),
});
export type MyResult = z.infer<typeof MyResult>;

/** The results in a citizen's or business's e-data repository, newest first. */
export async function listMyResults(ctx: Ctx, p: Principal): Promise<MyResult[]> {
  if (p.kind !== 'citizen') return [];
  const rows = await ctx.database.db
    .selectFrom('results')
    .select(['result_code', 'dossier_code', 'procedure_code', 'document_name', 'number', 'issuer_name', 'issued_at', 'status', 'size'])
    .where('owner_citizen_id', '=', p.id)
    .orderBy('issued_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    resultCode: r.result_code, dossierCode: r.dossier_code, procedureCode: r.procedure_code, documentName: r.document_name, number: r.number,
    issuer: r.issuer_name, issuedAt: new Date(r.issued_at).toISOString(), status: r.status as MyResult['status'], size: r.size,
  }));
}

/**
 * A result's row if the principal may read its file: its holder; officials of the issuing
 * unit; and officials who see its dossier (the one-stop desk prints it for the counter). Others: 404.
 */
async function readable(ctx: Ctx, code: string, p: Principal) {
  const c = code.trim().toUpperCase();
  const r = await ctx.database.db.selectFrom('results').select(['result_code', 'sha256', 'owner_citizen_id', 'issuer_unit', 'dossier_code', 'document_name', 'status']).where('result_code', '=', c).executeTakeFirst();
  const seesDossier = async () => {
    try {
      await getDossier(ctx, r!.dossier_code, p);
      return true;
    } catch (e) {
      if (e instanceof AppError && e.code === 'NOT_FOUND') return false;
      throw e;
    }
  };
  const ok = r && ((p.kind === 'citizen' && r.owner_citizen_id === p.id) || (p.kind === 'staff' && ((await coveredUnits(ctx, p)).includes(r.issuer_unit) || (await seesDossier()))));
  if (!r || !ok) throw notFound({ vi: `kết quả ${c.slice(0, 80)}`, en: `Result ${c.slice(0, 80)}` });
  return r;
}

async function bytesOf(ctx: Ctx, sha256: string) {
  const bytes = await ctx.blobs.get(sha256);
  if (!bytes) throw new AppError('INTERNAL', { vi: 'Không đọc được tệp kết quả trong kho lưu trữ', en: 'The result file is missing from the blob store' });
  return bytes;
}

const fileNameOf = (code: string) => `${code.replace(/[^A-Za-z0-9.-]/g, '_')}.pdf`;

/** The result's PDF, exactly as issued. */
export async function getResultFile(ctx: Ctx, code: string, p: Principal): Promise<{ bytes: Uint8Array; fileName: string }> {
  const r = await readable(ctx, code, p);
  return { bytes: await bytesOf(ctx, r.sha256), fileName: fileNameOf(r.result_code) };
}

const sign = (ctx: Ctx, payload: string) => createHmac('sha256', ctx.config.secrets.token).update(`share:${payload}`).digest('base64url');

/**
 * A link anyone can open until it expires, to hand a result to a bank or a partner without
 * an account. The link carries the code and expiry, signed with the server's secret; it
 * stops working when it expires or when the result is revoked.
 */
export async function shareResult(ctx: Ctx, code: string, hours: number, p: Principal): Promise<{ url: string; expiresAt: string }> {
  const r = await readable(ctx, code, p);
  if (r.status !== 'valid') throw new AppError('CONFLICT', { vi: 'Chỉ chia sẻ được kết quả còn hiệu lực', en: 'Only a valid result can be shared' });
  const expires = Math.floor(Date.now() / 1000) + Math.round(hours * 3600);
  const payload = `${r.result_code}.${expires}`;
  const token = `${Buffer.from(payload).toString('base64url')}.${sign(ctx, payload)}`;
  await ctx.database.db.transaction().execute((tx) => recordAudit(tx, { actor: actorOf(p), action: 'result.share', target: `result:${r.result_code}`, data: { expires: new Date(expires * 1000).toISOString() } }));
  return { url: `${ctx.config.publicUrl}/chia-se/${token}`, expiresAt: new Date(expires * 1000).toISOString() };
}

/** The file behind a share link, if the link is genuine, unexpired and the result still valid. */
export async function openSharedResult(ctx: Ctx, token: string): Promise<{ bytes: Uint8Array; fileName: string }> {
  const gone = () => new AppError('NOT_FOUND', { vi: 'Liên kết chia sẻ không hợp lệ hoặc đã hết hạn', en: 'The share link is invalid or has expired' });
  const [b64, mac] = token.split('.');
  if (!b64 || !mac) throw gone();
  const payload = Buffer.from(b64, 'base64url').toString('utf8');
  if (!safeEqual(mac, sign(ctx, payload))) throw gone();
  const [code, exp] = [payload.slice(0, payload.lastIndexOf('.')), Number(payload.slice(payload.lastIndexOf('.') + 1))];
  if (!Number.isFinite(exp) || exp * 1000 < Date.now()) throw gone();
  const r = await ctx.database.db.selectFrom('results').select(['result_code', 'sha256', 'status']).where('result_code', '=', code).executeTakeFirst();
  if (!r || r.status !== 'valid') throw gone();
  return { bytes: await bytesOf(ctx, r.sha256), fileName: fileNameOf(r.result_code) };
}

/**
 * "Provide data only once": turns a result from the holder's repository into an upload they
 * can attach to a new dossier; the upload remembers where it came from, so the dossier
 * records the reuse without the applicant uploading anything.
 */
export async function reuseResult(ctx: Ctx, code: string, p: Principal) {
  if (p.kind !== 'citizen') throw new AppError('FORBIDDEN', { vi: 'Chỉ người được cấp kết quả mới dùng lại được', en: 'Only the holder can reuse a result' });
  const r = await readable(ctx, code, p);
  if (r.status !== 'valid') throw new AppError('CONFLICT', { vi: 'Kết quả đã bị thu hồi hoặc thay thế, không dùng lại được', en: 'A revoked or replaced result cannot be reused' });
  return storeUpload(ctx, p, await bytesOf(ctx, r.sha256), fileNameOf(r.result_code), { reusedFrom: r.result_code });
}

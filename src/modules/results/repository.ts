import { createHmac } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../platform/context.ts';
import { audit, recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { safeEqual } from '../../platform/auth/sessions.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { storeUpload } from '../uploads/store-upload.ts';
import { seesResult } from './result-visibility.ts';
import { RESULT_STATUSES } from './schemas.ts';
import { getProcedure } from '../catalog/get-procedure.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';

export const MyResult = z.object({
  resultCode: z.string(),
  /** Null for a legacy result: a paper issued before the system, digitised (it came from no dossier). */
  dossierCode: z.string().nullable(),
  procedureCode: z.string().nullable(),
  /** A digitised copy of a paper result issued before the system, not an electronically issued original. */
  digitisedCopy: z.boolean(),
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
  const identifier = p.identifier;
  const rows = await ctx.database.db
    .selectFrom('results')
    .select(['result_code', 'dossier_code', 'procedure_code', 'kind', 'document_name', 'number', 'issuer_name', 'issued_at', 'status', 'size'])
    .where((eb) =>
      // Legacy results of a holder who had no account when they were imported are theirs by identifier (isUnclaimedLegacyOf).
      identifier
        ? eb.or([
            eb('owner_citizen_id', '=', p.id),
            eb.and([eb('kind', '=', 'legacy'), eb('owner_citizen_id', 'is', null), eb('holder_identifier', '=', identifier)]),
          ])
        : eb('owner_citizen_id', '=', p.id),
    )
    .orderBy('issued_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    resultCode: r.result_code,
    dossierCode: r.dossier_code,
    procedureCode: r.procedure_code,
    digitisedCopy: r.kind === 'legacy',
    documentName: r.document_name,
    number: r.number,
    issuer: r.issuer_name,
    issuedAt: new Date(r.issued_at).toISOString(),
    status: r.status as MyResult['status'],
    size: r.size,
  }));
}

/** A result's row if the principal may read its file (`seesResult`); others: 404. */
async function readable(ctx: Ctx, code: string, p: Principal) {
  const c = code.trim().toUpperCase();
  const r = await ctx.database.db
    .selectFrom('results')
    .select(['result_code', 'sha256', 'owner_citizen_id', 'issuer_unit', 'dossier_code', 'document_name', 'status', 'kind', 'holder_identifier'])
    .where('result_code', '=', c)
    .executeTakeFirst();
  if (!r || !(await seesResult(ctx, r, p))) throw notFound({ vi: `kết quả ${c.slice(0, 80)}`, en: `Result ${c.slice(0, 80)}` });
  return r;
}

async function bytesOf(ctx: Ctx, sha256: string) {
  const bytes = await ctx.blobs.get(sha256);
  if (!bytes) throw new AppError('INTERNAL', { vi: 'Không đọc được tệp kết quả trong kho lưu trữ', en: 'The result file is missing from the blob store' });
  return bytes;
}

/** The file as a stream checked against its hash as it passes, for sending on unchanged. */
async function streamOf(ctx: Ctx, sha256: string) {
  const opened = await ctx.blobs.open(sha256);
  if (!opened) throw new AppError('INTERNAL', { vi: 'Không đọc được tệp kết quả trong kho lưu trữ', en: 'The result file is missing from the blob store' });
  return opened;
}

const fileNameOf = (code: string) => `${code.replace(/[^A-Za-z0-9.-]/g, '_')}.pdf`;

/** The result's PDF, exactly as issued, streamed from the blob store. */
export async function getResultFile(ctx: Ctx, code: string, p: Principal): Promise<{ size: number; stream: Readable; fileName: string }> {
  const r = await readable(ctx, code, p);
  return { ...(await streamOf(ctx, r.sha256)), fileName: fileNameOf(r.result_code) };
}

/** A share link as its holder sees it on the repository page and in the API. */
export const ShareLink = z.object({
  id: z.string(),
  resultCode: z.string(),
  url: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type ShareLink = z.infer<typeof ShareLink>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const macOf = (ctx: Ctx, id: string) => createHmac('sha256', ctx.config.secrets.token).update(`share-link:${id}`).digest('base64url');
/** The one spelling of a link's token: its id, a dot, the HMAC of the id. */
const tokenOf = (ctx: Ctx, id: string) => `${id}.${macOf(ctx, id)}`;
const urlOf = (ctx: Ctx, id: string) => `${ctx.config.publicUrl}/chia-se/${tokenOf(ctx, id)}`;

const linkView = (ctx: Ctx, r: { id: string; result_code: string; created_at: Date; expires_at: Date; revoked_at: Date | null }): ShareLink => ({
  id: r.id,
  resultCode: r.result_code,
  url: urlOf(ctx, r.id),
  createdAt: new Date(r.created_at).toISOString(),
  expiresAt: new Date(r.expires_at).toISOString(),
  revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
});

/**
 * A link anyone can open until it expires or its holder revokes it, to hand a result to a
 * bank or a partner without an account. Each link is a row of its own, so revoking one
 * leaves the others working; it also stops working when the result is revoked.
 */
export async function shareResult(ctx: Ctx, code: string, hours: number, p: Principal): Promise<ShareLink> {
  if (p.kind !== 'citizen') throw new AppError('FORBIDDEN', { vi: 'Chỉ người được cấp kết quả mới chia sẻ được', en: 'Only the holder can share a result' });
  const r = await readable(ctx, code, p);
  if (r.status !== 'valid') throw new AppError('RESULT_REVOKED', { vi: 'Chỉ chia sẻ được kết quả còn hiệu lực', en: 'Only a valid result can be shared' });
  const expires = new Date(Date.now() + Math.round(hours * 3600) * 1000);
  const row = await ctx.database.db.transaction().execute(async (tx) => {
    const link = await tx
      .insertInto('share_links')
      .values({ result_code: r.result_code, owner_citizen_id: p.id, expires_at: expires })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: actorOf(p),
      action: 'result.share',
      target: `result:${r.result_code}`,
      data: { link: link.id, expires: expires.toISOString() },
    });
    return link;
  });
  return linkView(ctx, row);
}

/** The holder's links that still open: not revoked, not expired; newest first. */
export async function listShareLinks(ctx: Ctx, p: Principal): Promise<ShareLink[]> {
  if (p.kind !== 'citizen') return [];
  const rows = await ctx.database.db
    .selectFrom('share_links')
    .selectAll()
    .where('owner_citizen_id', '=', p.id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => linkView(ctx, r));
}

/**
 * Revokes one of the holder's links; the others keep working. Someone else's link, or an
 * id that names none, is a 404 alike. Revoking a link already revoked changes nothing.
 */
export async function revokeShareLink(ctx: Ctx, id: string, p: Principal): Promise<ShareLink> {
  const missing = () => notFound({ vi: 'liên kết chia sẻ này', en: 'This share link' });
  if (p.kind !== 'citizen' || !UUID.test(id)) throw missing();
  return ctx.database.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('share_links').selectAll().where('id', '=', id).where('owner_citizen_id', '=', p.id).forUpdate().executeTakeFirst();
    if (!row) throw missing();
    if (row.revoked_at) return linkView(ctx, row);
    const done = await tx.updateTable('share_links').set({ revoked_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: actorOf(p), action: 'result.share.revoke', target: `result:${row.result_code}`, data: { link: id } });
    return linkView(ctx, done);
  });
}

/**
 * The file behind a share link, if the token is exactly one this server issued and the link
 * is neither revoked nor expired and its result still valid. Every other token gets the same
 * 404. Opening a genuine link is audited, refused or not: the holder revoked it, or let it
 * expire, because it should no longer be used. A token that is not genuine is not, as it
 * names nothing and anyone could send millions.
 */
export async function openSharedResult(ctx: Ctx, token: string): Promise<{ size: number; stream: Readable; fileName: string }> {
  const gone = () => new AppError('NOT_FOUND', { vi: 'Liên kết chia sẻ không hợp lệ hoặc đã hết hạn', en: 'The share link is invalid or has expired' });
  const id = token.slice(0, 36);
  // Compared whole with the one spelling we issue: nothing appended, cut off or re-encoded passes.
  if (!UUID.test(id) || !safeEqual(token, tokenOf(ctx, id))) throw gone();
  const link = await ctx.database.db
    .selectFrom('share_links as l')
    .innerJoin('results as r', 'r.result_code', 'l.result_code')
    .select(['l.id', 'l.result_code', 'l.revoked_at', 'r.sha256', 'r.status', sql<boolean>`l.expires_at <= now()`.as('expired')])
    .where('l.id', '=', id)
    .executeTakeFirst();
  if (!link) throw gone();
  const refused = link.revoked_at ? 'revoked' : link.expired ? 'expired' : link.status !== 'valid' ? `result ${link.status}` : null;
  await audit(ctx.database.db, {
    actor: 'anonymous',
    action: refused ? 'result.share.open_refused' : 'result.share.open',
    target: `result:${link.result_code}`,
    data: { link: link.id, ...(refused ? { reason: refused } : {}) },
  });
  if (refused) throw gone();
  return { ...(await streamOf(ctx, link.sha256)), fileName: fileNameOf(link.result_code) };
}

/**
 * "Provide data only once": turns a result from the holder's repository into an upload they
 * can attach to a new dossier; the upload remembers where it came from, so the dossier
 * records the reuse without the applicant uploading anything.
 */
export async function reuseResult(ctx: Ctx, code: string, p: Principal) {
  if (p.kind !== 'citizen') throw new AppError('FORBIDDEN', { vi: 'Chỉ người được cấp kết quả mới dùng lại được', en: 'Only the holder can reuse a result' });
  const r = await readable(ctx, code, p);
  if (r.status !== 'valid')
    throw new AppError('RESULT_REVOKED', {
      vi: 'Kết quả đã bị thu hồi hoặc thay thế, không dùng lại được',
      en: 'A revoked or replaced result cannot be reused',
    });
  return storeUpload(ctx, p, await bytesOf(ctx, r.sha256), fileNameOf(r.result_code), { reusedFrom: r.result_code });
}

// ── Which results can stand in for which component ─────────────────────────────────────────

/** Words only: case, diacritics and punctuation folded away, so names compare as people read them. */
const words = (s: string) =>
  ` ${foldVietnamese(s)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;
/** A certified copy is the document it copies (certify-copy names it so). */
const CERTIFIED_COPY = /^Bản sao chứng thực:\s*/u;

/**
 * The kinds of document a result is: its document name, and the result type of the procedure
 * that issued it (the catalogue's `congso.resultType`), which names the kind when the document
 * name is more specific ("Giấy phép bán lẻ sản phẩm rượu" is a "Giấy phép bán lẻ rượu").
 */
export function kindsOfResult(r: { documentName: string }, procedureResultType: string | null | undefined): string[] {
  return [r.documentName.replace(CERTIFIED_COPY, ''), procedureResultType ?? ''].map((k) => k.trim()).filter((k) => k.length >= 3);
}

/**
 * Whether a document of one of these kinds is what a component asks for: the component's
 * name (the procedure's profile component) names that kind of document, whole words. A
 * certificate of origin is not a commercial invoice; a food-safety certificate is what
 * "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm hoặc bản công bố hợp quy" asks for.
 */
export function fitsComponent(kinds: string[], componentName: string): boolean {
  const c = words(componentName);
  return kinds.some((k) => {
    const w = words(k);
    return w.trim().length > 0 && c.includes(w);
  });
}

export interface ComponentSlot {
  code: string;
  name: string;
}

/**
 * The applicant's valid results that can stand in for each component, by component code:
 * only documents of the kind the component asks for ("provide data only once", never a
 * certificate of origin offered for an invoice).
 */
export async function listReusableResults(ctx: Ctx, p: Principal, slots: ComponentSlot[]): Promise<{ all: MyResult[]; bySlot: Map<string, MyResult[]> }> {
  const all = await listMyResults(ctx, p);
  const valid = all.filter((r) => r.status === 'valid');
  const resultTypes = new Map<string, string | null>();
  await Promise.all(
    [...new Set(valid.flatMap((r) => (r.procedureCode ? [r.procedureCode] : [])))].map(async (code) => {
      resultTypes.set(
        code,
        await getProcedure(ctx, code).then(
          (x) => x.resultType,
          () => null,
        ),
      );
    }),
  );
  const bySlot = new Map<string, MyResult[]>();
  for (const s of slots)
    bySlot.set(
      s.code,
      valid.filter((r) => fitsComponent(kindsOfResult(r, r.procedureCode ? resultTypes.get(r.procedureCode) : null), s.name)),
    );
  return { all, bySlot };
}

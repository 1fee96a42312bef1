import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { UPLOAD_LIMITS } from '../../platform/blobs/inspect.ts';
import { t } from '../../web/components/layout.tsx';
import { fieldName } from '../../web/components/eform.tsx';
import type { FileSlot, FormErrors } from '../../web/pages/portal/dossier-file.tsx';
import type { ProcedureDetail } from '../catalog/get-procedure.ts';
import { storeUpload } from '../uploads/store-upload.ts';
import type { DraftComponent } from './drafts.ts';

/**
 * The no-script multipart filing form, shared by the applicant's page and the counter:
 * reading its parts, storing its files as uploads, and putting errors next to their inputs.
 */
// A filing form: the e-form's fields (tables included) and one file per component.
export const FILING_LIMITS = { files: 100, fileSize: UPLOAD_LIMITS.maxBytes, fields: 2000, fieldSize: 10_000, parts: 2200, fieldNameSize: 200, headerPairs: 20 };

/** The components an applicant attaches, in the procedure's order: those with a code, once each. */
export function fileSlots(p: ProcedureDetail): FileSlot[] {
  const byCode = new Map<string, FileSlot>();
  for (const c of p.cases.flatMap((x) => x.components)) {
    if (!c.code) continue;
    const had = byCode.get(c.code);
    if (had) had.required ||= c.required;
    else byCode.set(c.code, { idx: byCode.size, code: c.code, name: c.name, required: c.required });
  }
  return [...byCode.values()];
}

export function emptyErrors(): FormErrors {
  return { fields: {}, summary: [] };
}

/** AppError details on the filing form: e-form paths next to their fields, component paths next to their file inputs. */
export function filingErrors(req: FastifyRequest, e: AppError, slots: FileSlot[], sent: DraftComponent[]): FormErrors {
  const out = emptyErrors();
  const add = (field: string | null, text: string) => {
    if (field && !out.fields[field]) out.fields[field] = text;
    out.summary.push({ href: field ? `#${field.replace(/\./g, '-')}` : undefined, text });
  };
  if (!e.details?.length) add(null, t(req, e.text.vi, e.text.en));
  for (const d of e.details ?? []) {
    const text = t(req, d.message, d.messageEn);
    const path = d.path.replace(/^body\./, '');
    const comp = /^components\[(\d+)\]/.exec(path);
    if (path.startsWith('form.')) add(fieldName(path), text);
    else if (comp) add(slotField(slots, sent[Number(comp[1])]?.code), text);
    else if (path === 'components') {
      const missing = slots.find((s) => s.required && !sent.some((c) => c.code === s.code) && d.message.includes(s.name));
      add(missing ? `c.${missing.idx}` : null, text);
    } else add(null, text);
  }
  return out;
}

export const slotField = (slots: FileSlot[], code: string | undefined) => {
  const s = slots.find((x) => x.code === code);
  return s ? `c.${s.idx}` : null;
};

export interface Posted {
  fields: Record<string, string>;
  files: { field: string; fileName: string; bytes: Buffer }[];
}

/** A no-script multipart form: text fields and file parts; empty file inputs are skipped. */
export async function readForm(req: FastifyRequest): Promise<Posted> {
  if (!req.isMultipart()) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { vi: 'Biểu mẫu phải gửi dưới dạng multipart/form-data', en: 'Send the form as multipart/form-data' });
  }
  const out: Posted = { fields: {}, files: [] };
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.filename && bytes.byteLength) out.files.push({ field: part.fieldname, fileName: part.filename, bytes });
      } else {
        if (part.valueTruncated) throw new AppError('PAYLOAD_TOO_LARGE', { vi: 'Một trường của biểu mẫu quá dài', en: 'A form field is too long' });
        out.fields[part.fieldname] = String(part.value);
      }
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('PAYLOAD_TOO_LARGE', { vi: 'Tệp quá lớn: tối đa 20 MiB mỗi tệp', en: 'File too large: at most 20 MiB each' });
    if (code?.startsWith('FST_')) throw new AppError('VALIDATION_FAILED', { vi: 'Biểu mẫu không hợp lệ hoặc có quá nhiều trường', en: 'The form is malformed or has too many fields' });
    throw e;
  }
  return out;
}

/** Stores each posted file as an upload; a refused file becomes an error next to its input. */
export async function storeFiles(ctx: Ctx, req: FastifyRequest, files: Posted['files'], prefix: 'file.', errors: FormErrors, field: (idx: number) => string) {
  const stored: { idx: number; id: string; fileName: string }[] = [];
  for (const f of files) {
    const idx = Number(f.field.slice(prefix.length));
    if (!f.field.startsWith(prefix) || !Number.isInteger(idx)) continue;
    try {
      const up = await storeUpload(ctx, req.principal!, new Uint8Array(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength), f.fileName);
      stored.push({ idx, id: up.id, fileName: up.fileName });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const name = field(idx);
      const text = `${f.fileName}: ${t(req, e.text.vi, e.text.en)}`;
      errors.fields[name] = text;
      errors.summary.push({ href: `#${name.replace(/\./g, '-')}`, text });
    }
  }
  return stored;
}


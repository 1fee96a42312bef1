import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { FILING_FORM_MAX_BYTES, readMultipart, type SpooledFile } from '../platform/http/multipart.ts';
import { UPLOAD_LIMITS } from '../platform/blobs/inspect.ts';
import { t } from './components/layout.tsx';
import { idOf, inputNameFor, type FieldSchema } from './components/eform.tsx';
import type { FileSlot, FormErrors } from './pages/portal/dossier-file.tsx';
import type { ProcedureDetail } from '../modules/catalog/get-procedure.ts';
import { storeSpooledUpload } from '../modules/uploads/store-upload.ts';
import type { DraftComponent } from '../modules/dossiers/drafts.ts';

/**
 * The no-script multipart filing form, shared by the applicant's page and the counter:
 * reading its parts, storing its files as uploads, and putting errors next to their inputs.
 */
// A filing form: the e-form's fields (tables included) and one file per component; the whole
// body is capped by FILING_FORM_MAX_BYTES besides.
export const FILING_LIMITS = {
  files: 100,
  fileSize: UPLOAD_LIMITS.maxBytes,
  fields: 2000,
  fieldSize: 10_000,
  parts: 2200,
  fieldNameSize: 200,
  headerPairs: 20,
};

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
export function filingErrors(req: FastifyRequest, e: AppError, slots: FileSlot[], sent: DraftComponent[], schema?: FieldSchema | null): FormErrors {
  const out = emptyErrors();
  const add = (field: string | null, text: string) => {
    // One line per field: the first problem is the one to fix; the next shows after it is.
    if (field && out.fields[field]) return;
    if (field) out.fields[field] = text;
    out.summary.push({ href: field ? `#${idOf(field)}` : undefined, text });
  };
  if (!e.details?.length) add(null, t(req, e.text.vi, e.text.en));
  for (const d of e.details ?? []) {
    const text = t(req, d.message, d.messageEn);
    const path = d.path.replace(/^body\./, '');
    const comp = /^components\[(\d+)\]/.exec(path);
    const missing = /^components\[code=(.+)\]$/.exec(path);
    if (path.startsWith('form.')) add(inputNameFor(schema, path), text);
    else if (comp) add(slotField(slots, sent[Number(comp[1])]?.code), text);
    else if (missing) add(slotField(slots, missing[1]), text);
    else add(null, text);
  }
  return out;
}

export const slotField = (slots: FileSlot[], code: string | undefined) => {
  const s = slots.find((x) => x.code === code);
  return s ? `c.${s.idx}` : null;
};

export interface Posted extends AsyncDisposable {
  fields: Record<string, string>;
  /** Chosen files only (empty file inputs dropped), spooled to disk until the form is disposed. */
  files: SpooledFile[];
}

/** The form's file inputs are `file.0` … `file.{slots-1}`: one per component (or supplement item). */
export const slotFiles = (slots: number) => (name: string) => /^file\.(0|[1-9][0-9]{0,3})$/.test(name) && Number(name.slice(5)) < slots;

/**
 * A no-script multipart filing form: text fields (any name: the e-form's, its tables', the
 * page's buttons) and one file per slot; a file under another name ends the request (400).
 * Use it as `await using posted = await readForm(...)`: the spooled files go when the scope ends.
 */
export async function readForm(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, slots: number): Promise<Posted> {
  const form = await readMultipart(ctx, req, reply, {
    files: slotFiles(Math.min(slots, FILING_LIMITS.files)),
    fields: () => true,
    repeatedFields: 'last',
    maxFiles: FILING_LIMITS.files,
    maxFields: FILING_LIMITS.fields,
    maxFieldBytes: FILING_LIMITS.fieldSize,
    maxFileBytes: FILING_LIMITS.fileSize,
    maxTotalBytes: FILING_FORM_MAX_BYTES,
  });
  return { fields: form.fields, files: form.files.filter((f) => f.fileName && f.size), [Symbol.asyncDispose]: form.dispose };
}

/** Stores each posted file as an upload; a refused file becomes an error next to its input. */
export async function storeFiles(ctx: Ctx, req: FastifyRequest, files: Posted['files'], prefix: 'file.', errors: FormErrors, field: (idx: number) => string) {
  const stored: { idx: number; id: string; fileName: string }[] = [];
  // One after another: only the file being checked is in memory, never the whole form.
  for (const f of files) {
    const idx = Number(f.field.slice(prefix.length));
    if (!f.field.startsWith(prefix) || !Number.isInteger(idx)) continue;
    try {
      const up = await storeSpooledUpload(ctx, req.principal!, f);
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

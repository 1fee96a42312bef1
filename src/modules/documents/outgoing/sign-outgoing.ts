import { PDFDocument } from 'pdf-lib';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { assertNoActiveContent } from '../../../platform/pdf/find-active-content.ts';
import { signPdf } from '../../../platform/signing/pades.ts';
import type { Signer } from '../../../platform/signing/signer.ts';
import { rfc3161Client } from '../../../platform/signing/timestamp.ts';
import { signingKeys } from '../../results/signing-keys.ts';
import type { OutgoingRow, Units } from './store.ts';
import { agencyOf, chainOf } from './store.ts';

export const AGENCY_PLACE = 'Hà Nội';
const MM = 72 / 25.4;

/**
 * Where the two visible signatures go on the document's last page: the signer's at the lower
 * right (the signature block of Decree 30's layout), the seal covering about a third of it on
 * its left, as Appendix I places the seal over the signature.
 */
async function placement(pdf: Uint8Array) {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: false });
  const pages = doc.getPages();
  const page = pages.length - 1;
  const { width } = pages[page].getSize();
  const sw = 55 * MM;
  const sh = 25 * MM;
  const x = width - 20 * MM - sw;
  const y = 25 * MM;
  const seal = 30 * MM;
  return {
    signature: { page, rect: [x, y, x + sw, y + sh] as [number, number, number, number] },
    seal: { page, rect: [x + sw / 3 - seal, y + sh / 2 - seal / 2, x + sw / 3, y + sh / 2 + seal / 2] as [number, number, number, number] },
  };
}

/**
 * Keys a node has opened recently. Opening one reads its PKCS#12 (password-based decryption, about
 * a second of CPU); a clerk releasing a day's documents would pay that per document. Kept a few
 * minutes, so a key replaced in the store (a new certificate) is used soon after.
 */
const KEY_TTL_MS = 5 * 60_000;
const opened = new Map<string, { at: number; signer: Promise<Signer> }>();

function remembered(id: string, open: () => Promise<Signer>): Promise<Signer> {
  const now = Date.now();
  const hit = opened.get(id);
  if (hit && now - hit.at < KEY_TTL_MS) return hit.signer;
  const signer = open();
  opened.set(id, { at: now, signer });
  // A failure is the caller's to see; the next call tries again.
  signer.catch(() => opened.get(id)?.signer === signer && opened.delete(id));
  return signer;
}

/** The signer's and the organisation's keys, fetched before the transaction (they may be made and stored on first use). */
export async function keysFor(ctx: Ctx, units: Units, row: OutgoingRow, which: 'person' | 'seal'): Promise<Signer> {
  const { agency } = agencyOf(units, row.drafting_unit);
  const keys = signingKeys(ctx);
  // Per data folder too: two test apps in one process have two key stores.
  const scope = ctx.config.dataDir;
  if (which === 'seal') return remembered(`${scope}|org|${agency.id}`, () => keys.organisation(ctx, { id: agency.id, name: agency.name }));
  const signerUnit = chainOf(units, row.drafting_unit)[0];
  return remembered(`${scope}|person|${row.signer_username}`, () =>
    keys.person(ctx, { username: row.signer_username, name: row.signer_name, organisation: agency.name, unitName: signerUnit?.name ?? agency.name }),
  );
}

const stampOf = (ctx: Ctx) => (ctx.config.tsaUrl ? { timestamp: rfc3161Client(ctx.config.tsaUrl) } : {});

/** The signer's PAdES signature on the main PDF, visible; a PDF with active content is refused. */
export async function signMain(ctx: Ctx, pdf: Uint8Array, signer: Signer, who: { name: string; agency: string }, subject: string): Promise<Uint8Array> {
  assertNoActiveContent(pdf);
  const at = await placement(pdf);
  return signPdf(pdf, signer, {
    fieldName: 'Chữ ký người có thẩm quyền',
    reason: `Ký ban hành: ${subject}`.slice(0, 200),
    location: AGENCY_PLACE,
    visible: at.signature,
    appearance: { kind: 'signature', name: who.name, organisation: who.agency },
    ...stampOf(ctx),
  });
}

/** The organisation's seal, a second PAdES signature appended as an incremental update: the signer's stays valid. */
export async function sealSigned(ctx: Ctx, pdf: Uint8Array, seal: Signer, agency: string): Promise<Uint8Array> {
  assertNoActiveContent(pdf);
  const at = await placement(pdf);
  return signPdf(pdf, seal, {
    fieldName: 'Chữ ký cơ quan',
    reason: 'Đóng dấu của cơ quan ban hành',
    location: AGENCY_PLACE,
    visible: at.seal,
    appearance: { kind: 'seal', organisation: agency },
    ...stampOf(ctx),
  });
}

export const missingFile = (what: string) =>
  new AppError('INTERNAL', { vi: `Không tìm thấy tệp ${what} của văn bản trong kho lưu trữ`, en: `The document's ${what} file is missing from storage` });

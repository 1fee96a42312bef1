import { sql, type Selectable } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorOf, type Principal } from '../../platform/auth/roles.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { foldVietnamese } from '../../platform/i18n/index.ts';
import { validationError } from '../../platform/http/validation.ts';
import { localDate } from '../calendar/dates.ts';
import { getDossier, dossierOwner } from '../dossiers/get-dossier.ts';
import { coveredUnits } from '../dossiers/visibility.ts';
import { findCitizen } from '../identity/find-citizen.ts';
import { getScanForItem, readScanFile, type ScanForItem } from './get-scan.ts';
import { suggestMetadata } from './suggest-metadata.ts';
import {
  COMMON_FIELDS,
  componentNames,
  DOCUMENT_TYPES,
  describeFields,
  emptyMetadata,
  fieldsFor,
  normaliseIdentifier,
  type Metadata,
  type MetadataInput,
} from './metadata-fields.ts';
import type { DigitisedItemView } from './schemas-items.ts';
import type { DigitisedItemTables } from './items-tables.ts';

type ItemRow = Selectable<DigitisedItemTables['digitised_items']>;

/** OCR text kept for search: enough for any real document, within what a tsvector holds (1 MB). */
const MAX_SEARCH_CHARS = 400_000;

/**
 * The unit's next digitisation code `{unit}.SH.{YYYY}.{NNNNNN}`, taken in the caller's
 * transaction (gap-free, like dossier and result codes: a rolled-back recording returns its
 * number). The year is Vietnam's.
 */
export async function reserveDigitisationCode(tx: Tx, unitId: string): Promise<string> {
  const year = Number(localDate(new Date()).slice(0, 4));
  const { rows } = await sql<{ last: number }>`
    insert into digitisation_counters (unit_id, year, last) values (${unitId}, ${year}, 1)
    on conflict (unit_id, year) do update set last = digitisation_counters.last + 1
    returning last`.execute(tx);
  return `${unitId}.SH.${year}.${String(rows[0].last).padStart(6, '0')}`;
}

/** The folded text search reads: the metadata's values (and the holder), then the OCR text. */
export function searchColumns(m: Metadata, holder: { identifier: string | null; name: string | null }, text: string, code: string) {
  const values = [
    code,
    m.documentName,
    m.documentType ? DOCUMENT_TYPES[m.documentType]?.label.vi : null,
    m.number,
    m.notation,
    m.issuingAgency,
    m.subjectName,
    m.subjectIdentifier,
    holder.name,
    holder.identifier,
    ...Object.values(m.extra),
  ].filter((v): v is string => typeof v === 'string' && v.length > 0);
  const metaNorm = foldVietnamese(values.join(' '));
  return { meta_norm: metaNorm, search_norm: `${metaNorm} ${foldVietnamese(text.slice(0, MAX_SEARCH_CHARS))}`.trim() };
}

/** Runs `fn` in the caller's transaction when ctx reads through one, else in a new one. */
const inTx = <T>(ctx: Ctx, fn: (tx: Tx) => Promise<T>): Promise<T> =>
  ctx.database.db.isTransaction ? fn(ctx.database.db as Tx) : ctx.database.db.transaction().execute(fn);

const missingItem = (code: string) => notFound({ vi: `mục số hóa ${code.slice(0, 80)}`, en: `Digitised item ${code.slice(0, 80)}` });
const missingScan = (id: string) => notFound({ vi: `bản quét ${id.slice(0, 64)}`, en: `Scan ${id.slice(0, 64)}` });

/**
 * Whether the principal may see a digitised item: its holder (their e-data repository); officials
 * of the unit that digitised it or above; officials who see its dossier. Others are told it does
 * not exist.
 */
export async function seesItem(ctx: Ctx, p: Principal, row: { unit_id: string; owner_citizen_id: string | null; dossier_code: string | null }) {
  if (p.kind === 'citizen') return row.owner_citizen_id !== null && row.owner_citizen_id === p.id;
  if (p.kind !== 'staff') return false;
  if ((await coveredUnits(ctx, p)).includes(row.unit_id)) return true;
  if (!row.dossier_code) return false;
  try {
    await getDossier(ctx, row.dossier_code, p);
    return true;
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') return false;
    throw e;
  }
}

/** The item row if the principal may see it; 404 otherwise (the same as for a code that does not exist). */
export async function loadVisibleItem(ctx: Ctx, p: Principal, code: string, forUpdate = false): Promise<ItemRow> {
  const c = code.trim().toUpperCase();
  let q = ctx.database.db.selectFrom('digitised_items').selectAll().where('code', '=', c);
  if (forUpdate) q = q.forUpdate();
  const row = (await q.executeTakeFirst()) as ItemRow | undefined;
  if (!row || !(await seesItem(ctx, p, row))) throw missingItem(c);
  return row;
}

/** The API's view of an item row, with the fields its form shows. */
export function itemView(row: ItemRow): DigitisedItemView {
  const metadata = { ...emptyMetadata(), ...(row.metadata as unknown as Partial<Metadata>) };
  const suggested = row.suggested as unknown as { evidence?: Record<string, string> };
  const fields = fieldsFor({ procedureCode: row.procedure_code, componentCode: row.component_code, documentType: metadata.documentType });
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return {
    code: row.code,
    kind: row.kind,
    unitId: row.unit_id,
    dossierCode: row.dossier_code,
    componentCode: row.component_code,
    resultCode: row.result_code,
    scanId: row.scan_id,
    uploadId: row.upload_id,
    holderIdentifier: row.holder_identifier,
    holderName: row.holder_name,
    metadata: { ...metadata, extra: { ...(metadata.extra ?? {}) } },
    evidence: suggested?.evidence ?? {},
    confirmed: row.confirmed_at !== null,
    confirmedBy: row.confirmed_by,
    confirmedAt: iso(row.confirmed_at),
    createdAt: iso(row.created_at)!,
    fields: describeFields(fields),
  };
}

/** A digitised item, for its holder and the officials who see it (see seesItem). */
export async function getDigitisedItem(ctx: Ctx, p: Principal, code: string): Promise<DigitisedItemView> {
  return itemView(await loadVisibleItem(ctx, p, code));
}

/**
 * The item's searchable PDF, for whoever sees the item (its holder in their repository, the
 * officials who see it). The file is the scanning official's upload: it is read as theirs once
 * the item's own rule has let the caller in.
 */
export async function getDigitisedItemFile(ctx: Ctx, p: Principal, code: string): Promise<{ bytes: Uint8Array; fileName: string }> {
  const row = await loadVisibleItem(ctx, p, code);
  if (!row.upload_id || !row.scan_id) throw notFound({ vi: `tệp của mục số hóa ${row.code}`, en: `The file of digitised item ${row.code}` });
  const scan = await getScanForItem(ctx, row.scan_id);
  return { bytes: await readScanFile(ctx, { created_by: scan.createdBy }, row.upload_id), fileName: `${row.code}.pdf` };
}

async function itemOfScan(ctx: Ctx, scanId: string): Promise<ItemRow | undefined> {
  return (await ctx.database.db.selectFrom('digitised_items').selectAll().where('scan_id', '=', scanId).executeTakeFirst()) as ItemRow | undefined;
}

/** The finished scan, if the official covers its unit; 404 for anyone else, 409 until its text is read. */
async function finishedScan(ctx: Ctx, p: Principal, scanId: string): Promise<ScanForItem> {
  if (p.kind !== 'staff' || !/^[0-9a-f-]{36}$/i.test(scanId)) throw missingScan(scanId);
  const scan = await getScanForItem(ctx, scanId);
  if (!(await coveredUnits(ctx, p)).includes(scan.unitId)) throw missingScan(scanId);
  if (scan.status !== 'done')
    throw new AppError('SCAN_NOT_READY', {
      vi: scan.status === 'failed' ? 'Bản quét không đọc được; hãy quét lại' : 'Bản quét đang được nhận dạng; hãy thử lại khi hoàn tất',
      en: scan.status === 'failed' ? 'The scan could not be read; scan it again' : 'The scan is still being read; try again when it is done',
    });
  return scan;
}

interface NewItem {
  kind: 'component' | 'result' | 'legacy_result';
  unitId: string;
  dossierCode: string | null;
  procedureCode: string | null;
  componentCode: string | null;
  resultCode: string | null;
  scan: ScanForItem;
  holderIdentifier: string | null;
  holderName: string | null;
  ownerCitizenId: string | null;
  metadata: Metadata;
  evidence: Record<string, string>;
}

/**
 * Inserts the item with the unit's next code, in one transaction with its audit entry. A second
 * recording of the same scan (a double click, two officers at once) hits the unique scan id: its
 * transaction rolls back, counter included, and the item already there is returned.
 */
async function insertItem(ctx: Ctx, p: Principal, n: NewItem): Promise<{ row: ItemRow; created: boolean }> {
  const actor = actorOf(p);
  try {
    const row = await inTx(ctx, async (tx) => {
      const code = await reserveDigitisationCode(tx, n.unitId);
      const holder = { identifier: n.holderIdentifier, name: n.holderName };
      const inserted = (await tx
        .insertInto('digitised_items')
        .values({
          code,
          kind: n.kind,
          unit_id: n.unitId,
          dossier_code: n.dossierCode,
          procedure_code: n.procedureCode,
          component_code: n.componentCode,
          result_code: n.resultCode,
          scan_id: n.scan.id,
          upload_id: n.scan.outputUploadId,
          holder_identifier: n.holderIdentifier,
          holder_name: n.holderName,
          owner_citizen_id: n.ownerCitizenId,
          metadata: JSON.stringify(n.metadata),
          suggested: JSON.stringify({ metadata: n.metadata, evidence: n.evidence }),
          text: n.scan.text,
          ...searchColumns(n.metadata, holder, n.scan.text, code),
          created_by: actor,
        })
        .returningAll()
        .executeTakeFirstOrThrow()) as ItemRow;
      await recordAudit(tx, {
        actor,
        action: 'digitisation.item.record',
        target: n.dossierCode ? `dossier:${n.dossierCode}` : `digitised:${code}`,
        data: { code, kind: n.kind, scan: n.scan.id, component: n.componentCode, holder: n.holderIdentifier },
      });
      return inserted;
    });
    return { row, created: true };
  } catch (e) {
    if ((e as { code?: string }).code === '23505' && /scan_id/.test(String((e as Error).message) + String((e as { constraint?: string }).constraint))) {
      const existing = await itemOfScan(ctx, n.scan.id);
      if (existing) return { row: existing, created: false };
    }
    throw e;
  }
}

/**
 * Makes a digitised item of a finished scan of a dossier's paper component: the searchable PDF,
 * the OCR text, metadata suggested by the rules (suggest-metadata.ts) from the text and the
 * component's name, a digitisation code, and the holder (the applicant's identifier; their
 * account, so the item is in their e-data repository). Recording the same scan again returns
 * the same item (`created: false`). For officials of the scan's unit (or above) who see the
 * dossier; others get a 404. 409 SCAN_NOT_READY until the scan's text is read.
 */
export async function recordDigitisedItem(ctx: Ctx, p: Principal, scanId: string): Promise<{ item: DigitisedItemView; created: boolean }> {
  const scan = await finishedScan(ctx, p, scanId);
  const existing = await itemOfScan(ctx, scan.id);
  if (existing) return { item: itemView(existing), created: false };
  if (scan.purpose !== 'component' || !scan.dossierCode)
    throw new AppError('SCAN_PURPOSE_MISMATCH', {
      vi: 'Bản quét này là kết quả cũ, không phải thành phần hồ sơ: hãy nhập kết quả cũ kèm số định danh người được cấp',
      en: "This scan is of an old result, not a dossier component: import it as an old result with its holder's identifier",
    });
  const dossier = await getDossier(ctx, scan.dossierCode, p);
  const names = await componentNames(ctx, dossier.procedureCode, dossier.procedureVersion);
  const component = scan.componentCode ? dossier.components.find((c) => c.code === scan.componentCode || c.name === scan.componentCode) : undefined;
  const componentName = (scan.componentCode && names.get(scan.componentCode)) || component?.name || null;
  const fields = fieldsFor({ procedureCode: dossier.procedureCode, componentCode: scan.componentCode });
  const { metadata, evidence } = suggestMetadata(scan.text, { componentName, documentType: fields.documentType });
  const { row, created } = await insertItem(ctx, p, {
    kind: 'component',
    unitId: scan.unitId,
    dossierCode: dossier.code,
    procedureCode: dossier.procedureCode,
    componentCode: scan.componentCode,
    resultCode: null,
    scan,
    holderIdentifier: dossier.applicant.identifier,
    holderName: dossier.applicant.name,
    ownerCitizenId: await dossierOwner(ctx, dossier.code),
    metadata,
    evidence,
  });
  return { item: itemView(row), created };
}

export interface LegacyResultInput {
  /** A finished scan made for an old result (purpose `legacy_result`). */
  scanId: string;
  /** The holder's CCCD (12 digits), old ID (9) or tax code (10, 13, or 10-3): the repository it goes to. */
  holderIdentifier: string;
  holderName?: string | null;
  /** Metadata known beforehand (a CSV row): each value given wins over what the rules read from the text. */
  metadata?: Partial<MetadataInput>;
}

/**
 * Registers a result issued before the system, from a finished scan of it (issue 13, phase 2:
 * the batch import calls this once per CSV row, inside its own transaction if it passes a ctx
 * from `inTransaction`). The item is `kind: 'legacy_result'`, has no dossier, and goes to the
 * holder's e-data repository when the holder has an account (looked up by identifier). The
 * metadata is the CSV's over the rules' suggestions, still to be confirmed by an officer
 * (confirmMetadata). Idempotent per scan: the same scan again returns the item already made.
 * 400 VALIDATION_FAILED (path `holderIdentifier`) for an identifier of the wrong shape; 404 for
 * a scan the official does not cover; 409 SCAN_NOT_READY, SCAN_PURPOSE_MISMATCH.
 */
export async function recordLegacyResultItem(ctx: Ctx, p: Principal, input: LegacyResultInput): Promise<{ item: DigitisedItemView; created: boolean }> {
  const identifier = normaliseIdentifier(input.holderIdentifier ?? '');
  if (!/^(?:\d{9}|\d{10}|\d{12}|\d{13}|\d{10}-\d{3})$/.test(identifier)) {
    const label = COMMON_FIELDS[8].label;
    throw validationError([
      { path: 'holderIdentifier', message: `${label.vi}: gồm 9, 10, 12 hoặc 13 chữ số`, messageEn: `${label.en}: 9, 10, 12 or 13 digits` },
    ]);
  }
  const scan = await finishedScan(ctx, p, input.scanId);
  const existing = await itemOfScan(ctx, scan.id);
  if (existing) return { item: itemView(existing), created: false };
  if (scan.purpose !== 'legacy_result')
    throw new AppError('SCAN_PURPOSE_MISMATCH', {
      vi: 'Bản quét này là thành phần của hồ sơ, không phải kết quả cũ',
      en: 'This scan is of a dossier component, not an old result',
    });
  const suggestion = suggestMetadata(scan.text, { documentType: input.metadata?.documentType ?? null });
  const metadata: Metadata = { ...suggestion.metadata, extra: { ...suggestion.metadata.extra } };
  for (const [k, v] of Object.entries(input.metadata ?? {})) {
    if (k === 'extra' && v && typeof v === 'object') Object.assign(metadata.extra, v);
    else if (typeof v === 'string' && v.trim() && k in metadata) (metadata as unknown as Record<string, unknown>)[k] = v.trim();
  }
  metadata.subjectIdentifier ??= identifier;
  const holderName = input.holderName?.trim() || metadata.subjectName;
  const { row, created } = await insertItem(ctx, p, {
    kind: 'legacy_result',
    unitId: scan.unitId,
    dossierCode: null,
    procedureCode: null,
    componentCode: null,
    resultCode: null,
    scan,
    holderIdentifier: identifier,
    holderName: holderName ?? null,
    ownerCitizenId: await findCitizen(ctx, identifier),
    metadata,
    evidence: suggestion.evidence,
  });
  return { item: itemView(row), created };
}

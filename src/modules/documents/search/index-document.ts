import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.ts';
import { foldVietnamese } from '../../../platform/i18n/index.ts';
import type { IndexedKind } from '../tables-files.ts';

/** What the search index holds of one document: the contract with the incoming and outgoing operations. */
export interface IndexedDocument {
  kind: IndexedKind;
  id: string;
  /** The unit that holds it: officials covering this unit find it. */
  unitId: string;
  /** "05/QĐ-BCT" */
  numberNotation?: string;
  subject: string;
  /** The issuing (incoming) or signing (outgoing) agency. */
  organ?: string;
  /** Promulgation date, 'YYYY-MM-DD'. */
  date?: string;
  /** The summary and the OCR text. */
  text?: string;
  status?: string;
}

/** OCR text beyond this is not indexed (a tsvector holds at most 1 MB; the first pages say what a document is about). */
const MAX_TEXT = 200_000;

/**
 * Puts a document into the search index, or replaces what the index held of it (upsert by kind
 * and id). Called by the incoming and outgoing operations inside the transaction that creates or
 * changes the document, so the index never shows a document that was rolled back.
 */
export async function indexDocument(tx: Tx, d: IndexedDocument): Promise<void> {
  const text = (d.text ?? '').slice(0, MAX_TEXT);
  const meta = [d.numberNotation, d.subject, d.organ].filter(Boolean).join(' ');
  const metaNorm = foldVietnamese(meta);
  const searchNorm = `${metaNorm} ${foldVietnamese(text)}`.trim();
  const date = d.date && /^\d{4}-\d{2}-\d{2}$/.test(d.date) ? d.date : null;
  const row = {
    kind: d.kind,
    id: d.id,
    unit_id: d.unitId,
    number_notation: d.numberNotation ?? null,
    subject: d.subject,
    organ: d.organ ?? null,
    doc_date: date,
    status: d.status ?? null,
    text,
    meta_norm: metaNorm,
    search_norm: searchNorm,
  };
  await tx
    .insertInto('document_search')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['kind', 'id']).doUpdateSet({
        unit_id: row.unit_id,
        number_notation: row.number_notation,
        subject: row.subject,
        organ: row.organ,
        doc_date: row.doc_date,
        status: row.status,
        text: row.text,
        meta_norm: row.meta_norm,
        search_norm: row.search_norm,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

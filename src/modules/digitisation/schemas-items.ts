import { z } from 'zod';
import { MetadataInput } from './metadata-fields.ts';

/** Officials who make digitised items and confirm them: the desk for components, clerks for results and old results. */
export const CONFIRMING_ROLES = ['receiving_officer', 'clerk'] as const;

const Label = z.object({ vi: z.string(), en: z.string() });
const FieldDescription = z.object({ key: z.string(), label: Label, type: z.enum(['text', 'date', 'identifier']), hint: Label.nullable() });

const MetadataView = z.object({
  documentName: z.string().nullable(),
  documentType: z.string().nullable(),
  number: z.string().nullable(),
  notation: z.string().nullable(),
  issuingAgency: z.string().nullable(),
  issueDate: z.string().nullable().describe('YYYY-MM-DD'),
  validUntil: z.string().nullable().describe('YYYY-MM-DD; null: no limit'),
  subjectName: z.string().nullable(),
  subjectIdentifier: z.string().nullable(),
  extra: z.record(z.string(), z.string().nullable()),
});

/** A digitised item as the API shows it. */
export const DigitisedItemView = z.object({
  code: z.string().describe('The digitisation code, {unit}.SH.{YYYY}.{NNNNNN}'),
  kind: z.enum(['component', 'result', 'legacy_result']),
  unitId: z.string(),
  dossierCode: z.string().nullable(),
  componentCode: z.string().nullable(),
  resultCode: z.string().nullable(),
  scanId: z.string().nullable(),
  uploadId: z.string().nullable().describe('The searchable PDF/A'),
  holderIdentifier: z.string().nullable(),
  holderName: z.string().nullable(),
  metadata: MetadataView,
  /** What the rules read from the text for each field (shown beside the field while confirming). */
  evidence: z.record(z.string(), z.string()),
  confirmed: z.boolean(),
  confirmedBy: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  createdAt: z.string(),
  fields: z.object({
    documentType: z.string().nullable(),
    documentTypes: z.array(z.object({ key: z.string(), label: Label })),
    common: z.array(FieldDescription),
    extra: z.array(FieldDescription),
  }),
});
export type DigitisedItemView = z.infer<typeof DigitisedItemView>;

export const RecordItemInput = z.object({ scanId: z.uuid() });
export const ConfirmInput = z.object({ metadata: MetadataInput });
export const ExemptInput = z.object({
  componentCode: z.string().trim().min(1).max(1000),
  reason: z.string().trim().min(5).max(2000),
});
export const ItemCode = z.object({ code: z.string().max(80) });

export const SearchQuery = z.object({
  q: z.string().max(200).default(''),
  page: z.coerce.number().int().min(1).max(50).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchHit = z.object({
  code: z.string(),
  kind: z.enum(['component', 'result', 'legacy_result']),
  dossierCode: z.string().nullable(),
  componentCode: z.string().nullable(),
  documentName: z.string().nullable(),
  issuingAgency: z.string().nullable(),
  issueDate: z.string().nullable(),
  holderName: z.string().nullable(),
  confirmed: z.boolean(),
  /** Query words found (folded), and whether one was in the metadata. */
  matchedWords: z.number().int(),
  metadataHit: z.boolean(),
  /**
   * Text around the first match, as written (diacritics kept); `highlights` are [start, end) UTF-16
   * offsets into `snippet.text` of each query word found there, for a page to wrap in <mark>;
   * `snippet.marked` is the same with «…» around each.
   */
  snippet: z
    .object({
      from: z.enum(['text', 'metadata']),
      text: z.string(),
      marked: z.string(),
      highlights: z.array(z.object({ start: z.number().int(), end: z.number().int() })),
    })
    .nullable(),
});
export type SearchHit = z.infer<typeof SearchHit>;
export const SearchResult = z.object({
  items: z.array(SearchHit),
  total: z.number().int(),
  totalCapped: z.boolean().describe('More than `total` match; only the first are counted'),
  page: z.number().int(),
  pageSize: z.number().int(),
});

const ComponentStatus = z.object({
  code: z.string(),
  name: z.string(),
  state: z.enum(['digitised', 'pending', 'not_required', 'electronic']),
  itemCode: z.string().nullable(),
  reason: z.string().nullable(),
});
export const DigitisationStatusView = z.object({
  dossierCode: z.string(),
  paper: z.boolean().describe('Received at the counter or by post: its components must be digitised before it passes receipt'),
  components: z.array(ComponentStatus),
  componentsDigitised: z.boolean(),
  result: z.enum(['electronic', 'digitised', 'pending', 'none']),
  resultDigitised: z.boolean(),
  digitised: z.enum(['none', 'components', 'result', 'both']),
  hasDigitisedComponents: z.boolean(),
});
export type DigitisationStatusView = z.infer<typeof DigitisationStatusView>;

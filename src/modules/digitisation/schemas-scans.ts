import { z } from 'zod';
import { bi } from '../../platform/http/validation.ts';

/** Bounds of one scan: what one request may send, and how many pages one document may have. */
export const SCAN_LIMITS = {
  maxFiles: 50,
  maxPages: 200,
  /** The layout field: 200 picks of `{"source":49,"page":9999,"rotate":270}` fit easily. */
  maxLayoutBytes: 16 * 1024,
} as const;

/** One page of the scan: which file (0-based, in the order the files were sent), which page of it (1-based), turned how far clockwise. */
export const PagePick = z
  .object({
    source: z
      .number()
      .int()
      .min(0)
      .max(SCAN_LIMITS.maxFiles - 1),
    page: z.number().int().min(1).max(100_000),
    rotate: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).optional(),
  })
  .strict();

export const ScanLayout = z
  .array(PagePick)
  .min(1, bi('Cần chọn ít nhất một trang', 'Choose at least one page'))
  .max(SCAN_LIMITS.maxPages, bi(`Tối đa ${SCAN_LIMITS.maxPages} trang mỗi lần quét`, `At most ${SCAN_LIMITS.maxPages} pages per scan`));
export type ScanLayout = z.infer<typeof ScanLayout>;

/** The text fields of POST /api/v1/digitisation/scans besides the files (the layout is parsed apart, from JSON). */
export const ScanFields = z
  .object({
    dossierCode: z.string().trim().min(1).max(60).optional(),
    componentCode: z.string().trim().min(1).max(100).optional(),
    purpose: z.enum(['component', 'legacy_result']).optional(),
    unitId: z.string().trim().min(1).max(40).optional(),
    /** `true`: keep the assembled pages as a draft (thumbnails, no OCR) until POST …/scans/{id}/accept says how they make documents. */
    draft: z.enum(['true', 'false']).optional(),
  })
  .strict()
  .superRefine((v, c) => {
    if (v.componentCode && !v.dossierCode)
      c.addIssue({ code: 'custom', path: ['dossierCode'], message: 'componentCode needs the dossier', params: { vi: 'Cần mã hồ sơ của thành phần' } });
    if (v.purpose === 'legacy_result' && (v.dossierCode || v.componentCode))
      c.addIssue({
        code: 'custom',
        path: ['purpose'],
        message: 'an old result is not a component of a dossier',
        params: { vi: 'Kết quả cũ không thuộc hồ sơ nào' },
      });
  });
export type ScanFields = z.infer<typeof ScanFields>;

export const ScanId = z.object({ id: z.uuid() });
export const ScanPageParams = z.object({ id: z.uuid(), n: z.coerce.number().int().min(1).max(SCAN_LIMITS.maxPages) });
export const ThumbnailQuery = z.object({ width: z.coerce.number().int().min(64).max(800).default(240) }).strict();

const Bilingual = z.object({ vi: z.string(), en: z.string() });

const SCAN_STATUS = z.enum(['draft', 'queued', 'processing', 'done', 'failed']);

export const ScanCreated = z.object({ id: z.uuid(), status: SCAN_STATUS, pageCount: z.number().int() });

/** One page of a draft as it goes into a document: its number in the draft (from 1), turned clockwise. */
const DraftPage = z
  .object({
    page: z.number().int().min(1).max(SCAN_LIMITS.maxPages),
    rotate: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).optional(),
  })
  .strict();

/** How a draft's pages make documents: each part one document (a paper component of the dossier), its pages in order. */
export const AcceptInput = z
  .object({
    parts: z
      .array(
        z
          .object({
            componentCode: z.string().trim().min(1).max(100).optional(),
            pages: z.array(DraftPage).min(1, bi('Cần ít nhất một trang', 'At least one page')).max(SCAN_LIMITS.maxPages),
          })
          .strict(),
      )
      .min(1, bi('Cần ít nhất một tài liệu', 'At least one document'))
      .max(SCAN_LIMITS.maxFiles),
  })
  .strict();
export type AcceptInput = z.infer<typeof AcceptInput>;

export const AcceptResult = z.object({
  scans: z
    .array(ScanCreated.extend({ componentCode: z.string().nullable() }))
    .describe("one scan per part, in the order of the parts; the first keeps the draft's id"),
});
export type AcceptResult = z.infer<typeof AcceptResult>;

export const ScanView = z.object({
  id: z.uuid(),
  status: SCAN_STATUS.describe('`draft`: pages kept for arranging, not read until accepted'),
  progress: z.number().min(0).max(1).describe('share of pages read so far'),
  purpose: z.enum(['component', 'legacy_result']),
  unitId: z.string(),
  pageCount: z.number().int(),
  pages: z
    .array(z.object({ page: z.number().int(), text: z.string(), error: Bilingual.optional().describe('why this page could not be read') }))
    .describe('each page once the scan is done; empty before'),
  text: z.string().describe("every page's text in page order, pages separated by a blank line"),
  error: z.object({ code: z.string(), vi: z.string(), en: z.string() }).optional().describe('why the scan failed'),
  sourceUploadId: z.uuid().describe('the assembled PDF as sent'),
  outputUploadId: z.uuid().optional().describe('the searchable PDF/A, once done'),
  dossierCode: z.string().optional(),
  componentCode: z.string().optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});
export type ScanView = z.infer<typeof ScanView>;

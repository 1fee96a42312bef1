import { z } from 'zod';
import { DocumentKind, IndexedDocumentView } from '../search/schemas.ts';

/** Who keeps work files: the unit's clerks, leaders and specialists (Decree 30 art. 29: every official files the documents of their work). */
export const FILE_WRITERS = ['clerk', 'unit_leader', 'signing_leader', 'specialist'] as const;
/** Who reads them: the keepers and auditors. */
export const FILE_READERS = [...FILE_WRITERS, 'auditor'] as const;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const CreateFileInput = z.object({
  unitId: z.string().trim().min(1).max(60).describe('The unit that keeps the file'),
  code: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[\p{L}\p{N}.\-/_ ]+$/u)
    .describe('The code/symbol in the unit\'s list of files ("01.VP", "HS-05"); unique in the unit and year'),
  title: z.string().trim().min(3).max(500),
  year: z.number().int().min(2000).max(2200),
  retentionYears: z.number().int().min(1).max(100).nullable().describe('How long the archive keeps it, in years; null: permanently (vĩnh viễn)'),
  responsibleId: z.uuid().optional().describe('The official who keeps it (staff id); default: the caller'),
});
export type CreateFileInput = z.infer<typeof CreateFileInput>;

const Version = z.number().int().min(1).describe('The file version the action was chosen on; 409 STALE_VERSION when someone changed it since');
export const FileAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('add'), version: Version, kind: DocumentKind, documentId: z.string().min(1).max(100) }),
  z.object({ action: z.literal('remove'), version: Version, kind: DocumentKind, documentId: z.string().min(1).max(100) }),
  z.object({ action: z.literal('close'), version: Version }),
]);
export type FileAction = z.infer<typeof FileAction>;

export const FileListQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2200).optional(),
  status: z.enum(['open', 'closed']).optional(),
  due: z.enum(['soon']).optional().describe('soon: only files due for transfer to the archive within 30 days, or overdue'),
  unitId: z.string().max(60).optional(),
});
export type FileListQuery = z.infer<typeof FileListQuery>;

export const FileSummary = z.object({
  id: z.uuid(),
  version: z.number().int(),
  unitId: z.string(),
  unitName: z.string(),
  code: z.string(),
  title: z.string(),
  year: z.number().int(),
  retentionYears: z.number().int().nullable().describe('null: permanent'),
  responsible: z.object({ id: z.string(), name: z.string() }),
  status: z.enum(['open', 'closed']),
  closedAt: z.string().nullable(),
  transferDue: Day.describe('Due for transfer to the archive (open: 31 December of the next year; closed: a year after closing)'),
  daysToTransfer: z.number().int().describe('Days from today to transferDue; negative when past'),
  warning: z.enum(['due-soon', 'overdue']).nullable().describe('due-soon from 30 days before transferDue'),
  documentCount: z.number().int(),
});
export type FileSummary = z.infer<typeof FileSummary>;

export const FileDocument = IndexedDocumentView.extend({ addedAt: z.string(), indexed: z.boolean().describe('false: the document is no longer in the index') });
export type FileDocument = z.infer<typeof FileDocument>;

export const FileView = FileSummary.extend({
  createdBy: z.string(),
  createdAt: z.string(),
  documents: z.array(FileDocument),
  canChange: z.boolean().describe('The caller may add and remove documents and close it'),
});
export type FileView = z.infer<typeof FileView>;

export const FileList = z.object({ items: z.array(FileSummary), today: Day, dueSoonCount: z.number().int() });
export type FileList = z.infer<typeof FileList>;

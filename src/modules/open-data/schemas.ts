import { z } from 'zod';
import { type GroupKey, INDICATOR_GROUPS } from '../indicators/indicator-definitions.ts';
import { Month } from './period.ts';
import { SMALL_COUNT, SUPPRESSION_RULE } from './suppress.ts';

/**
 * The open datasets' schemas: one Zod object per dataset row, each column described in
 * Vietnamese and English. The same definitions give the OpenAPI document (every column's
 * description, `x-description-vi`, and `x-suppressible` on counts that may be hidden), the
 * column list a dataset's metadata carries, and the CSV header, so the three cannot differ.
 */

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean';
export interface ColumnInfo {
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** A count hidden (null) when it is from 1 to 4. */
  suppressible: boolean;
  description: string;
  descriptionEn: string;
}

const INFO = new WeakMap<z.ZodType, Omit<ColumnInfo, 'name'>>();
function column<T extends z.ZodType>(schema: T, type: ColumnType, vi: string, en: string, o: { nullable?: boolean; suppressible?: boolean } = {}): T {
  const described = schema.meta({ description: en, 'x-description-vi': vi, ...(o.suppressible ? { 'x-suppressible': true } : {}) }) as T;
  INFO.set(described, { type, nullable: o.nullable ?? false, suppressible: o.suppressible ?? false, description: vi, descriptionEn: en });
  return described;
}
const text = (vi: string, en: string) => column(z.string(), 'string', vi, en);
const textOrNull = (vi: string, en: string) => column(z.string().nullable(), 'string', vi, en, { nullable: true });
const count = (vi: string, en: string) =>
  column(z.number().int().min(0).nullable(), 'integer', `${vi} (để trống khi từ 1 đến 4)`, `${en} (null when from 1 to 4)`, {
    nullable: true,
    suppressible: true,
  });
const score = (vi: string, en: string, max: number) =>
  column(z.number().min(0).max(max).nullable(), 'number', `${vi} (để trống khi dựa trên số nhỏ)`, `${en} (null when it rests on a small count)`, {
    nullable: true,
    suppressible: true,
  });
const groupScore = (key: GroupKey) => {
  const g = INDICATOR_GROUPS.find((x) => x.key === key)!;
  return score(`Điểm nhóm ${g.name} (0–${g.weight})`, `Score of the group ${g.nameEn} (0–${g.weight})`, g.weight);
};
const suppressedFlag = () =>
  column(
    z.boolean(),
    'boolean',
    'true khi dòng có ít nhất một số liệu bị ẩn vì nhỏ (xem quy tắc ẩn số liệu)',
    'true when at least one figure of the row was hidden as small (see the suppression rule)',
  );

/** The columns of a row schema, in order, as documented. */
export function columnsOf(schema: z.ZodObject): ColumnInfo[] {
  return Object.entries(schema.shape).map(([name, s]) => {
    const info = INFO.get(s as z.ZodType);
    if (!info) throw new Error(`open data column ${name} has no description`);
    return { name, ...info };
  });
}

export const CatalogueRow = z.object({
  code: text('Mã thủ tục hành chính (Cơ sở dữ liệu quốc gia về thủ tục hành chính)', 'Procedure code (national procedures database)'),
  name: text('Tên thủ tục', 'Name of the procedure'),
  field: text('Lĩnh vực', 'Field'),
  agencyCode: textOrNull('Mã định danh cơ quan thực hiện', "The implementing agency's identifier code"),
  agencyName: textOrNull('Tên cơ quan thực hiện', 'Name of the implementing agency'),
  level: column(
    z.enum(['full', 'partial']),
    'string',
    'Mức độ dịch vụ công trực tuyến: full (toàn trình), partial (một phần)',
    'Online service level: full (end to end) or partial',
  ),
  version: column(z.number().int().min(1), 'integer', 'Phiên bản thủ tục đang có hiệu lực', 'Version of the procedure in force'),
  processingTime: column(z.number().nullable(), 'number', 'Thời hạn giải quyết (ngắn nhất)', 'Processing time (the shortest)', { nullable: true }),
  processingTimeUnit: textOrNull('Đơn vị thời hạn giải quyết (WORKING_DAY, DAY, HOUR…)', 'Unit of the processing time (WORKING_DAY, DAY, HOUR…)'),
  feeFrom: column(z.number().nullable(), 'number', 'Phí, lệ phí thấp nhất (đồng)', 'Lowest fee (VND)', { nullable: true }),
});
export type CatalogueRow = z.infer<typeof CatalogueRow>;

export const DossierStatisticsRow = z.object({
  month: column(Month, 'string', 'Tháng (YYYY-MM, giờ Việt Nam)', 'Month (YYYY-MM, Vietnam time)'),
  unitId: text('Mã định danh đơn vị tiếp nhận hồ sơ', 'Identifier code of the receiving unit'),
  unitName: text('Tên đơn vị tiếp nhận', 'Name of the receiving unit'),
  unitNameEn: textOrNull('Tên đơn vị bằng tiếng Anh', "The unit's name in English"),
  procedureCode: text('Mã thủ tục hành chính', 'Procedure code'),
  procedureName: textOrNull('Tên thủ tục (trống khi thủ tục không còn hiệu lực)', 'Name of the procedure (null when it is no longer in force)'),
  field: textOrNull('Lĩnh vực của thủ tục', "The procedure's field"),
  received: count('Số hồ sơ tiếp nhận trong tháng', 'Dossiers received in the month'),
  receivedOnline: count('Trong đó: tiếp nhận trực tuyến', 'Of which received online'),
  processed: count('Số hồ sơ đã giải quyết (trả kết quả) trong tháng', 'Dossiers processed (result returned) in the month'),
  onTime: count('Trong đó: trả kết quả đúng hạn', 'Of which on time'),
  late: count('Trong đó: trả kết quả quá hạn', 'Of which late'),
  inProgress: count('Số hồ sơ đang giải quyết vào cuối tháng', 'Dossiers in progress at the end of the month'),
  suppressed: suppressedFlag(),
});
export type DossierStatisticsRow = z.infer<typeof DossierStatisticsRow>;

export const IndicatorRow = z.object({
  month: column(Month, 'string', 'Tháng (YYYY-MM, giờ Việt Nam)', 'Month (YYYY-MM, Vietnam time)'),
  unitId: text('Mã định danh đơn vị tiếp nhận hồ sơ', 'Identifier code of the receiving unit'),
  unitName: text('Tên đơn vị (điểm tính cho đơn vị và các đơn vị trực thuộc)', 'Name of the unit (scored with the units beneath it)'),
  unitNameEn: textOrNull('Tên đơn vị bằng tiếng Anh', "The unit's name in English"),
  received: count('Số hồ sơ tiếp nhận trong tháng (của đơn vị và các đơn vị trực thuộc)', 'Dossiers received in the month (by the unit and those beneath it)'),
  processed: count(
    'Số hồ sơ đã giải quyết trong tháng (của đơn vị và các đơn vị trực thuộc)',
    'Dossiers processed in the month (by the unit and those beneath it)',
  ),
  total: score(
    'Điểm tổng (0–100) theo Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)',
    'Total score (0–100) of the service index for citizens and businesses (Decision 766/QĐ-TTg)',
    100,
  ),
  transparency: groupScore('transparency'),
  progress: groupScore('progress'),
  online: groupScore('online'),
  satisfaction: groupScore('satisfaction'),
  digitisation: groupScore('digitisation'),
  suppressed: suppressedFlag(),
});
export type IndicatorRow = z.infer<typeof IndicatorRow>;

export const DATASET_IDS = ['catalogue', 'dossier-statistics', 'indicators'] as const;
export const DatasetId = z.enum(DATASET_IDS).describe('catalogue, dossier-statistics or indicators');
export type DatasetId = z.infer<typeof DatasetId>;

export const ColumnInfoSchema = z.object({
  name: z.string(),
  type: z.enum(['string', 'integer', 'number', 'boolean']),
  nullable: z.boolean(),
  suppressible: z.boolean().describe('A count or score hidden (null) when it is small'),
  description: z.string().describe('Vietnamese'),
  descriptionEn: z.string(),
});

export const DatasetMetadata = z.object({
  id: DatasetId,
  title: z.string().describe('Vietnamese'),
  titleEn: z.string(),
  description: z.string().describe('Vietnamese'),
  descriptionEn: z.string(),
  publisher: z.string(),
  licence: z.object({ id: z.literal('CC-BY-4.0'), name: z.string(), url: z.string(), note: z.string(), noteEn: z.string() }),
  updateFrequency: z.literal('continuous').describe('The figures follow every dossier as it moves'),
  maxAgeSeconds: z.number().int().describe('How old a reply may be: the same figures are served to everyone for this long'),
  lastUpdated: z.string().describe('When these figures were read (ISO 8601)'),
  period: z.object({ from: Month, to: Month }).nullable().describe('The months the rows cover (null for the catalogue, which is the procedures in force now)'),
  suppression: z.object({ threshold: z.literal(SMALL_COUNT), rule: z.string(), ruleEn: z.string() }),
  columns: z.array(ColumnInfoSchema).describe('The row schema: also the CSV header, in this order'),
  links: z.object({ json: z.string(), csv: z.string(), documentation: z.string() }),
});
export type DatasetMetadata = z.infer<typeof DatasetMetadata>;

export const CatalogueDataset = z
  .object({ dataset: z.literal('catalogue'), metadata: DatasetMetadata, rows: z.array(CatalogueRow) })
  .describe('The procedure catalogue: every procedure in force');
export const DossierStatisticsDataset = z
  .object({ dataset: z.literal('dossier-statistics'), metadata: DatasetMetadata, rows: z.array(DossierStatisticsRow) })
  .describe('Monthly dossier statistics by receiving unit and procedure');
export const IndicatorsDataset = z
  .object({ dataset: z.literal('indicators'), metadata: DatasetMetadata, rows: z.array(IndicatorRow) })
  .describe('Monthly service-index scores by receiving unit');
export const Dataset = z.discriminatedUnion('dataset', [CatalogueDataset, DossierStatisticsDataset, IndicatorsDataset]);
export type Dataset = z.infer<typeof Dataset>;

export const DatasetQuery = z.object({
  from: Month.optional().describe('First month (YYYY-MM); by default 11 months before `to`'),
  to: Month.optional().describe('Last month (YYYY-MM); by default this month'),
  format: z.enum(['json', 'csv']).default('json').describe('json (default) or csv (UTF-8 with a byte order mark, comma separated, a header row)'),
});
export type DatasetQuery = z.infer<typeof DatasetQuery>;

export { SUPPRESSION_RULE };

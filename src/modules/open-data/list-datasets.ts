import type { z } from 'zod';
import { CatalogueRow, columnsOf, type DatasetId, DATASET_IDS, type DatasetMetadata, DossierStatisticsRow, IndicatorRow, SUPPRESSION_RULE } from './schemas.ts';
import { SMALL_COUNT } from './suppress.ts';
import { monthPeriod } from './period.ts';

export const OPEN_DATA_API = '/api/v1/open-data';

/**
 * The licence of every dataset: Creative Commons Attribution 4.0. Decree 47/2020/NĐ-CP (Art. 18)
 * lets anyone copy, share, use and combine state agencies' open data, commercially or not, on
 * condition that they cite it; CC BY 4.0 grants exactly that in a form known worldwide (it meets
 * the Open Definition, tools and portals recognise it), with attribution as its only condition,
 * irrevocably. The note names the decree, whose rules apply by law whatever the licence says.
 */
export const LICENCE = {
  id: 'CC-BY-4.0',
  name: 'Creative Commons Attribution 4.0 International (CC BY 4.0)',
  url: 'https://creativecommons.org/licenses/by/4.0/',
  note:
    'Được tự do sao chép, chia sẻ, sử dụng và kết hợp với dữ liệu khác, kể cả cho mục đích thương mại, với điều kiện ghi rõ nguồn. ' +
    'Việc sử dụng dữ liệu mở của cơ quan nhà nước tuân theo Điều 18 Nghị định 47/2020/NĐ-CP.',
  noteEn:
    'You may copy, share, use and combine the data with other data, commercially too, provided you cite the source. ' +
    "Use of state agencies' open data follows Article 18 of Decree 47/2020/ND-CP.",
} as const;

const PUBLISHER = 'congso — Cổng dịch vụ công';

interface Definition {
  title: string;
  titleEn: string;
  description: string;
  descriptionEn: string;
  row: z.ZodObject;
  /** Whether the rows cover a period of months (`from`, `to`). */
  period: { defaultMonths: number; maxMonths: number } | null;
  /** How long the same figures are served to everyone (the index is computed per unit and month, so it is kept longer). */
  maxAgeSeconds: number;
}

export const DATASETS: Record<DatasetId, Definition> = {
  catalogue: {
    title: 'Danh mục thủ tục hành chính',
    titleEn: 'Procedure catalogue',
    description:
      'Các thủ tục hành chính đang có hiệu lực: mã, tên, lĩnh vực, cơ quan thực hiện, mức độ dịch vụ công trực tuyến, thời hạn giải quyết và mức phí thấp nhất.',
    descriptionEn: 'The administrative procedures in force: code, name, field, implementing agency, online service level, processing time and the lowest fee.',
    row: CatalogueRow,
    period: null,
    maxAgeSeconds: 60,
  },
  'dossier-statistics': {
    title: 'Thống kê hồ sơ theo tháng, đơn vị và thủ tục',
    titleEn: 'Monthly dossier statistics by unit and procedure',
    description:
      'Số hồ sơ tiếp nhận (trong đó trực tuyến), đã giải quyết (đúng hạn, quá hạn) và đang giải quyết cuối tháng, theo tháng, đơn vị tiếp nhận và thủ tục. ' +
      'Chỉ số liệu tổng hợp, không có thông tin cá nhân; số nhỏ được ẩn.',
    descriptionEn:
      'Dossiers received (of which online), processed (on time, late) and in progress at the end of the month, by month, receiving unit and procedure. ' +
      'Aggregates only, no personal data; small counts are hidden.',
    row: DossierStatisticsRow,
    period: { defaultMonths: 12, maxMonths: 36 },
    maxAgeSeconds: 60,
  },
  indicators: {
    title: 'Bộ chỉ số phục vụ người dân, doanh nghiệp theo tháng và đơn vị',
    titleEn: 'Monthly service-index scores by unit',
    description:
      'Điểm Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) của từng đơn vị tiếp nhận theo tháng: điểm tổng và điểm từng nhóm. ' +
      'Điểm dựa trên số nhỏ được ẩn.',
    descriptionEn:
      'Scores of the index for steering and assessing the service to citizens and businesses (Decision 766/QĐ-TTg) of each receiving unit by month: the total and each group. ' +
      'Scores that rest on small counts are hidden.',
    row: IndicatorRow,
    period: { defaultMonths: 12, maxMonths: 12 },
    maxAgeSeconds: 300,
  },
};

/** A dataset's metadata: what it is, its licence, its schema, its links; `lastUpdated` and `period` as given. */
export function datasetMetadata(id: DatasetId, opts: { lastUpdated: string; period: { from: string; to: string } | null }): DatasetMetadata {
  const d = DATASETS[id];
  const query = opts.period ? `?from=${opts.period.from}&to=${opts.period.to}` : '';
  return {
    id,
    title: d.title,
    titleEn: d.titleEn,
    description: d.description,
    descriptionEn: d.descriptionEn,
    publisher: PUBLISHER,
    licence: LICENCE,
    updateFrequency: 'continuous',
    maxAgeSeconds: d.maxAgeSeconds,
    lastUpdated: opts.lastUpdated,
    period: opts.period,
    suppression: { threshold: SMALL_COUNT, rule: SUPPRESSION_RULE.vi, ruleEn: SUPPRESSION_RULE.en },
    columns: columnsOf(d.row),
    links: {
      json: `${OPEN_DATA_API}/${id}${query}`,
      csv: `${OPEN_DATA_API}/${id}${query ? `${query}&` : '?'}format=csv`,
      documentation: '/api/docs',
    },
  };
}

/**
 * Every dataset's metadata, for the open-data page and `GET /api/v1/open-data`, with the period
 * a request without `from` and `to` gets. The figures are read live (the indicator tables follow
 * every dossier), so they are as of now.
 */
export function listDatasets(now = new Date()): DatasetMetadata[] {
  return DATASET_IDS.map((id) => {
    const p = DATASETS[id].period;
    const period = p ? monthPeriod({}, p, now) : null;
    return datasetMetadata(id, { lastUpdated: now.toISOString(), period: period && { from: period.from, to: period.to } });
  });
}

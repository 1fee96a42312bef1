import type { Ctx } from '../../platform/context.ts';
import { listUnits } from '../organisation/list-units.ts';
import { dossierStatistics } from '../indicators/dossier-statistics.ts';
import { catalogueProcedures } from './catalogue-procedures.ts';
import { datasetMetadata, DATASETS } from './list-datasets.ts';
import { monthlyIndicators } from './monthly-indicators.ts';
import { clockNow, type MonthPeriod, monthPeriod } from './period.ts';
import { remember } from './remember.ts';
import type { CatalogueRow, Dataset, DatasetId, DossierStatisticsRow } from './schemas.ts';
import { publishFigures } from './suppress.ts';

/**
 * One open dataset, aggregated and with its small counts hidden (see suppress.ts): the
 * procedure catalogue, the monthly dossier statistics by unit and procedure, or the monthly
 * service-index scores by unit. Anyone may ask (no principal): nothing in it names a person.
 * Figures come only from the indicator tables (`dossierStatistics`, the index's computation),
 * names from the organisation's and the catalogue's operations.
 */
export async function getDataset(ctx: Ctx, id: DatasetId, q: { from?: string; to?: string }, now = clockNow(ctx)): Promise<Dataset> {
  const def = DATASETS[id];
  const period = def.period ? monthPeriod(q, def.period, now) : null;
  const key = `dataset:${id}:${period ? `${period.from}:${period.to}` : ''}`;
  return remember(ctx, key, def.maxAgeSeconds * 1000, async (): Promise<Dataset> => {
    const metadata = datasetMetadata(id, { lastUpdated: clockNow(ctx).toISOString(), period: period && { from: period.from, to: period.to } });
    if (id === 'catalogue') return { dataset: id, metadata, rows: await catalogueRows(ctx) };
    if (id === 'dossier-statistics') return { dataset: id, metadata, rows: await statisticsRows(ctx, period!) };
    return { dataset: id, metadata, rows: await monthlyIndicators(ctx, period!) };
  });
}

async function catalogueRows(ctx: Ctx): Promise<CatalogueRow[]> {
  return (await catalogueProcedures(ctx)).map((p) => ({
    code: p.code,
    name: p.name,
    field: p.field,
    agencyCode: p.agencyCode,
    agencyName: p.agencyName,
    level: p.level,
    version: p.version,
    processingTime: p.processingTime,
    processingTimeUnit: p.processingTimeUnit,
    feeFrom: p.feeFrom,
  }));
}

async function statisticsRows(ctx: Ctx, period: MonthPeriod): Promise<DossierStatisticsRow[]> {
  const [rows, units, procedures] = await Promise.all([
    dossierStatistics(ctx, { from: period.fromDay, to: period.toDay, by: 'unit_procedure_month' }),
    listUnits(ctx),
    catalogueProcedures(ctx),
  ]);
  const unitOf = new Map(units.map((u) => [u.id, u]));
  const procedureOf = new Map(procedures.map((p) => [p.code, p]));
  return rows
    .filter((r) => r.received || r.processed || r.inProgress || r.onTime || r.late)
    .map((r) => {
      const unit = unitOf.get(r.unitId!);
      const procedure = procedureOf.get(r.procedureCode!);
      return {
        month: r.month!,
        unitId: r.unitId!,
        unitName: unit?.name ?? r.unitId!,
        unitNameEn: unit?.nameEn ?? null,
        procedureCode: r.procedureCode!,
        procedureName: procedure?.name ?? null,
        field: procedure?.field ?? null,
        ...publishFigures(r),
      };
    })
    .sort((a, b) => a.month.localeCompare(b.month) || a.unitId.localeCompare(b.unitId) || a.procedureCode.localeCompare(b.procedureCode));
}

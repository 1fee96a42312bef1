import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { onReplica } from '../../platform/db/replica.ts';
import { datasetCsv } from './dataset-csv.ts';
import { getDataset } from './get-dataset.ts';
import { listDatasets, OPEN_DATA_API } from './list-datasets.ts';
import { Dataset, DatasetId, DatasetMetadata, DatasetQuery, SUPPRESSION_RULE } from './schemas.ts';

/** A dataset as a CSV download named after it and its period (bytes: the serializer is for JSON). */
function sendCsv(reply: FastifyReply, ds: Dataset) {
  const period = ds.metadata.period ? `-${ds.metadata.period.from}-${ds.metadata.period.to}` : '';
  return reply
    .type('text/csv; charset=utf-8; header=present')
    .header('content-disposition', `attachment; filename="${ds.dataset}${period}.csv"`)
    .send(datasetCsv(ds));
}

const CSV_DOC = 'UTF-8 with a byte order mark (so spreadsheets read Vietnamese), comma separated, CRLF line ends; the header row is `metadata.columns`.';

/**
 * Open data (issue 15): aggregated figures anyone may take, in JSON and CSV, under CC BY 4.0.
 * Public and rate limited like the other anonymous reads; nothing in them names a person.
 */
export const openDataModule: Module = {
  name: 'open-data',
  routes(app, ctx) {
    app.get(OPEN_DATA_API, {
      config: { access: 'public', limit: 'public' },
      schema: {
        tags: ['open-data'],
        summary: 'The open datasets: what each holds, its licence (CC BY 4.0), schema, update frequency and links',
        response: { 200: z.object({ datasets: z.array(DatasetMetadata) }) },
      },
      handler: async () => ({ datasets: listDatasets() }),
    });

    app.get(`${OPEN_DATA_API}/:dataset`, {
      config: { access: 'public', limit: 'public' },
      schema: {
        tags: ['open-data'],
        summary: 'One open dataset in JSON or CSV (`?format=csv`): the procedure catalogue, monthly dossier statistics, or monthly index scores',
        description:
          '`catalogue`: every procedure in force. `dossier-statistics`: dossiers received, received online, processed, on time, late and in progress at ' +
          'the end of the month, by month, receiving unit and procedure (`from`, `to`: months, at most 36). `indicators`: the service index (Decision ' +
          '766/QĐ-TTg) of each receiving unit by month, the total and each group (at most 12 months). Aggregates only. ' +
          `${SUPPRESSION_RULE.en} Every row has \`suppressed\`: true when one of its figures was hidden. CSV: ${CSV_DOC}`,
        params: z.object({ dataset: DatasetId }),
        querystring: DatasetQuery,
        response: {
          200: {
            description: 'The dataset: its metadata and its rows (JSON), or the rows alone (CSV)',
            content: {
              'application/json': { schema: Dataset },
              'text/csv': { schema: z.string().describe(CSV_DOC) },
            },
          },
          400: ErrorBody,
          429: ErrorBody,
        },
      },
      handler: async (req, reply) => {
        const ds = await onReplica(ctx, (c) => getDataset(c, req.params.dataset, req.query));
        if (req.query.format !== 'csv') return ds;
        return sendCsv(reply, ds);
      },
    });
  },
};

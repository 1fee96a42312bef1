import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { importTestProcedures, LIGHT_PROCEDURE, TEST_PROCEDURE } from '../../../test/dossier-fixtures.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { type Filed, fileAndReceiveMany, leaks } from './testing/applicants.ts';

/**
 * Issue 15 item 4 over HTTP: the open datasets in JSON and CSV, as anyone takes them. Six
 * dossiers of one procedure and two of another are filed online by eight different people and
 * received at the desk of 000.05.01.G12; every dataset, in both formats, must carry the six and
 * hide the two, and none may carry anything of the eight applicants.
 */
let t: TestApp;
let filed: Filed[];
const UNIT = '000.05.01.G12';
const month = vietnamDay(new Date()).slice(0, 7);

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  filed = [...(await fileAndReceiveMany(t, 6, LIGHT_PROCEDURE.code)), ...(await fileAndReceiveMany(t, 2, TEST_PROCEDURE.code))];
}, 600_000);
afterAll(() => t?.close());

interface Column {
  name: string;
  type: string;
  nullable: boolean;
  suppressible: boolean;
}
interface Dataset {
  dataset: string;
  metadata: { id: string; licence: { id: string; url: string }; lastUpdated: string; period: { from: string; to: string } | null; columns: Column[] };
  rows: Record<string, unknown>[];
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted) cell += c;
    else if (c === ',') endCell();
    else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else cell += c;
  }
  if (cell || row.length) endRow();
  return rows;
}

const IDS = ['catalogue', 'dossier-statistics', 'indicators'];

describe('open data', () => {
  it('lists the datasets with their licence, update time, schema and links', async () => {
    const r = await api<{ datasets: (Dataset['metadata'] & { links: { json: string; csv: string } })[] }>(t, 'GET', '/api/v1/open-data');
    expect(r.status).toBe(200);
    expect(r.body.datasets.map((d) => d.id)).toEqual(IDS);
    for (const d of r.body.datasets) {
      expect(d.licence).toMatchObject({ id: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' });
      expect(Number.isNaN(Date.parse(d.lastUpdated))).toBe(false);
      expect(d.columns.length).toBeGreaterThan(3);
      expect(d.links.csv).toContain('format=csv');
    }
    expect(r.body.datasets[1].period).toEqual({ from: expect.stringMatching(/^\d{4}-\d{2}$/), to: month });
  });

  it('every dataset in JSON and CSV: no applicant data, no count from 1 to 4, the CSV under the documented header', async () => {
    // The scan finds what it looks for: the dossier as its receiving officer reads it names its applicant in full.
    const own = await api(t, 'GET', `/api/v1/dossiers/${filed[0].code}`, { token: await login(t, 'tiepnhan.xnk') });
    expect(leaks(JSON.stringify(own.body), filed)).toEqual([filed[0].code, ...filed[0].personal]);
    for (const id of IDS) {
      const json = await api<Dataset>(t, 'GET', `/api/v1/open-data/${id}`);
      expect(json.status, id).toBe(200);
      expect(json.headers.get('content-type')).toContain('application/json');
      expect(leaks(JSON.stringify(json.body), filed), id).toEqual([]);
      const { columns } = json.body.metadata;
      for (const row of json.body.rows) {
        expect(Object.keys(row), id).toEqual(columns.map((c) => c.name));
        for (const c of columns.filter((x) => x.suppressible && x.type === 'integer')) {
          const v = row[c.name] as number | null;
          expect(v === null || v === 0 || v >= 5, `${id} ${c.name} = ${v}`).toBe(true);
        }
      }

      const csv = await fetch(`${t.base}/api/v1/open-data/${id}?format=csv`);
      expect(csv.status, id).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      expect(csv.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${id}(-\\d{4}-\\d{2}-\\d{4}-\\d{2})?\\.csv"$`));
      const bytes = new Uint8Array(await csv.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
      expect(leaks(text, filed), id).toEqual([]);
      const [header, ...rows] = parseCsv(text);
      expect(header).toEqual(columns.map((c) => c.name));
      expect(rows.length, id).toBe(json.body.rows.length);
      for (const c of columns.filter((x) => x.suppressible && x.type === 'integer')) {
        const i = header.indexOf(c.name);
        for (const r of rows) expect(r[i] === '' || r[i] === '0' || Number(r[i]) >= 5, `${id} ${c.name} = ${r[i]}`).toBe(true);
      }
    }
  });

  it('dossier statistics: the six shown, the two hidden, per month, unit and procedure, with names', async () => {
    const r = await api<Dataset>(t, 'GET', `/api/v1/open-data/dossier-statistics?from=${month}&to=${month}`);
    expect(r.status).toBe(200);
    expect(r.body.metadata.period).toEqual({ from: month, to: month });
    const row = (code: string) => r.body.rows.find((x) => x.unitId === UNIT && x.procedureCode === code && x.month === month);
    expect(row(LIGHT_PROCEDURE.code)).toMatchObject({
      procedureName: LIGHT_PROCEDURE.name,
      field: 'Thử nghiệm',
      received: 6,
      receivedOnline: 6,
      processed: 0,
      onTime: 0,
      late: 0,
      inProgress: 6,
      suppressed: false,
    });
    expect(row(LIGHT_PROCEDURE.code)!.unitName).toEqual(expect.any(String));
    expect(row(TEST_PROCEDURE.code)).toMatchObject({ received: null, receivedOnline: null, processed: 0, inProgress: null, suppressed: true });

    const csv = await (await fetch(`${t.base}/api/v1/open-data/dossier-statistics?from=${month}&to=${month}&format=csv`)).text();
    const [header, ...rows] = parseCsv(csv.replace(/^\uFEFF/, ''));
    const cells = (code: string) => Object.fromEntries(header.map((h, i) => [h, rows.find((x) => x[header.indexOf('procedureCode')] === code)![i]]));
    expect(cells(LIGHT_PROCEDURE.code)).toMatchObject({ month, unitId: UNIT, received: '6', processed: '0', suppressed: 'false' });
    expect(cells(TEST_PROCEDURE.code)).toMatchObject({ received: '', receivedOnline: '', inProgress: '', suppressed: 'true' });
    // Vietnamese comes through as UTF-8.
    expect(cells(LIGHT_PROCEDURE.code).procedureName).toBe(LIGHT_PROCEDURE.name);
  });

  it('indicators: the receiving unit’s scores for the month, out of 100', async () => {
    const r = await api<Dataset>(t, 'GET', '/api/v1/open-data/indicators');
    expect(r.status).toBe(200);
    const row = r.body.rows.find((x) => x.unitId === UNIT && x.month === month);
    // Eight received (six and two): enough to publish; the index's own counts say so.
    expect(row).toMatchObject({ received: 8, processed: 0, suppressed: false });
    expect(row!.total).toEqual(expect.any(Number));
    expect(row!.total as number).toBeGreaterThanOrEqual(0);
    expect(row!.total as number).toBeLessThanOrEqual(100);
  });

  it('the catalogue lists the procedures in force', async () => {
    const r = await api<Dataset>(t, 'GET', '/api/v1/open-data/catalogue');
    expect(r.body.rows).toContainEqual(expect.objectContaining({ code: LIGHT_PROCEDURE.code, name: LIGHT_PROCEDURE.name, field: 'Thử nghiệm' }));
    expect(r.body.metadata.period).toBeNull();
  });

  it('refuses periods it does not publish: a malformed month, a future month, too long a period, an unknown dataset', async () => {
    const code = async (url: string) => ((await api<{ error: { code: string } }>(t, 'GET', url)).body.error ?? { code: 'none' }).code;
    expect(await code('/api/v1/open-data/dossier-statistics?from=2026-13')).toBe('VALIDATION_FAILED');
    expect(await code('/api/v1/open-data/dossier-statistics?to=2999-01')).toBe('VALIDATION_FAILED');
    expect(await code('/api/v1/open-data/dossier-statistics?from=2020-01&to=2025-12')).toBe('VALIDATION_FAILED');
    expect(await code('/api/v1/open-data/indicators?from=2025-01&to=2025-12')).toBe('none');
    expect(await code('/api/v1/open-data/indicators?from=2024-01&to=2025-12')).toBe('VALIDATION_FAILED');
    expect(await code('/api/v1/open-data/nguoi-nop')).toBe('VALIDATION_FAILED');
    expect(await code('/api/v1/open-data/dossier-statistics?format=xml')).toBe('VALIDATION_FAILED');
  });

  it('documents every dataset’s schema in the OpenAPI document, JSON and CSV', async () => {
    const doc = (await api<{ paths: Record<string, Record<string, unknown>> }>(t, 'GET', '/api/openapi.json')).body;
    type Schema = {
      anyOf?: Schema[];
      oneOf?: Schema[];
      properties?: Record<string, Schema>;
      items?: Schema;
      const?: string;
      enum?: string[];
      description?: string;
    };
    const idOf = (m: Schema) => m.properties!.dataset.const ?? m.properties!.dataset.enum?.[0];
    const op = doc.paths['/api/v1/open-data/{dataset}'].get as { responses: Record<string, { content: Record<string, { schema: Schema }> }> };
    const content = op.responses['200'].content;
    expect(Object.keys(content).sort()).toEqual(['application/json', 'text/csv']);
    const members = content['application/json'].schema.oneOf ?? content['application/json'].schema.anyOf ?? [];
    const list = (await api<{ datasets: Dataset['metadata'][] }>(t, 'GET', '/api/v1/open-data')).body.datasets;
    expect(members.map(idOf)).toEqual(IDS);
    for (const m of members) {
      const id = idOf(m)!;
      const row = m.properties!.rows.items!.properties!;
      expect(Object.keys(row), id).toEqual(list.find((d) => d.id === id)!.columns.map((c) => c.name));
      for (const [name, s] of Object.entries(row)) {
        expect(s.description, `${id}.${name}`).toBeTruthy();
        expect((s as Record<string, unknown>)['x-description-vi'], `${id}.${name}`).toBeTruthy();
      }
    }
    expect(doc.paths['/api/v1/open-data'].get).toBeTruthy();
  });
});

import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { FEE_PROCEDURE, importFeeProcedure } from '../../../test/dossier-fixtures.ts';
import { bearerPages, formFields, setField as set } from '../../../test/payment-fixtures.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';

/**
 * Issue 14's fee schedule in the back office's procedure editor, over HTTP as a browser without
 * script posts the form: code, when the fee is collected, per-unit fees and reductions by
 * category come into the form, go back unchanged (no new version), and a change round-trips
 * into the new version; reduction lines that cannot be read are named by line.
 */
let t: TestApp;
let admin = '';
const CODE = FEE_PROCEDURE.code;

beforeAll(async () => {
  t = await startTestApp();
  await importFeeProcedure(t);
  admin = await login(t, 'admin');
}, 600_000);
afterAll(() => t?.close());

const office = bearerPages(() => t.base);
const page = (url: string) => office.page(admin, url);
const post = (url: string, fields: [string, string][]) => office.post(admin, url, fields);
/** What the browser sends for the edit form. */
const editForm = (html: string) => formFields(html, 'id="edit-form"');
const save = (code: string, fields: [string, string][]) => post(`/can-bo/thu-tuc/${encodeURIComponent(code)}/sua`, [...fields, ['op', 'save']]);

type Fee = {
  code?: string;
  type: string;
  value: number;
  dueAt?: string;
  per?: { field: string; label: string };
  reductions?: { category: string; label: string; labelEn?: string; percent: number }[];
};
const feesOf = async () => (await api<{ version: number; methods: { channel: string; fees: Fee[] }[] }>(t, 'GET', `/api/v1/procedures/${CODE}`)).body;

describe('the fee schedule in the procedure editor', () => {
  it('opens with each fee’s code, due time, per-unit field and reductions; they save as they were, and saved again unchanged, no version is made', async () => {
    const before = await feesOf();
    // The first save gives the imported e-form its field order (x-ui), which the fixture lacks; the fees must come through as they were.
    const first = await save(CODE, editForm((await page(`/can-bo/thu-tuc/${CODE}/sua`)).html));
    expect(first.headers.get('location')).toBe(`/can-bo/thu-tuc/${CODE}/phien-ban?luu=2`);
    expect((await feesOf()).methods).toEqual(before.methods);
    const edit = await page(`/can-bo/thu-tuc/${CODE}/sua`);
    expect(edit.status).toBe(200);
    const f = Object.fromEntries(editForm(edit.html));
    expect(f).toMatchObject({
      'methods.0.fees.0.code': 'PHI-TD',
      'methods.0.fees.0.dueAt': 'filing',
      'methods.0.fees.0.per.field': 'soDiemBan',
      'methods.0.fees.0.per.label': 'số điểm kinh doanh',
      'methods.0.fees.0.reductions': 'ho-ngheo | Hộ nghèo | 100 | Poor household\nkhuyet-tat | Người khuyết tật | 50 | Person with a disability',
      'methods.0.fees.1.code': 'LP-TN',
      'methods.0.fees.1.per.field': '',
      'methods.0.fees.2.dueAt': 'request',
      'methods.0.fees.2.dueAtStored': '1',
    });
    expect(edit.html).toContain('Thời điểm thu');
    expect(edit.html).toContain('Khi nộp hồ sơ');
    const r = await save(CODE, editForm(edit.html));
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/can-bo/thu-tuc/${CODE}/phien-ban?khong-doi=1`);
  });

  it('every demo procedure saved unchanged makes no version either (fees without the new fields stay without them)', async () => {
    const codes = readdirSync(new URL('../../../demo/procedures/', import.meta.url)).map((f) => f.replace(/\.json$/, ''));
    for (const code of codes) {
      const r = await save(code, editForm((await page(`/can-bo/thu-tuc/${code}/sua`)).html));
      expect(r.headers.get('location'), code).toBe(`/can-bo/thu-tuc/${code}/phien-ban?khong-doi=1`);
    }
  });

  it('a changed schedule round-trips: due time, per-unit field and unit, reductions with an English name, the code', async () => {
    let fields = editForm((await page(`/can-bo/thu-tuc/${CODE}/sua`)).html);
    fields = set(fields, 'effectiveFrom', vietnamDay(new Date()));
    fields = set(fields, 'methods.0.fees.0.per.label', 'điểm bán');
    fields = set(fields, 'methods.0.fees.0.reductions', 'ho-ngheo | Hộ nghèo | 100\r\n\r\nnguoi-cao-tuoi | Người cao tuổi | 30% | Older person\n');
    fields = set(fields, 'methods.0.fees.1.dueAt', 'request');
    fields = set(fields, 'methods.0.fees.2.dueAt', 'filing');
    fields = set(fields, 'methods.0.fees.2.code', 'LP-CAP-2');
    const r = await save(CODE, fields);
    expect(r.status, r.status === 303 ? '' : await r.text()).toBe(303);
    expect(r.headers.get('location')).toBe(`/can-bo/thu-tuc/${CODE}/phien-ban?luu=3`);
    const now = await feesOf();
    expect(now.version).toBe(3);
    const online = now.methods.find((m) => m.channel === 'ONLINE')!;
    expect(online.fees[0]).toMatchObject({
      code: 'PHI-TD',
      dueAt: 'filing',
      per: { field: 'soDiemBan', label: 'điểm bán' },
      reductions: [
        { category: 'ho-ngheo', label: 'Hộ nghèo', percent: 100 },
        { category: 'nguoi-cao-tuoi', label: 'Người cao tuổi', labelEn: 'Older person', percent: 30 },
      ],
    });
    expect(online.fees[0].reductions![0].labelEn).toBeUndefined();
    expect(online.fees[1]).toMatchObject({ code: 'LP-TN', dueAt: 'request' });
    expect(online.fees[1].per).toBeUndefined();
    expect(online.fees[2]).toMatchObject({ code: 'LP-CAP-2', dueAt: 'filing', value: 200_000 });

    // And the editor opens on what was saved.
    const again = Object.fromEntries(editForm((await page(`/can-bo/thu-tuc/${CODE}/sua`)).html));
    expect(again['methods.0.fees.0.reductions']).toBe('ho-ngheo | Hộ nghèo | 100\nnguoi-cao-tuoi | Người cao tuổi | 30 | Older person');
    expect(again['methods.0.fees.2.dueAt']).toBe('filing');
  });

  it('reduction lines that cannot be read are named by line, a per-unit fee needs a field of the form and a unit; nothing is saved', async () => {
    let fields = editForm((await page(`/can-bo/thu-tuc/${CODE}/sua`)).html);
    fields = set(fields, 'methods.0.fees.0.reductions', 'ho-ngheo | Hộ nghèo | 100\nkhuyết tật | Người khuyết tật | 50\nabc\nx | Y | 120');
    fields = set(fields, 'methods.0.fees.1.per.label', 'trang');
    fields = set(fields, 'methods.0.fees.2.per.field', 'khongCo');
    fields = set(fields, 'methods.0.fees.2.per.label', 'bản');
    const r = await save(CODE, fields);
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('href="#methods-0-fees-0-reductions"');
    expect(html).toContain('Dòng 2: mã đối tượng gồm chữ thường không dấu');
    expect(html).toContain('Dòng 3: cần 3 phần');
    expect(html).toContain('Dòng 4: phần trăm giảm là số nguyên từ 1 đến 100');
    expect(html).toContain('id="methods-0-fees-0-reductions-error"');
    expect(html).toContain('href="#methods-0-fees-1-per-field"');
    expect(html).toContain('Biểu mẫu không có trường khongCo');
    // What was typed comes back as typed.
    expect(html).toContain('khuyết tật | Người khuyết tật | 50\nabc');
    expect((await feesOf()).version).toBe(3);
  });
});

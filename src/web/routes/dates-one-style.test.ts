import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import {
  act,
  fileAndReceive,
  fileOnline,
  importTestProcedures,
  LIGHT_PROCEDURE,
  signInCrew,
  TEST_PROCEDURE,
  type Crew,
} from '../../../test/dossier-fixtures.ts';

/**
 * Dates on the pages read one way (issue 11): a day dd/MM/yyyy, an instant HH:mm dd/MM/yyyy in
 * Vietnam time, the same in both languages; calendar days never shifted by a time zone; budgets
 * in working days and hours. The expected texts are computed here from the API's values with the
 * platform's zone database, not with the code under test.
 */
let t: TestApp;
let crew: Crew;
let code: string;
let view: { submittedAt: string; receivedAt: string | null; dueDate: string | null };

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  crew = await signInCrew(t);
  code = await fileAndReceive(t, crew);
  view = (await api<typeof view>(t, 'GET', `/api/v1/dossiers/${code}`, { token: crew.receiving })).body;
});
afterAll(() => t?.close());

const page = async (url: string, token?: string) => {
  const r = await fetch(`${t.base}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(r.status).toBe(200);
  return r.text();
};

/** What a reader sees: the text outside tags and attributes (datetime="…" keeps machine ISO on purpose). */
const visibleText = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ');

const zone = (iso: string) => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Ho_Chi_Minh',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return { day: `${p.day}/${p.month}/${p.year}`, dateTime: `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}` };
};
const dayOf = (isoDay: string) => isoDay.split('-').reverse().join('/');

/** Every date-looking and time-looking thing in the text is in the one style. */
function expectOneStyle(text: string) {
  const dates = text.match(/\b\d{1,4}[-/]\d{1,2}[-/]\d{1,4}\b/g) ?? [];
  for (const d of dates) expect(d, `a date in another style: ${d}`).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
  const times = text.match(/\b\d{1,2}:\d{2}(:\d{2})?\b[^\d]{0,3}(\d[\d/]*)?/g) ?? [];
  for (const x of times) expect(x, `a time in another style: ${x}`).toMatch(/^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}$/);
}

describe('one way to show dates on dossier pages', () => {
  it("shows the citizen's dossier with its filing time and due date in the one style, in both languages", async () => {
    expect(view.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const lang of ['vi', 'en']) {
      const text = visibleText(await page(`/ho-so-cua-toi/${code}?lang=${lang}`, crew.citizen));
      expect(text).toContain(zone(view.submittedAt).dateTime);
      expect(text).toContain(zone(view.receivedAt!).dateTime);
      expect(text).toContain(dayOf(view.dueDate!));
      expectOneStyle(text);
    }
  });

  it('shows the office dossier page and queue in the same style', async () => {
    for (const lang of ['vi', 'en']) {
      const detail = visibleText(await page(`/can-bo/ho-so/${code}?lang=${lang}`, crew.receiving));
      expect(detail).toContain(zone(view.submittedAt).dateTime);
      expect(detail).toContain(dayOf(view.dueDate!));
      expectOneStyle(detail);
      const queue = visibleText(await page(`/can-bo/ho-so?queue=all&lang=${lang}`, crew.receiving));
      expect(queue).toContain(dayOf(view.dueDate!));
      expectOneStyle(queue);
    }
  });

  it('shows the public tracking page in the same style', async () => {
    const text = visibleText(await page(`/tra-cuu/${code}`));
    expect(text).toContain(zone(view.submittedAt).day);
    expect(text).toContain(dayOf(view.dueDate!));
    expectOneStyle(text);
  });

  it('shows a due moment in working hours as its time and day, in the one style, wherever the due date shows', async () => {
    // Issue 19: a procedure decided within 4 working hours is due at a time of day.
    const hours = {
      ...LIGHT_PROCEDURE,
      code: '9.100020',
      name: 'Thủ tục thử nghiệm giải quyết trong giờ làm việc',
      executionMethods: LIGHT_PROCEDURE.executionMethods.map((m) => ({ ...m, processingTime: 4, processingTimeUnit: 'WORKING_HOUR' })),
    };
    const imported = await api(t, 'POST', '/api/v1/procedures/import', { token: await login(t, 'admin'), body: [hours] });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const filed = await fileOnline(t, crew.citizen, { procedure: hours.code });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const hcode = filed.body.code;
    expect((await act(t, crew.receiving, hcode, { action: 'receive' })).status).toBe(200);
    const v = (await api<{ dueAt: string | null; dueDate: string | null }>(t, 'GET', `/api/v1/dossiers/${hcode}`, { token: crew.receiving })).body;
    expect(v.dueAt).toBeTruthy();
    const due = zone(v.dueAt!).dateTime;
    for (const lang of ['vi', 'en']) {
      for (const [url, token] of [
        [`/ho-so-cua-toi/${hcode}?lang=${lang}`, crew.citizen],
        [`/ho-so-cua-toi?lang=${lang}`, crew.citizen],
        [`/can-bo/ho-so/${hcode}?lang=${lang}`, crew.receiving],
        [`/can-bo/ho-so?queue=all&lang=${lang}`, crew.receiving],
        [`/tra-cuu/${hcode}?lang=${lang}`, undefined],
      ] as const) {
        const text = visibleText(await page(url, token));
        expect(text, url).toContain(due);
        expectOneStyle(text);
      }
    }
    // A limit in days still shows its date alone.
    const days = visibleText(await page(`/tra-cuu/${code}`));
    expect(days).toContain(dayOf(view.dueDate!));
    expect(days).not.toMatch(/23:59/);
  });

  it('shows a version effective from 2025-01-01 (midnight in Vietnam) as 01/01/2025, not the UTC day before, and budgets in working days and hours', async () => {
    expect(TEST_PROCEDURE.congso.effectiveFrom).toBe('2025-01-01');
    for (const [lang, since, half, five] of [
      ['vi', 'hiệu lực từ 01/01/2025', '(4 giờ làm việc)', '(5 ngày làm việc)'],
      ['en', 'in force since 01/01/2025', '(4 working hours)', '(5 working days)'],
    ]) {
      const text = visibleText(await page(`/thu-tuc/${TEST_PROCEDURE.code}?lang=${lang}`));
      expect(text).toContain(since);
      expect(text).not.toContain('2024-12-31');
      expect(text).not.toContain('31/12/2024');
      expect(text).toContain(half);
      expect(text).toContain(five);
      expect(text).not.toMatch(/0[.,]5 (ngày|working)/);
      expectOneStyle(text);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { importTestProcedures } from '../../../test/dossier-fixtures.ts';
import { vietnamDay } from '../../platform/i18n/index.ts';
import { type Filed, fileAndReceiveMany, leaks } from '../../modules/open-data/testing/applicants.ts';

/**
 * Issue 15 item 3 and the open-data page over HTTP, as a visitor without script and without an
 * account sees them: the statistics with their charts drawn into the page as SVG, small counts
 * hidden, in Vietnamese and in English; the datasets with their licence and links.
 */
let t: TestApp;
let filed: Filed[];
const UNIT = '000.05.01.G12';
const month = vietnamDay(new Date()).slice(0, 7);
const monthVi = `${month.slice(5, 7)}/${month.slice(0, 4)}`;

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  filed = await fileAndReceiveMany(t, 3);
}, 600_000);
afterAll(() => t?.close());

const get = async (url: string) => {
  const r = await fetch(`${t.base}${url}`, { headers: { accept: 'text/html' } });
  return { status: r.status, html: await r.text() };
};
/** The text of the part of a page from an element (by id) to a marker after it, tags dropped and spaces folded. */
const textOf = (html: string, id: string, until = '</table>') => {
  const start = html.indexOf(`id="${id}"`);
  return start < 0
    ? ''
    : html
        .slice(start, html.indexOf(until, start))
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');
};
const totalsOf = (html: string) => textOf(html, 'statistics-totals', '<figure');

describe('the public statistics page', () => {
  it('shows three dossiers as a small count, with the charts in the page as SVG and nothing of the applicants', async () => {
    const { status, html } = await get('/thong-ke');
    expect(status).toBe(200);
    expect(html).toContain('<html lang="vi"');
    expect(html).toContain('Thống kê tình hình giải quyết hồ sơ');
    expect(html).toContain('href="/thong-ke"');
    // Two charts drawn on the server and carried in the page as SVG (no request of their own), each drawn for a wide screen and
    // for a phone; no inline style for the page's style policy to refuse.
    const charts = [...html.matchAll(/<figure class="cs-chart" id="(chart-[a-z]+)"><picture>(.*?)<\/picture>/g)];
    expect(charts.map((m) => m[1])).toEqual(['chart-volume', 'chart-shares']);
    for (const [, id, picture] of charts) {
      const svgs = [...picture.matchAll(/(?:src|srcset)="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/g)].map((m) =>
        Buffer.from(m[1], 'base64').toString('utf8'),
      );
      expect(svgs, id).toHaveLength(2);
      for (const svg of svgs) {
        expect(svg).toMatch(/^<svg width="\d+" height="\d+"/);
        expect(svg).not.toMatch(/ style="|<style/);
        expect(svg).toContain(monthVi);
      }
      expect(picture).toMatch(
        /<source media="\(max-width: 40.0525em\)" srcset="data:[^"]+" width="360" height="300"\/?><img src="data:[^"]+" alt="Biểu đồ [^"]+" width="720" height="\d+"\/?>/,
      );
    }
    expect(charts[0][2]).toContain('alt="Biểu đồ hồ sơ tiếp nhận và đã giải quyết theo tháng"');
    expect(html).toContain(monthVi);
    // Three received this month: hidden everywhere, and so is the share they would make.
    expect(totalsOf(html)).toMatch(/Hồ sơ tiếp nhận &lt; 5/);
    expect(textOf(html, 'statistics-months')).toContain(`${monthVi} &lt; 5`);
    expect(textOf(html, 'statistics-units')).toContain('&lt; 5');
    expect(textOf(html, 'statistics-fields')).toContain('Thử nghiệm');
    for (const id of ['statistics-months', 'statistics-units', 'statistics-fields']) expect(textOf(html, id), id).not.toMatch(/ [1-4] /);
    expect(totalsOf(html)).not.toMatch(/ [1-4] /);
    expect(html).toContain('từ 1 đến 4');
    expect(leaks(html, filed)).toEqual([]);
  });

  it('shows six once three more are received, for the unit chosen; in English with ?lang=en', async () => {
    filed.push(...(await fileAndReceiveMany(t, 3)));
    const { status, html } = await get(`/thong-ke?unit=${UNIT}&from=${month}&to=${month}`);
    expect(status).toBe(200);
    expect(html).toContain(`<option value="${UNIT}" selected>`);
    expect(totalsOf(html)).toMatch(/Hồ sơ tiếp nhận 6 /);
    // All six online: the online share can be told without revealing a small count; nothing processed yet, so no on-time share.
    expect(totalsOf(html)).toMatch(/Tiếp nhận trực tuyến 100,0%/);
    expect(totalsOf(html)).toMatch(/Giải quyết đúng hạn — không công bố/);
    expect(textOf(html, 'statistics-units')).toMatch(/ 6 100,0% 0 0 0 — không công bố 6 /);
    expect(leaks(html, filed)).toEqual([]);

    const en = await get(`/thong-ke?unit=${UNIT}&from=${month}&to=${month}&lang=en`);
    expect(en.html).toContain('<html lang="en"');
    expect(en.html).toContain('Dossier statistics');
    expect(totalsOf(en.html)).toMatch(/Received online 100\.0%/);
    expect(en.html).toContain('alt="Chart of dossiers received and processed per month"');
    expect(en.html).toContain(`>${month}<`);
  });

  it('a month that is not one, or a unit that does not exist, is said on the page (400), the form kept', async () => {
    const bad = await get('/thong-ke?from=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('govuk-error-summary');
    expect(bad.html).toContain('href="#from"');
    expect(bad.html).toContain('<form method="get" action="/thong-ke"');
    expect(bad.html).not.toContain('<svg');
    const unit = await get('/thong-ke?unit=KHONG.CO');
    expect(unit.status).toBe(400);
    expect(unit.html).toContain('href="#unit"');
  });
});

describe('the open-data page', () => {
  it('lists the three datasets with their licence, update time and JSON and CSV links, in Vietnamese and English', async () => {
    const { status, html } = await get('/du-lieu-mo');
    expect(status).toBe(200);
    for (const title of [
      'Danh mục thủ tục hành chính',
      'Thống kê hồ sơ theo tháng, đơn vị và thủ tục',
      'Bộ chỉ số phục vụ người dân, doanh nghiệp theo tháng và đơn vị',
    ])
      expect(html).toContain(title);
    expect(html).toContain('href="https://creativecommons.org/licenses/by/4.0/" rel="license"');
    expect(html).toContain('Cập nhật lần cuối');
    expect(html).toMatch(/href="\/api\/v1\/open-data\/dossier-statistics\?from=\d{4}-\d{2}&amp;to=\d{4}-\d{2}&amp;format=csv"/);
    expect(html).toContain('href="/api/v1/open-data/catalogue"');
    expect(html).toContain('href="/api/docs"');
    expect(html).toContain('href="/du-lieu-mo"');
    // Every link it gives answers.
    for (const m of html.matchAll(/href="(\/api\/v1\/open-data\/[^"]+)"/g)) {
      const r = await fetch(`${t.base}${m[1].replace(/&amp;/g, '&')}`);
      expect(r.status, m[1]).toBe(200);
    }
    const en = await get('/du-lieu-mo?lang=en');
    expect(en.html).toContain('<html lang="en"');
    expect(en.html).toContain('Monthly dossier statistics by unit and procedure');
    expect(en.html).toContain('Last updated');
  });
});

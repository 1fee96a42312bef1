import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { api, nextOtp, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { verifyAudit } from '../../platform/audit/index.ts';
import { computeDueDate, loadCalendar, workingDaysUsed } from './compute-due-date.ts';
import { setCalendarYear } from './set-calendar-year.ts';
import { resetCalendarYear } from './reset-calendar-year.ts';
import { DAY, iso, ms, Reference, scheduleArb } from './testing/reference.ts';

type Err = { error: { code: string; message: string; messageEn: string; details?: { path: string; message: string; messageEn: string }[] } };
type Year = {
  year: number;
  source: string;
  daysOff: string[];
  makeUpWorkingDays: string[];
  holidays: { date: string; name: string; nameEn: string; kind: string }[];
  workingDayCount: number;
  updatedBy: string | null;
};

let t: TestApp;
let admin: string;
let specialist: string;
let citizen: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await tokenFor(t, 'administrator');
  specialist = await tokenFor(t, 'specialist');
  citizen = await tokenFor(t, 'citizen');
});
afterAll(() => t?.close());

const dueDate = (from: string, workingDays: string) =>
  api<{ dueDate: string; receivedOn: string; workingDays: number } & Err>(
    t,
    'GET',
    `/api/v1/calendar/due-date?from=${encodeURIComponent(from)}&workingDays=${encodeURIComponent(workingDays)}`,
  );
const calendarAudit = () =>
  t.ctx.database.db.selectFrom('audit_log').select(['actor', 'action', 'target', 'data']).where('action', 'like', 'calendar.%').orderBy('id').execute();

describe('due dates through the API', () => {
  it('received Thursday 2026-04-23, 5 working days → Tuesday 2026-05-05 (27/4 compensates Hùng Kings on Sunday; 30/4, 1/5 off)', async () => {
    const r = await dueDate('2026-04-23T09:30:00+07:00', '5');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ dueDate: '2026-05-05', receivedOn: '2026-04-23', workingDays: 5 });
  });

  it('takes the receipt date in Viet Nam, and rounds fractional budgets up', async () => {
    // 01:30 on 23 April in Hà Nội is still 22 April in UTC.
    expect((await dueDate('2026-04-22T18:30:00Z', '5')).body.dueDate).toBe('2026-05-05');
    // 00:30 on 24 April in Hà Nội: the period starts on Saturday 25 April.
    expect((await dueDate('2026-04-23T17:30:00Z', '5')).body).toMatchObject({ receivedOn: '2026-04-24', dueDate: '2026-05-06' });
    expect((await dueDate('2026-04-23', '0.5')).body).toMatchObject({ dueDate: '2026-04-24', workingDays: 1 });
    expect((await dueDate('2026-04-23', '0')).body.dueDate).toBe('2026-04-23');
  });

  it('refuses bad input with bilingual messages and JSON paths', async () => {
    for (const [from, n, path] of [
      ['yesterday', '5', 'querystring.from'],
      ['2026-02-30', '5', 'querystring.from'],
      ['2026-04-23T09:30:00', '5', 'querystring.from'], // no time zone: ambiguous
      ['2026-04-23', '-1', 'querystring.workingDays'],
      ['2026-04-23', 'five', 'querystring.workingDays'],
      ['2026-04-23', '5000', 'querystring.workingDays'],
    ]) {
      const r = await dueDate(from, n);
      expect(r.status, `${from} ${n}`).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.details?.[0].path).toBe(path);
      expect(r.body.error.details?.[0].message).not.toBe(r.body.error.details?.[0].messageEn);
    }
    expect((await api<Err>(t, 'GET', '/api/v1/calendar/due-date?workingDays=5')).status).toBe(400);
  });

  it('a well-formed date the calendar does not count (before 1900, or a period running past 2199) is CALENDAR_OUT_OF_RANGE', async () => {
    for (const [from, n] of [
      ['1899-12-29', '5'],
      ['2199-12-30', '5'],
    ]) {
      const r = await dueDate(from, n);
      expect([from, r.status, r.body.error?.code]).toEqual([from, 400, 'CALENDAR_OUT_OF_RANGE']);
    }
  });
});

describe('the year calendar and its official schedule', () => {
  it('serves the statutory default with names', async () => {
    const r = await api<Year>(t, 'GET', '/api/v1/calendar/2026');
    expect(r.status).toBe(200);
    expect(r.body.source).toBe('default');
    expect(r.body.daysOff).toContain('2026-04-27');
    expect(r.body.holidays.find((h) => h.date === '2026-04-27')).toMatchObject({
      kind: 'compensatory',
      name: expect.stringMatching(/Nghỉ bù Giỗ Tổ Hùng Vương/),
    });
    expect(r.body.holidays.find((h) => h.date === '2026-02-17')).toMatchObject({ kind: 'holiday', nameEn: 'Lunar New Year (day 1)' });
    expect(r.body.makeUpWorkingDays).toEqual([]);
    // 261 weekdays in 2026, less 10 holidays on weekdays and the compensatory Monday.
    expect(r.body.workingDayCount).toBe(250);
    expect((await api<Err>(t, 'GET', '/api/v1/calendar/1800')).status).toBe(400);
    expect((await api<Err>(t, 'GET', '/api/v1/calendar/abc')).status).toBe(400);
  });

  it('only administrators may change it: 401 anonymous, 403 other officials and citizens', async () => {
    const body = { daysOff: ['2026-01-01'], makeUpWorkingDays: [] };
    expect((await api(t, 'PUT', '/api/v1/calendar/2026', { body })).status).toBe(401);
    expect((await api(t, 'PUT', '/api/v1/calendar/2026', { token: specialist, body })).status).toBe(403);
    expect((await api(t, 'PUT', '/api/v1/calendar/2026', { token: citizen, body })).status).toBe(403);
    expect((await api(t, 'DELETE', '/api/v1/calendar/2026')).status).toBe(401);
    expect((await api(t, 'DELETE', '/api/v1/calendar/2026', { token: specialist })).status).toBe(403);
    expect((await api<Year>(t, 'GET', '/api/v1/calendar/2026')).body.source).toBe('default');
    expect(await calendarAudit()).toEqual([]);
  });

  it('PUT replaces the year’s days off, moves the due dates at once, and is audited; DELETE restores the default', async () => {
    // As the government might decide: Friday 1/5 swapped for make-up Saturday 9/5; Monday 27/4 stays off.
    const daysOff = [
      '2026-01-01',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-04-27',
      '2026-04-30',
      '2026-05-01',
      '2026-04-29',
      '2026-09-01',
      '2026-09-02',
    ];
    const put = await api<Year>(t, 'PUT', '/api/v1/calendar/2026', { token: admin, body: { daysOff, makeUpWorkingDays: ['2026-05-09'] } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      year: 2026,
      source: 'official',
      daysOff: [...daysOff].sort(),
      makeUpWorkingDays: ['2026-05-09'],
      updatedBy: 'staff:test.administrator',
    });
    expect(put.body.holidays.find((h) => h.date === '2026-04-29')).toMatchObject({ kind: 'official' });
    const got = await api<Year>(t, 'GET', '/api/v1/calendar/2026');
    expect(got.body).toEqual(put.body);
    // Fri 24 (1), Tue 28 (2), Mon 4/5 (3), Tue 5 (4), Wed 6 (5): 29/4 is now off too.
    expect((await dueDate('2026-04-23T09:30:00+07:00', '5')).body.dueDate).toBe('2026-05-06');
    // The make-up Saturday counts: Thursday 7/5 + 2 → Saturday 9/5.
    expect((await dueDate('2026-05-07', '2')).body.dueDate).toBe('2026-05-09');

    const del = await api<Year>(t, 'DELETE', '/api/v1/calendar/2026', { token: admin });
    expect(del.status).toBe(200);
    expect(del.body.source).toBe('default');
    expect((await dueDate('2026-04-23T09:30:00+07:00', '5')).body.dueDate).toBe('2026-05-05');
    // Deleting again changes nothing and records nothing.
    expect((await api<Year>(t, 'DELETE', '/api/v1/calendar/2026', { token: admin })).status).toBe(200);

    const audit = await calendarAudit();
    expect(audit.map((a) => [a.actor, a.action, a.target])).toEqual([
      ['staff:test.administrator', 'calendar.year.set', 'calendar:2026'],
      ['staff:test.administrator', 'calendar.year.reset', 'calendar:2026'],
    ]);
    expect(audit[0].data).toMatchObject({ daysOff: [...daysOff].sort(), makeUpWorkingDays: ['2026-05-09'], previous: null });
    expect(audit[1].data).toMatchObject({ previous: { daysOff: [...daysOff].sort(), makeUpWorkingDays: ['2026-05-09'] } });
    expect((await verifyAudit(t.ctx.database.db)).ok).toBe(true);
  });

  it('validates the dates against the year, pointing at each bad one', async () => {
    const r = await api<Err>(t, 'PUT', '/api/v1/calendar/2026', {
      token: admin,
      body: {
        daysOff: ['2026-01-01', '2026-02-30', '2025-12-31', '2026-01-01', '30/04/2026', '2026-05-01'],
        makeUpWorkingDays: ['2026-05-08', '2026-05-01', '2026-05-09'],
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    const byPath = new Map(r.body.error.details!.map((d) => [d.path, d]));
    expect([...byPath.keys()].sort()).toEqual([
      'body.daysOff[1]',
      'body.daysOff[2]',
      'body.daysOff[3]',
      'body.daysOff[4]',
      'body.makeUpWorkingDays[0]',
      'body.makeUpWorkingDays[1]',
    ]);
    expect(byPath.get('body.daysOff[1]')).toMatchObject({
      message: expect.stringMatching(/ngày có thật/),
      messageEn: expect.stringMatching(/not a real date/),
    });
    expect(byPath.get('body.daysOff[2]')).toMatchObject({
      message: expect.stringMatching(/không thuộc năm 2026/),
      messageEn: expect.stringMatching(/not in 2026/),
    });
    expect(byPath.get('body.daysOff[3]')?.messageEn).toMatch(/twice/);
    expect(byPath.get('body.makeUpWorkingDays[0]')).toMatchObject({
      message: expect.stringMatching(/thứ Bảy hoặc Chủ nhật/),
      messageEn: expect.stringMatching(/Saturday or Sunday/),
    });
    // 2026-05-01 is a Friday and already a day off: two reasons.
    expect(
      r.body.error
        .details!.filter((d) => d.path === 'body.makeUpWorkingDays[1]')
        .map((d) => d.messageEn)
        .join(' '),
    ).toMatch(/Saturday or Sunday/);
    const both = await api<Err>(t, 'PUT', '/api/v1/calendar/2026', { token: admin, body: { daysOff: ['2026-05-09'], makeUpWorkingDays: ['2026-05-09'] } });
    expect(both.body.error.details).toEqual([
      expect.objectContaining({ path: 'body.makeUpWorkingDays[0]', messageEn: expect.stringMatching(/both a day off and a make-up/) }),
    ]);
    const shape = await api<Err>(t, 'PUT', '/api/v1/calendar/2026', { token: admin, body: { daysOff: [20260101] } });
    expect(shape.status).toBe(400);
    expect(shape.body.error.details?.[0].path).toBe('body.daysOff[0]');
    expect((await api<Year>(t, 'GET', '/api/v1/calendar/2026')).body.source).toBe('default');
  });

  it('computeDueDate follows random official schedules exactly like the day-by-day reference', async () => {
    const FROM = ms('2026-10-01');
    const TO = ms('2027-12-31');
    await fc.assert(
      fc.asyncProperty(
        scheduleArb(2027),
        fc.array(fc.tuple(fc.integer({ min: FROM, max: TO }), fc.integer({ min: 0, max: 60 }), fc.constantFrom(0, 0.5)), { minLength: 5, maxLength: 5 }),
        async (schedule, cases) => {
          await setCalendarYear(t.ctx, 2027, schedule, 'staff:property');
          const ref = new Reference(new Map([[2027, schedule]]));
          for (const [at, n, frac] of cases) {
            const receivedOn = iso(at + 7 * 3_600_000);
            const due = await computeDueDate(t.ctx, new Date(at), n + frac);
            expect(due, `${new Date(at).toISOString()} + ${n + frac}`).toBe(ref.add(receivedOn, n + frac));
            expect(await workingDaysUsed(t.ctx, new Date(at), due)).toBe(Math.ceil(n + frac));
          }
        },
      ),
      { numRuns: 15 },
    );
    await resetCalendarYear(t.ctx, 2027, 'staff:property');
    const cal = await loadCalendar(t.ctx, 2027, 2027);
    const ref = new Reference(new Map());
    for (let d = ms('2027-01-01'); d <= ms('2027-12-31'); d += DAY) expect(cal.isWorkingDay(iso(d)), iso(d)).toBe(ref.working(iso(d)));
  });

  it('computes long budgets across several years', async () => {
    const due = await computeDueDate(t.ctx, new Date('2026-01-05T08:00:00+07:00'), 700);
    const cal = await loadCalendar(t.ctx, 2026, 2030);
    expect(cal.workingDaysBetween('2026-01-05', due)).toBe(700);
    expect(cal.isWorkingDay(due)).toBe(true);
  });
});

describe('the back-office page', () => {
  const cookieJar = new Map<string, string>();
  const cookies = () => [...cookieJar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      cookieJar.set(kv.slice(0, i), kv.slice(i + 1));
    }
  };
  const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  it('shows twelve accessible month tables to any official, without the form', async () => {
    const r = await fetch(`${t.base}/can-bo/lich-lam-viec?year=2026`, { headers: { authorization: `Bearer ${specialist}` } });
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html.match(/<caption class="govuk-table__caption govuk-table__caption--s">Tháng \d+ năm 2026<\/caption>/g)).toHaveLength(12);
    expect(html.match(/<th scope="col" class="govuk-table__header cs-cal__weekday">/g)).toHaveLength(12 * 7);
    // A day off is marked by text, not only colour.
    expect(html).toMatch(
      /<strong>27<\/strong> <strong class="govuk-tag govuk-tag--red cs-cal__mark" aria-hidden="true" title="Nghỉ bù Giỗ Tổ Hùng Vương \(10\/3 âm lịch\)">N<\/strong><span class="govuk-visually-hidden">: nghỉ — Nghỉ bù Giỗ Tổ Hùng Vương/,
    );
    expect(html).not.toContain('name="daysOff"');
    const en = await (await fetch(`${t.base}/can-bo/lich-lam-viec?year=2026&lang=en`, { headers: { authorization: `Bearer ${specialist}` } })).text();
    expect(en).toContain('April 2026</caption>');
    expect((await fetch(`${t.base}/can-bo/lich-lam-viec?year=2026`, { headers: { authorization: `Bearer ${citizen}` } })).status).toBe(403);
    expect((await fetch(`${t.base}/can-bo/lich-lam-viec?year=1492`, { headers: { authorization: `Bearer ${specialist}` } })).status).toBe(400);
  });

  it('lets a signed-in administrator edit the year through the form, with CSRF and per-field errors', async () => {
    // Sign in through the office form, as a browser does.
    const signInPage = await fetch(`${t.base}/can-bo/dang-nhap`);
    remember(signInPage);
    const signIn = await fetch(`${t.base}/can-bo/dang-nhap`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies() },
      body: form({ _csrf: csrfIn(await signInPage.text())!, username: 'admin', password: 'congso-demo', otp: await nextOtp(t, 'admin'), next: '/can-bo' }),
    });
    expect(signIn.status).toBe(302);
    remember(signIn);

    const pageRes = await fetch(`${t.base}/can-bo/lich-lam-viec?year=2028`, { headers: { cookie: cookies() } });
    const html = await pageRes.text();
    expect(html).toContain('name="daysOff"');
    const csrf = csrfIn(html)!;
    // The form starts from the default days off, one per line.
    expect(html).toMatch(/<textarea[^>]*name="daysOff"[^>]*>2028-01-01\n2028-01-03\n2028-01-25\n/);

    const post = (fields: Record<string, string>) =>
      fetch(`${t.base}/can-bo/lich-lam-viec`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies(), accept: 'text/html' },
        body: form(fields),
      });

    expect((await post({ year: '2028', daysOff: '2028-01-01', makeUpWorkingDays: '' })).status).toBe(403); // no _csrf

    const bad = await post({ _csrf: csrf, year: '2028', daysOff: '2028-01-01\n2028-02-31\n', makeUpWorkingDays: '2028-03-01' });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('govuk-error-summary');
    expect(badHtml).toMatch(/<a href="#daysOff">“2028-02-31” không phải ngày có thật/);
    expect(badHtml).toMatch(/<a href="#makeUpWorkingDays">Ngày làm bù 2028-03-01 phải là thứ Bảy hoặc Chủ nhật/);
    expect(badHtml).toMatch(/id="daysOff-error"/);
    // What was typed comes back.
    expect(badHtml).toMatch(/<textarea[^>]*name="daysOff"[^>]*>2028-01-01\n2028-02-31\n<\/textarea>/);

    const ok = await post({
      _csrf: csrf,
      year: '2028',
      daysOff: '01/01/2028\r\n2028-01-24\r\n2028-01-25\r\n26/1/2028\r\n2028-01-27\r\n2028-01-28',
      makeUpWorkingDays: '2028-01-22',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/can-bo/lich-lam-viec?year=2028&saved=1');
    const saved = (await api<Year>(t, 'GET', '/api/v1/calendar/2028')).body;
    expect(saved).toMatchObject({
      source: 'official',
      daysOff: ['2028-01-01', '2028-01-24', '2028-01-25', '2028-01-26', '2028-01-27', '2028-01-28'],
      makeUpWorkingDays: ['2028-01-22'],
      updatedBy: 'staff:admin',
    });
    const after = await (await fetch(`${t.base}/can-bo/lich-lam-viec?year=2028&saved=1`, { headers: { cookie: cookies() } })).text();
    expect(after).toContain('Đã lưu lịch chính thức năm 2028');
    expect(after).toMatch(/<strong>22<\/strong> <strong class="govuk-tag govuk-tag--green cs-cal__mark" aria-hidden="true">LB<\/strong>/);

    const reset = await post({ _csrf: csrf, year: '2028', action: 'reset' });
    expect(reset.status).toBe(303);
    expect((await api<Year>(t, 'GET', '/api/v1/calendar/2028')).body.source).toBe('default');
    expect((await calendarAudit()).filter((a) => a.target === 'calendar:2028').map((a) => [a.actor, a.action])).toEqual([
      ['staff:admin', 'calendar.year.set'],
      ['staff:admin', 'calendar.year.reset'],
    ]);
  });
});

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
    expect(r.body).toEqual({
      dueDate: '2026-05-05',
      receivedOn: '2026-04-23',
      workingDays: 5,
      dueAt: '2026-05-05T23:59:59.999+07:00',
      receivedAt: '2026-04-23T09:30:00+07:00',
      startsAt: '2026-04-23T09:30:00+07:00',
    });
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
  it('shows office hours to every official, and lets the administrator set and remove a unit’s through the form', async () => {
    const staffPage = await (await fetch(`${t.base}/can-bo/lich-lam-viec?year=2026`, { headers: { authorization: `Bearer ${specialist}` } })).text();
    expect(staffPage).toContain('<h2 class="govuk-heading-m" id="gio-lam-viec">Giờ làm việc</h2>');
    expect(staffPage).toContain('08:00–12:00, 13:00–17:00');
    expect(staffPage).not.toContain('name="periods"');

    // Signed in as the administrator by the previous test.
    const html = await (await fetch(`${t.base}/can-bo/lich-lam-viec?year=2026`, { headers: { cookie: cookies() } })).text();
    const csrf = csrfIn(html)!;
    expect(html).toMatch(/<label class="govuk-label govuk-label--s" for="hoursUnit">/);
    expect(html).toMatch(/<label class="govuk-label govuk-label--s" for="hoursPeriods">/);
    expect(html).toMatch(/<textarea[^>]*name="periods"[^>]*>08:00-12:00\n13:00-17:00<\/textarea>/);
    const post = (fields: Record<string, string>) =>
      fetch(`${t.base}/can-bo/lich-lam-viec/gio-lam-viec`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies(), accept: 'text/html' },
        body: form(fields),
      });

    expect((await post({ year: '2026', unit: UNIT, periods: '07:30-11:30' })).status).toBe(403); // no _csrf
    const bad = await post({ _csrf: csrf, year: '2026', unit: UNIT, periods: '07:30-11:30\n13:30-11:00' });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/<a href="#hoursPeriods">Buổi 2 phải kết thúc sau giờ bắt đầu<\/a>/);
    expect(badHtml).toMatch(/id="hoursPeriods-error"/);
    expect(badHtml).toMatch(/<textarea[^>]*name="periods"[^>]*>07:30-11:30\n13:30-11:00<\/textarea>/);
    const badFormat = await (await post({ _csrf: csrf, year: '2026', unit: UNIT, periods: 'sáng' })).text();
    expect(badFormat).toMatch(/<a href="#hoursPeriods">Buổi 1, giờ bắt đầu: Phải là giờ dạng GG:PP/);
    const unknown = await post({ _csrf: csrf, year: '2026', unit: '999.99.99.G99', periods: '07:30-11:30' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/<a href="#hoursUnit">Không tìm thấy đơn vị 999.99.99.G99<\/a>/);

    // "7h30" and "8:00" are read as 07:30 and 08:00.
    const ok = await post({ _csrf: csrf, year: '2026', unit: UNIT, periods: '7h30 - 11h30\r\n13:30-17:00' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/can-bo/lich-lam-viec?year=2026&gio=saved#gio-lam-viec');
    expect((await api<HoursList>(t, 'GET', '/api/v1/calendar/office-hours')).body.units).toEqual([
      expect.objectContaining({
        unitCode: UNIT,
        periods: [
          { start: '07:30', end: '11:30' },
          { start: '13:30', end: '17:00' },
        ],
        updatedBy: 'staff:admin',
      }),
    ]);
    const after = await (await fetch(`${t.base}/can-bo/lich-lam-viec?year=2026&gio=saved`, { headers: { cookie: cookies() } })).text();
    expect(after).toContain('Đã lưu giờ làm việc');
    expect(after).toContain(`${UNIT} — Phòng Xuất xứ hàng hóa`);
    expect(after).toContain('07:30–11:30, 13:30–17:00');
    // The edit link starts the form from that unit's hours.
    const editing = await (await fetch(`${t.base}/can-bo/lich-lam-viec?year=2026&donVi=${UNIT}`, { headers: { cookie: cookies() } })).text();
    expect(editing).toMatch(new RegExp(`<option value="${UNIT}" selected(="")?>`));
    expect(editing).toMatch(/<textarea[^>]*name="periods"[^>]*>07:30-11:30\n13:30-17:00<\/textarea>/);

    const reset = await post({ _csrf: csrf, year: '2026', unit: UNIT, action: 'reset' });
    expect(reset.status).toBe(303);
    expect((await api<HoursList>(t, 'GET', '/api/v1/calendar/office-hours')).body.units).toEqual([]);
    const en = await (await fetch(`${t.base}/can-bo/lich-lam-viec?year=2026&gio=reset&lang=en`, { headers: { cookie: cookies() } })).text();
    expect(en).toContain('Office hours removed; the default applies');
  });
});

// ── Working hours, same-day limits and office hours (issue 19) ─────────────────────────────
type Due = { dueAt: string; receivedAt: string; startsAt: string; unit?: string; workingHours?: number; sameDay?: true; cutoff?: string } & Err;
type Hours = { unitCode: string; periods: { start: string; end: string }[]; source: string; updatedBy: string | null; updatedAt: string | null };
type HoursList = { default: Hours; units: Hours[] };
const dueAt = (query: Record<string, string>) => api<Due>(t, 'GET', `/api/v1/calendar/due-date?${new URLSearchParams(query)}`);
const UNIT = '000.05.04.G12'; // Rules of Origin Division: certificates of origin, counted in working hours
const OTHER = '000.05.01.G12';

describe('due moments in working hours and the same day, through the API', () => {
  it('a receipt on a Friday afternoon plus working hours lands on Monday', async () => {
    const r = await dueAt({ from: '2026-12-04T15:00:00+07:00', workingHours: '4' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      dueAt: '2026-12-07T10:00:00+07:00',
      receivedAt: '2026-12-04T15:00:00+07:00',
      startsAt: '2026-12-04T15:00:00+07:00',
      workingHours: 4,
    });
    // A receipt in the evening starts at the next opening: Monday 08:00 + 4 h.
    expect((await dueAt({ from: '2026-12-04T18:30:00+07:00', workingHours: '4' })).body).toMatchObject({
      startsAt: '2026-12-07T08:00:00+07:00',
      dueAt: '2026-12-07T12:00:00+07:00',
    });
    // Decimals are hours: 1.5 h from 16:30 is 30 minutes on Friday and an hour on Monday; a fraction of a minute rounds up.
    expect((await dueAt({ from: '2026-12-04T16:30:00+07:00', workingHours: '1.5' })).body.dueAt).toBe('2026-12-07T09:00:00+07:00');
    expect((await dueAt({ from: '2026-12-04T16:00:00+07:00', workingHours: '0.001' })).body).toMatchObject({
      dueAt: '2026-12-04T16:01:00+07:00',
      workingHours: 1 / 60,
    });
  });

  it('a receipt before a holiday skips it: Wednesday 2026-04-29 16:00 + 4 h over 30/4, 1/5 and the weekend → Monday 4/5 11:00', async () => {
    expect((await dueAt({ from: '2026-04-29T16:00:00+07:00', workingHours: '4' })).body.dueAt).toBe('2026-05-04T11:00:00+07:00');
    // 12:00 is the lunch break: 4 h from 13:00 end at 17:00 the same day, not on the next morning.
    expect((await dueAt({ from: '2026-04-29T12:00:00+07:00', workingHours: '4' })).body).toMatchObject({
      startsAt: '2026-04-29T13:00:00+07:00',
      dueAt: '2026-04-29T17:00:00+07:00',
    });
  });

  it('same day: before the cut-off at the close of that day, after it at the close of the next working day', async () => {
    expect((await dueAt({ from: '2026-04-29T14:59:00+07:00', sameDay: 'true', cutoff: '15:00' })).body).toEqual({
      dueAt: '2026-04-29T17:00:00+07:00',
      receivedAt: '2026-04-29T14:59:00+07:00',
      startsAt: '2026-04-29T14:59:00+07:00',
      sameDay: true,
      cutoff: '15:00',
    });
    // After the cut-off on the eve of 30/4: the next working day is Monday 4/5.
    expect((await dueAt({ from: '2026-04-29T15:30:00+07:00', sameDay: 'true', cutoff: '15:00' })).body.dueAt).toBe('2026-05-04T17:00:00+07:00');
    expect((await dueAt({ from: '2026-12-04T15:30:00+07:00', sameDay: 'true', cutoff: '15:00' })).body.dueAt).toBe('2026-12-07T17:00:00+07:00');
    // Without a cut-off, any receipt in office hours is due that day; one on a Saturday, on Monday.
    expect((await dueAt({ from: '2026-12-04T16:59:00+07:00', sameDay: 'true' })).body.dueAt).toBe('2026-12-04T17:00:00+07:00');
    expect((await dueAt({ from: '2026-12-05T09:00:00+07:00', sameDay: 'true' })).body.dueAt).toBe('2026-12-07T17:00:00+07:00');
  });

  it('asks for exactly one limit, and refuses bad ones naming the query field, in both languages', async () => {
    const from = '2026-12-04T15:00:00+07:00';
    for (const [query, path] of [
      [{ from }, 'querystring.workingDays'],
      [{ from, workingDays: '2', workingHours: '4' }, 'querystring.workingHours'],
      [{ from, workingHours: '4', sameDay: 'true' }, 'querystring.sameDay'],
      [{ from, workingHours: '0' }, 'querystring.workingHours'],
      [{ from, workingHours: '2001' }, 'querystring.workingHours'],
      [{ from, workingHours: '-1' }, 'querystring.workingHours'],
      [{ from, workingHours: 'four' }, 'querystring.workingHours'],
      [{ from, sameDay: 'false' }, 'querystring.sameDay'],
      [{ from, sameDay: 'true', cutoff: '25:00' }, 'querystring.cutoff'],
      [{ from, workingHours: '4', cutoff: '15:00' }, 'querystring.cutoff'],
      [{ from, workingHours: '4', unit: 'not a unit' }, 'querystring.unit'],
      [{ from, workingHours: '4', unit: '999.99.99.G99' }, 'querystring.unit'],
    ] as [Record<string, string>, string][]) {
      const r = await dueAt(query);
      expect([JSON.stringify(query), r.status, r.body.error?.code]).toEqual([JSON.stringify(query), 400, 'VALIDATION_FAILED']);
      const detail = r.body.error.details?.find((d) => d.path === path);
      expect(detail, `${JSON.stringify(query)}: ${JSON.stringify(r.body.error.details)}`).toBeDefined();
      expect(detail!.message).not.toBe(detail!.messageEn);
    }
    // Two limits: the message names both.
    const two = await dueAt({ from, workingDays: '2', workingHours: '4' });
    expect(two.body.error.details?.[0]).toMatchObject({
      message: expect.stringMatching(/workingDays.*workingHours/),
      messageEn: expect.stringMatching(/workingDays and workingHours/),
    });
    // Counting hours past the last year of the calendar is out of range, not a server error.
    expect((await dueAt({ from: '2199-12-31T16:00:00+07:00', workingHours: '4' })).body.error?.code).toBe('CALENDAR_OUT_OF_RANGE');
  });
});

describe('office hours per unit', () => {
  const listHours = async () => (await api<HoursList>(t, 'GET', '/api/v1/calendar/office-hours')).body;
  const hoursAudit = () =>
    t.ctx.database.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'target', 'data'])
      .where('action', 'like', 'calendar.hours.%')
      // The page's test above signed in as the demo administrator; these are the API's.
      .where('actor', '=', 'staff:test.administrator')
      .orderBy('id')
      .execute();
  const EARLY = [
    { start: '07:30', end: '11:30' },
    { start: '13:30', end: '17:00' },
  ];

  it('starts from the built-in hours for everyone, readable without signing in', async () => {
    const r = await api<HoursList>(t, 'GET', '/api/v1/calendar/office-hours');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      default: {
        unitCode: '*',
        periods: [
          { start: '08:00', end: '12:00' },
          { start: '13:00', end: '17:00' },
        ],
        source: 'built-in',
        updatedBy: null,
        updatedAt: null,
      },
      units: [],
    });
  });

  it('only administrators set or remove them: 401 anonymous, 403 other officials and citizens', async () => {
    const body = { periods: EARLY };
    expect((await api(t, 'PUT', `/api/v1/calendar/office-hours/${UNIT}`, { body })).status).toBe(401);
    expect((await api(t, 'PUT', `/api/v1/calendar/office-hours/${UNIT}`, { token: specialist, body })).status).toBe(403);
    expect((await api(t, 'PUT', `/api/v1/calendar/office-hours/${UNIT}`, { token: citizen, body })).status).toBe(403);
    expect((await api(t, 'DELETE', `/api/v1/calendar/office-hours/${UNIT}`, { token: specialist })).status).toBe(403);
    expect((await listHours()).units).toEqual([]);
    expect(await hoursAudit()).toEqual([]);
  });

  it("a unit's own hours change its due moments, the default those of the others; removing them goes back step by step", async () => {
    const friday = { from: '2026-12-04T15:00:00+07:00', workingHours: '4' };
    const put = await api<Hours>(t, 'PUT', `/api/v1/calendar/office-hours/${UNIT.toLowerCase()}`, { token: admin, body: { periods: EARLY } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ unitCode: UNIT, periods: EARLY, source: 'unit', updatedBy: 'staff:test.administrator' });
    // Friday 15:00–17:00 is 2 h, then Monday from 07:30: 09:30.
    expect((await dueAt({ ...friday, unit: UNIT })).body).toMatchObject({ unit: UNIT, dueAt: '2026-12-07T09:30:00+07:00' });
    expect((await dueAt({ ...friday, unit: OTHER })).body.dueAt).toBe('2026-12-07T10:00:00+07:00');
    expect((await dueAt(friday)).body.dueAt).toBe('2026-12-07T10:00:00+07:00');
    // Same day closes at 17:00 in both; a Saturday receipt starts at the unit's Monday opening.
    expect((await dueAt({ from: '2026-12-05T10:00:00+07:00', workingHours: '1', unit: UNIT })).body).toMatchObject({
      startsAt: '2026-12-07T07:30:00+07:00',
      dueAt: '2026-12-07T08:30:00+07:00',
    });

    // A default for every unit without its own: 07:00–11:00, 13:00–16:00.
    const def = [
      { start: '07:00', end: '11:00' },
      { start: '13:00', end: '16:00' },
    ];
    const star = await api<Hours>(t, 'PUT', '/api/v1/calendar/office-hours/*', { token: admin, body: { periods: def } });
    expect(star.body).toMatchObject({ unitCode: '*', source: 'default', periods: def });
    // Friday 15:00–16:00 (1 h), Monday 07:00–10:00.
    expect((await dueAt({ ...friday, unit: OTHER })).body.dueAt).toBe('2026-12-07T10:00:00+07:00');
    expect((await dueAt({ from: '2026-12-04T15:00:00+07:00', sameDay: 'true', unit: OTHER })).body.dueAt).toBe('2026-12-04T16:00:00+07:00');
    expect((await dueAt({ ...friday, unit: UNIT })).body.dueAt).toBe('2026-12-07T09:30:00+07:00');
    expect(await listHours()).toMatchObject({ default: { source: 'default', periods: def }, units: [{ unitCode: UNIT, periods: EARLY, source: 'unit' }] });

    const del = await api<Hours>(t, 'DELETE', `/api/v1/calendar/office-hours/${UNIT}`, { token: admin });
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ unitCode: UNIT, source: 'default', periods: def });
    expect((await dueAt({ ...friday, unit: UNIT })).body.dueAt).toBe('2026-12-07T10:00:00+07:00');
    const delDefault = await api<Hours>(t, 'DELETE', '/api/v1/calendar/office-hours/%2A', { token: admin });
    expect(delDefault.body).toMatchObject({ unitCode: '*', source: 'built-in', periods: [{ start: '08:00' }, { start: '13:00' }] });
    expect((await dueAt({ from: '2026-12-04T15:00:00+07:00', sameDay: 'true', unit: OTHER })).body.dueAt).toBe('2026-12-04T17:00:00+07:00');
    // Removing again changes nothing and records nothing.
    expect((await api(t, 'DELETE', `/api/v1/calendar/office-hours/${UNIT}`, { token: admin })).status).toBe(200);

    const audit = await hoursAudit();
    expect(audit.map((a) => [a.actor, a.action, a.target])).toEqual([
      ['staff:test.administrator', 'calendar.hours.set', `office-hours:${UNIT}`],
      ['staff:test.administrator', 'calendar.hours.set', 'office-hours:*'],
      ['staff:test.administrator', 'calendar.hours.reset', `office-hours:${UNIT}`],
      ['staff:test.administrator', 'calendar.hours.reset', 'office-hours:*'],
    ]);
    expect(audit[0].data).toEqual({ periods: EARLY, previous: null });
    expect(audit[2].data).toEqual({ previous: { periods: EARLY } });
    expect((await verifyAudit(t.ctx.database.db)).ok).toBe(true);
  });

  it('refuses periods out of order, overlapping or badly written, pointing at each; unknown units are 404', async () => {
    const put = (unit: string, periods: unknown) => api<Err>(t, 'PUT', `/api/v1/calendar/office-hours/${unit}`, { token: admin, body: { periods } });
    const paths = async (periods: unknown) => {
      const r = await put(UNIT, periods);
      expect(r.status, JSON.stringify(periods)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      for (const d of r.body.error.details ?? []) expect(d.message).not.toBe(d.messageEn);
      return (r.body.error.details ?? []).map((d) => d.path);
    };
    expect(
      await paths([
        { start: '08:00', end: '12:00' },
        { start: '13:00', end: '12:30' },
      ]),
    ).toEqual(['body.periods[1].end']);
    expect(
      await paths([
        { start: '08:00', end: '12:00' },
        { start: '11:00', end: '17:00' },
      ]),
    ).toEqual(['body.periods[1].start']);
    expect(await paths([{ start: '8h', end: '25:00' }])).toEqual(['body.periods[0].start', 'body.periods[0].end']);
    expect(await paths([])).toEqual(['body.periods']);
    const bad = await put(UNIT, [
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '12:30' },
    ]);
    expect(bad.body.error.details?.[0]).toMatchObject({ message: 'Buổi 2 phải kết thúc sau giờ bắt đầu', messageEn: 'period 2 must close after it opens' });

    const unknown = await put('999.99.99.G99', EARLY);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const malformed = await put('abc$def', EARLY);
    expect([malformed.status, malformed.body.error.details?.[0].path]).toEqual([400, 'params.unit']);
    expect((await listHours()).units).toEqual([]);
  });
});

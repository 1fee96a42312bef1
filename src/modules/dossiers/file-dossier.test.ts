import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { citizenToken, fileOnline, FORM, importTestProcedures, LIGHT_PROCEDURE, TEST_PROCEDURE, uploadPdf, type View } from '../../../test/dossier-fixtures.ts';

type Err = { error: { code: string; message: string; messageEn: string; details?: { path: string; message: string; messageEn: string }[] } };

let t: TestApp;
let citizen: string;
let officer: string;
beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  citizen = await citizenToken(t, '10000000-0000-4000-8000-000000000001');
  officer = await login(t, 'tiepnhan.xnk');
});
afterAll(() => t?.close());

describe('filing a dossier', () => {
  it('online by the applicant: a code of the receiving unit and day, national status 1, no due date until received', async () => {
    const r = await fileOnline(t, citizen);
    expect(r.status).toBe(201);
    expect(r.body.code).toMatch(/^000\.05\.01\.G12-\d{6}-\d{4}$/);
    expect(r.body).toMatchObject({ status: 'submitted', nationalStatus: 1, dueDate: null });
    expect(r.headers.get('location')).toBe(`/api/v1/dossiers/${r.body.code}`);
    const jobs = await sql<{
      n: number;
    }>`select count(*)::int as n from outbox_messages where adapter = 'national-portal' and kind = 'DongBoHoSoMC' and key = ${r.body.code}`.execute(
      t.ctx.database.db,
    );
    expect(jobs.rows[0].n).toBe(1);
  });

  it('at the counter by a receiving officer: received at once, with its due date', async () => {
    const upload = await uploadPdf(t, officer, 'scan.pdf');
    // Filed on Thursday 23/04/2026 at 09:00 in Vietnam (the test-only filing clock). The test
    // procedure allows 10 working days, counted from the next day:
    //   24/04 Fri (1); 25–26/04 weekend; 27/04 Mon off (compensates Hùng Kings' day, Sunday 26/04);
    //   28/04 (2), 29/04 (3); 30/04 and 01/05 holidays; 02–03/05 weekend;
    //   04/05 (4), 05/05 (5), 06/05 (6), 07/05 (7), 08/05 (8); 09–10/05 weekend; 11/05 (9), 12/05 (10).
    t.ctx.config.clockOffsetMs = Date.parse('2026-04-23T09:00:00+07:00') - Date.now();
    const r = await api<View>(t, 'POST', '/api/v1/dossiers', {
      token: officer,
      body: {
        procedureCode: TEST_PROCEDURE.code,
        channel: 1,
        applicant: { name: 'Lê Thị Thu', identifier: '001190000111', phone: '0912345678' },
        form: FORM,
        components: [{ code: 'T-01', uploadId: upload }],
      },
    }).finally(() => {
      t.ctx.config.clockOffsetMs = 0;
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'received', nationalStatus: 2, dueDate: '2026-05-12' });
    expect(r.body.code).toMatch(/^000\.05\.01\.G12-260423-\d{4}$/);
    const log = await api<{ action: string }[]>(t, 'GET', `/api/v1/dossiers/${r.body.code}/actions`, { token: officer });
    expect(log.body.map((a) => a.action)).toEqual(['submit', 'receive']);
    // The applicant is told, on the channel they gave, in the same transaction (form 01's notice).
    const sent = await sql<{
      event: string;
      channel: string;
      recipient: string;
      body_text: string;
    }>`select event, channel, recipient, body_text from notifications where dossier_code = ${r.body.code}`.execute(t.ctx.database.db);
    expect(sent.rows).toEqual([expect.objectContaining({ event: 'dossier.received', channel: 'sms', recipient: '0912345678' })]);
    expect(sent.rows[0].body_text).toContain(r.body.code);
  });

  it('the e-form is validated with the procedure version schema, errors per field in both languages', async () => {
    const r = await fileOnline(t, citizen, { form: { tenDoanhNghiep: '', maSoThue: '12ab' } });
    expect(r.status).toBe(400);
    const body = r.body as unknown as Err;
    const paths = body.error.details!.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['form.tenDoanhNghiep', 'form.maSoThue']));
    for (const d of body.error.details!) expect(d.message).not.toBe(d.messageEn);
  });

  it("a missing required component, an unknown component or someone else's upload is refused, and nothing is stored", async () => {
    const before = (await sql<{ n: number }>`select count(*)::int as n from dossiers`.execute(t.ctx.database.db)).rows[0].n;
    const none = await api<Err>(t, 'POST', '/api/v1/dossiers', {
      token: citizen,
      body: { procedureCode: TEST_PROCEDURE.code, channel: 2, form: FORM, components: [] },
    });
    expect(none.status).toBe(400);
    // The path names the missing component by its code (pages put the error beside that file input).
    expect(none.body.error.details).toEqual([expect.objectContaining({ path: 'components[code=T-01]' })]);
    expect(none.body.error.details![0].message).toContain('Đơn đề nghị');
    const other = await citizenToken(t, '10000000-0000-4000-8000-000000000002', 'Nguyễn Thị Hà', '079194006789');
    const theirs = await uploadPdf(t, other);
    const stolen = await api<Err>(t, 'POST', '/api/v1/dossiers', {
      token: citizen,
      body: { procedureCode: TEST_PROCEDURE.code, channel: 2, form: FORM, components: [{ code: 'T-01', uploadId: theirs }] },
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.details![0].path).toBe('components[0].uploadId');
    const unknown = await api<Err>(t, 'POST', '/api/v1/dossiers', {
      token: citizen,
      body: { procedureCode: TEST_PROCEDURE.code, channel: 2, form: FORM, components: [{ code: 'X-99', uploadId: theirs }] },
    });
    expect(unknown.status).toBe(400);
    expect((await sql<{ n: number }>`select count(*)::int as n from dossiers`.execute(t.ctx.database.db)).rows[0].n).toBe(before);
  });

  it('applicants file online only; officials file for an applicant they name', async () => {
    const r = await api<Err>(t, 'POST', '/api/v1/dossiers', { token: citizen, body: { procedureCode: TEST_PROCEDURE.code, channel: 1, form: FORM } });
    expect(r.status).toBe(400);
    const noApplicant = await api<Err>(t, 'POST', '/api/v1/dossiers', {
      token: officer,
      body: { procedureCode: LIGHT_PROCEDURE.code, channel: 1, form: FORM },
    });
    expect(noApplicant.body.error.details![0].path).toBe('body.applicant');
    const wrongUnit = await api<Err>(t, 'POST', '/api/v1/dossiers', {
      token: await login(t, 'tiepnhan.hcm'),
      body: { procedureCode: LIGHT_PROCEDURE.code, channel: 1, form: FORM, applicant: { name: 'A B', identifier: '001190000111' } },
    });
    expect([wrongUnit.status, wrongUnit.body.error.code]).toEqual([403, 'NOT_YOUR_STEP']);
  });

  it('the national portal files online for an applicant with its service token', async () => {
    const svc = await tokenFor(t, 'scope:dossiers:write');
    const r = await api<View>(t, 'POST', '/api/v1/dossiers', {
      token: svc,
      body: { procedureCode: LIGHT_PROCEDURE.code, channel: 2, form: FORM, applicant: { name: 'Phạm Thị Hồng Nhung', identifier: '031303007821' } },
    });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('submitted');
  });
});

describe('idempotent filing', () => {
  it('the same key and body give the same dossier; the same key with another body is a conflict', async () => {
    const a = await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'key-0001-aaaa' });
    const b = await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'key-0001-aaaa' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.code).toBe(a.body.code);
    const c = await fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'key-0001-aaaa', form: { ...FORM, tenDoanhNghiep: 'Khác' } });
    expect([c.status, c.body.error?.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('retries racing with one key create one dossier', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => fileOnline(t, citizen, { procedure: LIGHT_PROCEDURE.code, key: 'key-race-0002' })));
    expect(new Set(results.map((r) => r.body.code)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => r.status === 201 || r.status === 200)).toBe(true);
  });
});

describe('dossier codes', () => {
  // Vietnam keeps UTC+7 all year: the test's own reckoning of a filing's day, not the app's.
  const VN_MS = 7 * 3600_000;
  const DAY_MS = 86_400_000;
  const vnDay = (ms: number) => new Date(ms + VN_MS).toISOString().slice(0, 10);
  const nextVnMidnight = (ms: number) => (Math.floor((ms + VN_MS) / DAY_MS) + 1) * DAY_MS - VN_MS;

  it('500 simultaneous filings to one unit a minute before midnight in Vietnam and after it: codes per Vietnamese day, from 0001, gap-free', async () => {
    const midnight = nextVnMidnight(Date.now());
    // The app's clock is placed a minute before midnight in Vietnam (CLOCK_OFFSET_MS), and moved
    // to a minute after it while the filings are under way, so every run crosses the day.
    const d = await startTestApp({ env: { CLOCK_OFFSET_MS: String(midnight - 60_000 - Date.now()) } });
    const place = (at: number) => {
      d.ctx.config.clockOffsetMs = at - Date.now();
    };
    try {
      const officerDn = await login(d, 'tiepnhan.dn');
      // A unit with no dossiers yet: the Đà Nẵng office receives the light procedure.
      await api(d, 'POST', '/api/v1/procedures/import', {
        token: await login(d, 'admin'),
        body: [
          {
            ...LIGHT_PROCEDURE,
            code: '9.100003',
            congso: {
              ...LIGHT_PROCEDURE.congso,
              agencyCode: '000.05.03.G12',
              workflow: LIGHT_PROCEDURE.congso.workflow.map((s) => ({ ...s, unit: '000.05.03.G12', role: s.step === 'approve' ? 'signing_leader' : s.role })),
            },
          },
        ],
      });
      const body = (i: number) => ({
        procedureCode: '9.100003',
        channel: 1,
        form: FORM,
        applicant: { name: `Người nộp ${i}`, identifier: String(100000000000 + i) },
      });
      // Some of many simultaneous requests may wait past the pool's limit and get 503 with
      // Retry-After; a client then retries with the same key, as the API asks. The deadline
      // only guards against a hang.
      const file = async (i: number) => {
        for (const end = Date.now() + 120_000; ; ) {
          const r = await api<View>(d, 'POST', '/api/v1/dossiers', { token: officerDn, body: body(i), headers: { 'idempotency-key': `load-${i}-xxxxxx` } });
          if (r.status !== 503 || Date.now() > end) return r;
          await new Promise((resolve) => setTimeout(resolve, 1000 * Number(r.headers.get('retry-after') ?? 1)));
        }
      };

      place(midnight - 60_000);
      // One alone first, read well within the minute left (only a hung request would miss it).
      const first = await file(0);
      let answered = 1;
      let moved!: () => void;
      const halfway = new Promise<void>((resolve) => (moved = resolve));
      const before = Array.from({ length: 449 }, (_, i) =>
        file(1 + i).finally(() => {
          if (++answered === 225) moved();
        }),
      );
      // Half answered: the other half is in flight, some reading the time before the move, some after.
      await halfway;
      place(midnight + 60_000);
      const after = Array.from({ length: 50 }, (_, i) => file(450 + i));
      const results = [first, ...(await Promise.all([...before, ...after]))];
      expect(results.map((r) => r.status).filter((s) => s !== 201 && s !== 200)).toEqual([]);

      // Each dossier's own filing time decides its day; per day the numbers are 1…n.
      const rows = (
        await sql<{ code: string; submitted_at: Date }>`select code, submitted_at from dossiers where receiving_unit = '000.05.03.G12'`.execute(
          d.ctx.database.db,
        )
      ).rows;
      expect(rows.map((r) => r.code).sort()).toEqual(results.map((r) => r.body.code).sort());
      const byDay = new Map<string, string[]>();
      for (const r of rows) {
        const day = vnDay(new Date(r.submitted_at).getTime());
        byDay.set(day, [...(byDay.get(day) ?? []), r.code]);
      }
      const [dayBefore, dayAfter] = [vnDay(midnight - 1), vnDay(midnight)];
      expect([...byDay.keys()].sort(), 'the Vietnamese days the filings fell on').toEqual([dayBefore, dayAfter]);
      // The last 50 were sent after the move; how many of the 449 before them read the time
      // before it depends on the machine, and the checks below hold for any split.
      expect(vnDay(new Date(rows.find((r) => r.code === first.body.code)!.submitted_at).getTime()), 'the first filing').toBe(dayBefore);
      expect(byDay.get(dayAfter)!.length).toBeGreaterThanOrEqual(50);
      for (const [day, codes] of byDay) {
        const yymmdd = day.slice(2).replaceAll('-', '');
        expect(
          codes.filter((c) => !c.startsWith(`000.05.03.G12-${yymmdd}-`)),
          `codes of ${day} naming another day`,
        ).toEqual([]);
        const numbers = codes.map((c) => Number(c.split('-').pop())).sort((a, b) => a - b);
        expect(numbers, `numbers of ${day}`).toEqual(Array.from({ length: codes.length }, (_, i) => i + 1));
      }

      // Retrying every one of them with its key files nothing new, whatever the clock says now.
      const again = await Promise.all(Array.from({ length: 500 }, (_, i) => file(i)));
      expect(again.filter((r, i) => r.status !== 200 || r.body.code !== results[i].body.code).map((r) => `${r.status} ${r.body.code}`)).toEqual([]);
      const n = await sql<{ n: number }>`select count(*)::int as n from dossiers where receiving_unit = '000.05.03.G12'`.execute(d.ctx.database.db);
      expect(n.rows[0].n).toBe(500);
    } finally {
      await d.close();
    }
  }, 300_000);
});

describe('public tracking', () => {
  it('shows procedure, status and dates but nothing personal', async () => {
    const f = await fileOnline(t, citizen);
    const r = await api<Record<string, unknown>>(t, 'GET', `/api/v1/public/dossiers/${f.body.code}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ code: f.body.code, procedureCode: TEST_PROCEDURE.code, status: 'submitted', nationalStatus: 1 });
    const text = JSON.stringify(r.body);
    expect(text).not.toContain('Trần Văn Minh');
    expect(text).not.toContain('001089012345');
    expect(text).not.toContain('Công ty TNHH Thử Nghiệm');
    expect((await api(t, 'GET', '/api/v1/public/dossiers/000.05.01.G12-991231-9999')).status).toBe(404);
    expect((await api(t, 'GET', '/api/v1/public/dossiers/..%2F..%2Fetc')).status).toBe(404);
  });
});

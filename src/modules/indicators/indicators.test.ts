import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { citizenToken, FORM, LIGHT_PROCEDURE, samplePdf, uploadPdf, type View } from '../../../test/dossier-fixtures.ts';
import { recordResult } from '../results/record-result.ts';
import { recordPublishedDossier } from '../national-portal/record-published-dossier.ts';
import { prng } from '../demo/random.ts';
import type { IndicatorReport } from './schemas.ts';
import { computeIndicatorSeries } from './compute-indicators.ts';
import type { Principal } from '../../platform/auth/roles.ts';

/**
 * Acceptance (issue 15): on a data set made by 1,000 random actions through the public API, over
 * simulated months, every indicator's numerator and denominator equals an SQL query written here
 * from the definitions (not calling the module), for the ministry, a unit and a procedure over two
 * periods; and a rebuild from the logs agrees with the incremental counts.
 */

const HCM = '000.05.02.G12';
const HN = '000.05.01.G12';
/** The light test procedure handled in Ho Chi Minh City: a second unit with its own crew. */
const HCM_PROCEDURE = {
  ...LIGHT_PROCEDURE,
  code: '9.100015',
  name: 'Thủ tục thử nghiệm tại TP. Hồ Chí Minh',
  congso: {
    ...LIGHT_PROCEDURE.congso,
    level: 'partial',
    workflow: [
      { step: 'receive', name: 'Tiếp nhận', role: 'receiving_officer', unit: HCM, workingDays: 0.5 },
      { step: 'assign', name: 'Phân công', role: 'unit_leader', unit: HCM, workingDays: 0.5 },
      { step: 'examine', name: 'Thẩm định', role: 'specialist', unit: HCM, workingDays: 3 },
      { step: 'approve', name: 'Phê duyệt', role: 'signing_leader', unit: HCM, workingDays: 1 },
      { step: 'return', name: 'Trả kết quả', role: 'receiving_officer', unit: HCM, workingDays: 0 },
    ],
  },
  executionMethods: LIGHT_PROCEDURE.executionMethods.map((m) => ({ ...m, processingTime: 5 })),
};

interface Crew {
  procedure: string;
  receiving: string;
  leader: string;
  specialist: string;
  specialistName: string;
  signer: string;
}

interface Tracked {
  code: string;
  crew: Crew;
  status: string;
  owner: string | null;
  supplementRequested: boolean;
  rated: boolean;
}

const SEED = 20261207;
const DAY = 86_400_000;

describe('the service index', () => {
  let t: TestApp;
  let admin: string;
  let today = '';
  const START = Date.parse('2026-07-01T09:00:00+07:00');

  beforeAll(async () => {
    t = await startTestApp();
    admin = await login(t, 'admin');
    for (const p of [LIGHT_PROCEDURE, HCM_PROCEDURE]) {
      const r = await api(t, 'POST', '/api/v1/procedures/import', { token: admin, body: [p] });
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    }
    const crews: Crew[] = [
      {
        procedure: LIGHT_PROCEDURE.code,
        receiving: await login(t, 'tiepnhan.xnk'),
        leader: await login(t, 'lanhdao'),
        specialist: await login(t, 'chuyenvien'),
        specialistName: 'chuyenvien',
        signer: await login(t, 'ky'),
      },
      {
        procedure: HCM_PROCEDURE.code,
        receiving: await login(t, 'tiepnhan.hcm'),
        leader: await login(t, 'lanhdao.hcm'),
        specialist: await login(t, 'chuyenvien.hcm'),
        specialistName: 'chuyenvien.hcm',
        signer: await login(t, 'lanhdao.hcm'),
      },
    ];
    const citizens = await Promise.all(
      ['50000000-0000-4000-8000-000000000011', '50000000-0000-4000-8000-000000000012', '50000000-0000-4000-8000-000000000013'].map((id, i) =>
        citizenToken(t, id, `Công dân ${i}`, `00108901234${i}`),
      ),
    );
    // Seeded, so a failure replays the same actions.
    const { next: rnd, pick } = prng(SEED);
    // The national portal's deliveries, from a sequence of their own so the actions stay those above.
    const { next: portalRnd } = prng(SEED + 1);
    const portalDecided = new Set<string>();
    let now = START;
    t.ctx.config.clockOffsetMs = now - Date.now();
    const dossiers: Tracked[] = [];
    let actions = 0;
    const act = async (d: Tracked, token: string, body: Record<string, unknown>) => {
      const v = await api<View>(t, 'GET', `/api/v1/dossiers/${d.code}`, { token: admin });
      const r = await api<View>(t, 'POST', `/api/v1/dossiers/${d.code}/actions`, { token, body: { ...body, version: v.body.version } });
      expect(r.status, `${String(body.action)} on ${d.code} (${d.status}): ${JSON.stringify(r.body)}`).toBe(200);
      d.status = r.body.status;
      actions++;
    };
    while (actions < 1000) {
      if (rnd() < 0.07) {
        // Time passes: a day or two (weekends and holidays fall where they fall). Meanwhile the
        // national portal takes most receipts, a day or more after them (what its adapter records
        // once a step at or after the receipt is delivered); a few never arrive.
        const received = await sql<{ code: string }>`select code from dossiers where received_at is not null order by code`.execute(t.ctx.database.db);
        for (const { code } of received.rows) {
          if (portalDecided.has(code)) continue;
          portalDecided.add(code);
          if (portalRnd() < 0.8) await recordPublishedDossier(t.ctx, code);
        }
        now += (1 + Math.floor(rnd() * 2)) * DAY;
        t.ctx.config.clockOffsetMs = now - Date.now();
        continue;
      }
      const open = dossiers.filter((d) => !['refused', 'withdrawn', 'stopped', 'returned'].includes(d.status));
      if (rnd() < 0.2 || open.length < 5) {
        const crew = pick(crews);
        if (rnd() < 0.6) {
          const owner = pick(citizens);
          const r = await api<View>(t, 'POST', '/api/v1/dossiers', {
            token: owner,
            body: { procedureCode: crew.procedure, channel: 2, form: FORM, components: [] },
          });
          expect(r.status, JSON.stringify(r.body)).toBe(201);
          dossiers.push({ code: r.body.code, crew, status: r.body.status, owner, supplementRequested: false, rated: false });
        } else {
          const r = await api<View>(t, 'POST', '/api/v1/dossiers', {
            token: crew.receiving,
            body: {
              procedureCode: crew.procedure,
              channel: rnd() < 0.8 ? 1 : 3,
              applicant: { name: 'Lê Thị Thu', identifier: '001190000111', phone: '0912345678' },
              form: FORM,
              components: [],
            },
          });
          expect(r.status, JSON.stringify(r.body)).toBe(201);
          dossiers.push({ code: r.body.code, crew, status: r.body.status, owner: null, supplementRequested: false, rated: false });
        }
        actions++;
        continue;
      }
      const returned = dossiers.filter((d) => d.status === 'returned' && d.owner && !d.rated);
      if (returned.length && rnd() < 0.15) {
        const d = pick(returned);
        const score = () => 1 + Math.floor(rnd() * 5);
        const r = await api(t, 'POST', `/api/v1/dossiers/${d.code}/rating`, {
          token: d.owner!,
          body: { scores: { timeliness: score(), attitude: score(), guidance: score(), result: score() } },
        });
        expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
        d.rated = true;
        actions++;
        continue;
      }
      const d = pick(open);
      const c = d.crew;
      const x = rnd();
      switch (d.status) {
        case 'submitted':
          if (x < 0.85) await act(d, c.receiving, { action: 'receive' });
          else if (x < 0.95) await act(d, c.receiving, { action: 'refuse', reason: 'Hồ sơ không thuộc thẩm quyền' });
          else await act(d, d.owner!, { action: 'withdraw' });
          break;
        case 'received':
          if (x < 0.9) await act(d, c.leader, { action: 'assign', assignee: c.specialistName });
          else if (x < 0.95) await act(d, c.receiving, { action: 'refuse', reason: 'Hồ sơ không hợp lệ sau khi tiếp nhận' });
          else await act(d, c.leader, { action: 'stop', reason: 'Người nộp đề nghị dừng' });
          break;
        case 'processing':
          if (x < 0.75) await act(d, c.specialist, { action: 'propose' });
          else if (x < 0.9 && !d.supplementRequested) {
            await act(d, c.specialist, { action: 'request_supplement', items: [{ reason: 'Thiếu bản sao giấy phép' }] });
            d.supplementRequested = true;
          } else await act(d, c.specialist, { action: 'propose' });
          break;
        case 'awaiting_supplement': {
          const upload = await uploadPdf(t, c.receiving, 'bo-sung.pdf');
          await act(d, c.receiving, { action: 'supplement', components: [{ code: 'T-01', uploadId: upload }] });
          break;
        }
        case 'proposed':
          if (x < 0.85) await act(d, c.signer, { action: 'approve' });
          else await act(d, c.signer, { action: 'send_back', reason: 'Cần thẩm định lại' });
          break;
        case 'approved':
          // Most results are issued electronically (the results register) before they are handed over.
          if (x < 0.7) await issueResult(t, d.code, d.crew.procedure, d.crew === crews[0] ? HN : HCM);
          await act(d, c.receiving, { action: 'return' });
          break;
        default:
          throw new Error(`unexpected status ${d.status}`);
      }
    }
    today = new Date(now + 7 * 3600_000).toISOString().slice(0, 10);
  }, 900_000);

  afterAll(async () => {
    if (t) t.ctx.config.clockOffsetMs = 0;
    await t?.close();
  });

  const scopes = [
    { name: 'the ministry', query: '', units: null as string[] | null, procedure: null as string | null },
    { name: 'a unit', query: `&unit=${HN}`, units: [HN], procedure: null },
    { name: 'a procedure', query: `&procedure=${HCM_PROCEDURE.code}`, units: null, procedure: HCM_PROCEDURE.code },
  ];
  const periods = [
    ['2026-08-01', '2026-09-30'],
    ['2026-07-01', '2027-06-30'],
  ];

  for (const s of scopes) {
    for (const [from, to] of periods) {
      it(`equals SQL written from the definitions, for ${s.name}, ${from} to ${to}`, async () => {
        const r = await api<IndicatorReport>(t, 'GET', `/api/v1/indicators?from=${from}&to=${to}${s.query}`, { token: admin });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        const want = await expected(t, { from, to, today, units: s.units, procedure: s.procedure });
        const got = Object.fromEntries(r.body.groups.flatMap((g) => g.indicators.map((i) => [i.key, [i.numerator, i.denominator]])));
        expect(got).toEqual(want);
        // The data set is not trivial: dossiers received, returned on time and late, in progress, rated.
        if (to > '2027') {
          expect(want.online_filing[1]).toBeGreaterThan(50);
          expect(want.dossiers_published[0]).toBeGreaterThan(0);
          expect(want.dossiers_published[0]).toBeLessThan(want.dossiers_published[1]);
          expect(want.returned_on_time[1]).toBeGreaterThan(want.returned_on_time[0]);
          expect(want.returned_on_time[0]).toBeGreaterThan(0);
          expect(want.electronic_results[0]).toBeGreaterThan(0);
          expect(want.fully_digitised[0]).toBeGreaterThan(0);
          if (!s.units) expect(want.satisfied_ratings[1]).toBeGreaterThan(0);
        }
        for (const g of r.body.groups) {
          for (const i of g.indicators) {
            const expectedScore = i.denominator ? Math.min(i.max, ((i.numerator / i.denominator) * i.max) / i.threshold) : i.max;
            expect(i.score).toBeCloseTo(expectedScore, 2);
          }
          expect(g.score).toBeCloseTo(
            g.indicators.reduce((n, i) => n + i.score, 0),
            2,
          );
          expect(g.score).toBeLessThanOrEqual(g.weight);
        }
        expect(r.body.total).toBeCloseTo(
          r.body.groups.reduce((n, g) => n + g.score, 0),
          2,
        );
      });
    }
  }

  it("a leader reads the units they lead, and no other unit's", async () => {
    const leader = await login(t, 'lanhdao');
    const mine = await api<IndicatorReport>(t, 'GET', '/api/v1/indicators?from=2026-07-01&to=2027-06-30', { token: leader });
    const unit = await api<IndicatorReport>(t, 'GET', `/api/v1/indicators?from=2026-07-01&to=2027-06-30&unit=${HN}`, { token: admin });
    expect(mine.status).toBe(200);
    expect(mine.body.groups).toEqual(unit.body.groups);
    const other = await api(t, 'GET', `/api/v1/indicators?from=2026-07-01&to=2027-06-30&unit=${HCM}`, { token: leader });
    expect(other.status).toBe(404);
    const specialist = await login(t, 'chuyenvien');
    expect((await api(t, 'GET', '/api/v1/indicators?from=2026-07-01&to=2027-06-30', { token: specialist })).status).toBe(403);
    const bad = await api<{ error: { details: { path: string; message: string }[] } }>(t, 'GET', '/api/v1/indicators?from=2026-09-31&to=2026-01-01', {
      token: admin,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.path)).toContain('querystring.from');
  });

  it("the dashboard's series (month by month, unit by unit) equal the index asked for each month and each unit", async () => {
    const auditor: Principal = { kind: 'staff', id: 'kiemtra', username: 'kiemtra', name: 'Kiểm tra', roles: [{ role: 'auditor', unitId: '000.00.00.G12' }] };
    const months = ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12'];
    const q = { from: '2026-07-01', to: today < '2026-12-31' ? today : '2026-12-31' };
    const series = await computeIndicatorSeries(t.ctx, q, auditor, { months });
    expect(series.map((s) => s.key)).toEqual(months.filter((m) => `${m}-01` <= q.to));
    expect(series.length).toBeGreaterThan(2);
    for (const s of series) {
      const one = await api<IndicatorReport>(t, 'GET', `/api/v1/indicators?from=${s.report.from}&to=${s.report.to}`, { token: admin });
      expect(s.report).toEqual(one.body);
    }
    const units = ['000.05.00.G12', HN, HCM];
    const byUnit = await computeIndicatorSeries(t.ctx, { from: '2026-07-01', to: '2027-06-30', procedure: LIGHT_PROCEDURE.code }, auditor, { units });
    expect(byUnit.map((s) => s.key)).toEqual(units);
    for (const s of byUnit) {
      const one = await api<IndicatorReport>(t, 'GET', `/api/v1/indicators?from=2026-07-01&to=2027-06-30&procedure=${LIGHT_PROCEDURE.code}&unit=${s.key}`, {
        token: admin,
      });
      expect(s.report).toEqual(one.body);
    }
    // The department holds both regional offices: its figures are theirs together.
    expect(byUnit[0].report.groups[1].indicators[0].denominator).toBe(
      byUnit[1].report.groups[1].indicators[0].denominator + byUnit[2].report.groups[1].indicators[0].denominator,
    );
  });

  it('a rebuild from the logs agrees with the incremental counts', async () => {
    const check = await api<{ dossiers: number; differences: unknown[] }>(t, 'POST', '/api/v1/indicators/rebuild', { token: admin, body: { check: true } });
    expect(check.status, JSON.stringify(check.body)).toBe(200);
    expect(check.body.dossiers).toBeGreaterThan(100);
    expect(check.body.differences).toEqual([]);
    const before = await api<IndicatorReport>(t, 'GET', '/api/v1/indicators?from=2026-07-01&to=2027-06-30', { token: admin });
    const rebuilt = await api(t, 'POST', '/api/v1/indicators/rebuild', { token: admin, body: {} });
    expect(rebuilt.status).toBe(200);
    const after = await api<IndicatorReport>(t, 'GET', '/api/v1/indicators?from=2026-07-01&to=2027-06-30', { token: admin });
    expect(after.body).toEqual(before.body);
  });

  it('a check finds a count that was tampered with', async () => {
    await sql`update indicator_unit_days set received = received + 1 where ctid = (select ctid from indicator_unit_days limit 1)`.execute(t.ctx.database.db);
    const check = await api<{ differences: { table: string; counter: string }[] }>(t, 'POST', '/api/v1/indicators/rebuild', {
      token: admin,
      body: { check: true },
    });
    expect(check.body.differences).toEqual([expect.objectContaining({ table: 'indicator_unit_days', counter: 'received' })]);
    await api(t, 'POST', '/api/v1/indicators/rebuild', { token: admin, body: {} });
  });
});

/** A result in the results register, recorded by the results module's own operation (what signing does once the PDF is sealed). */
async function issueResult(t: TestApp, dossierCode: string, procedureCode: string, unit: string) {
  const pdf = await samplePdf();
  await t.ctx.database.db.transaction().execute((tx) =>
    recordResult(
      t.ctx,
      tx,
      {
        dossierCode,
        procedureCode,
        documentName: 'Giấy xác nhận thử nghiệm',
        kind: 'certificate',
        number: `${dossierCode.slice(-4)}/GXN`,
        issuerUnit: unit,
        issuerName: 'Cục Xuất nhập khẩu',
        holder: { name: 'Công ty TNHH Thử Nghiệm', identifier: '0101234567' },
      },
      pdf,
      'staff:ky',
    ),
  );
}

/**
 * Every indicator's numerator and denominator, from the dossiers, their ratings and the
 * catalogue, written from the definitions in the issue and INTEGRATIONS.md §5.
 */
async function expected(t: TestApp, q: { from: string; to: string; today: string; units: string[] | null; procedure: string | null }) {
  const end = [q.to, q.today].sort()[0];
  const unitCond = q.units ? sql`and d.receiving_unit in (${sql.join(q.units)})` : sql``;
  const procCond = q.procedure ? sql`and d.procedure_code = ${q.procedure}` : sql``;
  const vn = (c: string) => sql`(${sql.ref(c)} at time zone 'Asia/Ho_Chi_Minh')::date`;
  const inPeriod = (c: string) => sql`${vn(c)} between ${q.from}::date and ${q.to}::date`;
  const returnedIn = sql`d.status = 'returned' and ${inPeriod('d.finished_at')}`;
  // Returned by the due moment; a limit in days is due at the last millisecond of its day.
  const onTime = sql`(d.due_at is null or d.finished_at <= d.due_at)`;
  // Overdue at the end of the day `end`: its due moment before that day's last millisecond.
  const endLastMs = sql`((${end}::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh') - interval '1 millisecond'`;
  const { rows } = await sql<Record<string, string>>`
    select
      count(*) filter (where d.received_at is not null and ${inPeriod('d.received_at')}) as received,
      count(*) filter (where d.received_at is not null and ${inPeriod('d.received_at')} and d.channel = 2) as received_online,
      count(*) filter (where d.received_at is not null and ${inPeriod('d.received_at')}
                         and exists (select 1 from national_portal_published p where p.dossier_code = d.code)) as published,
      count(*) filter (where ${returnedIn}) as returned,
      count(*) filter (where ${returnedIn} and ${onTime}) as returned_on_time,
      count(*) filter (where d.received_at is not null and ${vn('d.received_at')} <= ${end}::date
                         and (d.finished_at is null or ${vn('d.finished_at')} > ${end}::date)) as in_progress,
      count(*) filter (where d.received_at is not null and ${vn('d.received_at')} <= ${end}::date
                         and (d.finished_at is null or ${vn('d.finished_at')} > ${end}::date)
                         and d.status not in ('awaiting_supplement', 'awaiting_fee') and d.due_at < ${endLastMs}) as overdue,
      count(*) filter (where ${returnedIn} and (coalesce((d.state->>'feePaid')::numeric, 0) > 0 or jsonb_typeof(d.state->'feeDue') = 'object')) as fee_bearing,
      count(*) filter (where ${returnedIn} and (coalesce((d.state->>'feePaid')::numeric, 0) > 0 or jsonb_typeof(d.state->'feeDue') = 'object')
                         and (d.state->>'feePaidOnline')::boolean) as paid_online,
      count(*) filter (where ${returnedIn} and d.channel in (1, 3)) as paper,
      count(*) filter (where ${returnedIn} and d.channel in (1, 3) and exists (
        select 1 from digitised_items i where i.dossier_code = d.code and i.kind = 'component' and i.confirmed_at is not null)) as paper_digitised,
      count(*) filter (where ${returnedIn} and exists (select 1 from results r where r.dossier_code = d.code and r.kind <> 'certified_copy')) as electronic,
      count(*) filter (where ${returnedIn} and exists (select 1 from results r where r.dossier_code = d.code and r.kind <> 'certified_copy')
                         and (d.channel = 2 or exists (
                           select 1 from digitised_items i where i.dossier_code = d.code and i.kind = 'component' and i.confirmed_at is not null))) as fully,
      count(*) filter (where ${returnedIn} and exists (select 1 from dossier_components c where c.dossier_id = d.id and c.reused)) as reused
    from dossiers d
    where true ${unitCond} ${procCond}`.execute(t.ctx.database.db);
  const c = Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  const ratings = await sql<{ level: number; n: string }>`
    select floor((s.t + s.a + s.g + s.r) / 4.0 + 0.5)::int as level, count(*) as n
    from (select (r.scores->>'timeliness')::int t, (r.scores->>'attitude')::int a, (r.scores->>'guidance')::int g, (r.scores->>'result')::int r, r.rated_at, d.receiving_unit, d.procedure_code
          from dossier_ratings r join dossiers d on d.id = r.dossier_id) s
    where ${vn('s.rated_at')} between ${q.from}::date and ${q.to}::date
      ${q.units ? sql`and s.receiving_unit in (${sql.join(q.units)})` : sql``}
      ${q.procedure ? sql`and s.procedure_code = ${q.procedure}` : sql``}
    group by 1`.execute(t.ctx.database.db);
  const rated = ratings.rows.reduce((n, r) => n + Number(r.n), 0);
  const dissatisfied = ratings.rows.filter((r) => r.level <= 2).reduce((n, r) => n + Number(r.n), 0);
  const procCatalogue = q.procedure ? sql`and v.procedure_code = ${q.procedure}` : sql``;
  const cat = await sql<Record<string, string>>`
    select
      count(*) filter (where ${inPeriod('v.effective_from')}) as effective,
      count(*) filter (where ${inPeriod('v.effective_from')} and ${vn('v.created_at')} <= ${vn('v.effective_from')}) as published_on_time,
      count(*) filter (where ${vn('v.effective_from')} <= ${q.to}::date and (v.effective_to is null or ${vn('v.effective_to')} > ${q.to}::date)) as in_force,
      count(*) filter (where ${vn('v.effective_from')} <= ${q.to}::date and (v.effective_to is null or ${vn('v.effective_to')} > ${q.to}::date) and v.level = 'full') as full_online
    from procedure_versions v where true ${procCatalogue}`.execute(t.ctx.database.db);
  const k = Object.fromEntries(Object.entries(cat.rows[0]).map(([x, v]) => [x, Number(v)]));
  return {
    procedures_published_on_time: [k.published_on_time, k.effective],
    dossiers_published: [c.published, c.received],
    feedback_on_time: [0, 0],
    progress_on_time: [c.returned_on_time + c.in_progress - c.overdue, c.returned + c.in_progress],
    online_filing: [c.received_online, c.received],
    online_payment: [c.paid_online, c.fee_bearing],
    full_online_procedures: [k.full_online, k.in_force],
    satisfied_ratings: [rated - dissatisfied, rated],
    returned_on_time: [c.returned_on_time, c.returned],
    electronic_results: [c.electronic, c.returned],
    paper_digitised: [c.paper_digitised, c.paper],
    fully_digitised: [c.fully, c.returned],
    data_reused: [c.reused, c.returned],
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../platform/outbox/index.ts';
import { api, login, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { act } from '../../../test/dossier-fixtures.ts';

/**
 * Issue 16 item 2, acceptance: a dossier pushed in by the portal simulator is filed, received and
 * tracked like any other, and its statuses flow back under the portal's code. The simulator pushes
 * with the demo's service account (scope national-portal:push), as the real portal does.
 */

interface Delivery {
  status: number | null;
  body: { code?: string; nationalCode?: string; created?: boolean; error?: { code: string; message: string; messageEn: string; details?: { path: string }[] } };
  lost?: boolean;
}
interface Pushed {
  nationalCode: string;
  deliveries: Delivery[];
  final: Delivery;
}

let t: TestApp;
const push = (body: Record<string, unknown> = {}) => api<Pushed>(t, 'POST', '/simulators/dvcqg/push', { body });
const count = async (table: 'dossiers' | 'uploads') =>
  Number(
    (
      await t.ctx.database.db
        .selectFrom(table)
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('a dossier filed on the National Public Service Portal', () => {
  it('is filed, received at the desk, tracked publicly, and its statuses reach the portal under its code', async () => {
    const r = await push();
    expect(r.status).toBe(200);
    expect(r.body.deliveries).toHaveLength(1);
    expect(r.body.final.status).toBe(201);
    const code = r.body.final.body.code!;
    expect(code).toMatch(/^000\.01\.01\.G12-\d{6}-\d{4}$/);
    expect(r.body.final.body).toEqual({ code, nationalCode: r.body.nationalCode, created: true });

    // Like any online filing: submitted, channel 2, its two files attached after their check by content.
    const desk = await login(t, 'tiepnhan');
    const view = await api<{
      status: string;
      channel: number;
      nationalCode: string | null;
      applicant: { name: string; identifier: string };
      components: { code: string | null }[];
    }>(t, 'GET', `/api/v1/dossiers/${code}`, { token: desk });
    expect(view.status).toBe(200);
    expect(view.body.status).toBe('submitted');
    expect(view.body.channel).toBe(2);
    expect(view.body.nationalCode).toBe(r.body.nationalCode);
    expect(view.body.applicant).toMatchObject({ name: 'Trần Văn Minh', identifier: '001089012345' });
    expect(view.body.components.map((c) => c.code)).toEqual(['000.00.00.G12-HS002301', '000.00.00.G12-HS002302']);

    // The portal's code and the applicant's national account are kept on the dossier.
    const row = await t.ctx.database.db.selectFrom('dossiers').select(['national_code', 'national_tech_id']).where('code', '=', code).executeTakeFirstOrThrow();
    expect(row.national_code).toBe(r.body.nationalCode);
    expect(row.national_tech_id).toMatch(/^[0-9a-f]{32}$/);

    // The national measuring system (EMC) is told it came from the national portal.
    const emc = await t.ctx.database.db.selectFrom('outbox_messages').select('payload').where('adapter', '=', 'emc').where('key', '=', code).execute();
    expect(emc.map((m) => (m.payload as { IsFromDVCQG: number }).IsFromDVCQG)).toEqual([1]);

    // The desk's page says where it was filed.
    const page = await fetch(`${t.base}/can-bo/ho-so/${code}`, { headers: { authorization: `Bearer ${desk}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(r.body.nationalCode);

    // Received by the desk like any other, and tracked publicly.
    const received = await act(t, desk, code, { action: 'receive' });
    expect(received.status).toBe(200);
    expect(received.body.status).toBe('received');
    const tracked = await api<{ status: string; nationalStatus: number }>(t, 'GET', `/api/v1/public/dossiers/${code}`);
    expect(tracked.body).toMatchObject({ status: 'received', nationalStatus: 2 });

    // The statuses flow back: the portal holds the dossier under its own code, received (2), with the steps.
    // A run sends the oldest waiting message of each dossier: run until nothing is left.
    const runs = [];
    for (let i = 0; i < 10; i++) {
      const run = await deliverOutbox(t.ctx, 'national-portal', { now: 'ignore-backoff' });
      runs.push(run);
      if (!run.sent) break;
    }
    expect(runs.reduce((n, r) => n + r.failed + r.dead, 0)).toBe(0);
    const held = await api<{ record: Record<string, unknown> | null; progress: Record<string, unknown>[] }>(
      t,
      'GET',
      `/simulators/dvcqg/received?dossier=${encodeURIComponent(r.body.nationalCode)}`,
    );
    expect(held.body.record).toMatchObject({ MaHoSo: r.body.nationalCode, MaTTHC: '1.010815', KenhThucHien: '2', TrangThaiHoSo: '2' });
    expect(held.body.progress.map((s) => s.TrangThai)).toEqual(['1', '2']);
    // Nothing under our own code: the portal knows the dossier by its.
    const ours = await api<{ record: unknown }>(t, 'GET', `/simulators/dvcqg/received?dossier=${code}`);
    expect(ours.body.record).toBeNull();
  });

  it('delivered twice at once and again after, files one dossier and answers each delivery with its code', async () => {
    const before = await count('dossiers');
    const r = await push({ fault: 'duplicate' });
    expect(r.body.deliveries).toHaveLength(3);
    const codes = new Set(r.body.deliveries.map((d) => d.body.code));
    expect(codes.size).toBe(1);
    expect(r.body.deliveries.map((d) => d.status).sort()).toEqual([200, 200, 201]);
    expect(r.body.deliveries.filter((d) => d.body.created)).toHaveLength(1);
    expect(await count('dossiers')).toBe(before + 1);
  });

  it('whose first answer was lost (the portal timed out) is not filed again when the portal delivers it again', async () => {
    const before = await count('dossiers');
    const r = await push({ fault: 'timeout' });
    expect(r.body.deliveries[0]).toMatchObject({ status: 201, lost: true });
    expect(r.body.final.status).toBe(200);
    expect(r.body.final.body).toMatchObject({ code: r.body.deliveries[0].body.code, created: false });
    expect(await count('dossiers')).toBe(before + 1);
  });

  it('malformed: 400 naming each field in both languages, and nothing stored', async () => {
    const [dossiers, uploads] = [await count('dossiers'), await count('uploads')];
    const r = await push({ override: { MaTTHC: '', NgayNopHoSo: '07/12/2026', SoGiayToChuHoSo: 'abc' } });
    expect(r.body.final.status).toBe(400);
    const e = r.body.final.body.error!;
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).not.toBe(e.messageEn);
    expect(e.details!.map((d) => d.path).sort()).toEqual(['body.MaTTHC', 'body.NgayNopHoSo', 'body.SoGiayToChuHoSo']);
    expect([await count('dossiers'), await count('uploads')]).toEqual([dossiers, uploads]);
  });

  it('for a procedure we do not have, or with an e-form that does not fit: 400 naming the field, no file fetched', async () => {
    const uploads = await count('uploads');
    const none = await push({ procedureCode: '9.999999', files: [{ name: 'a.pdf' }] });
    expect(none.body.final.status).toBe(400);
    expect(none.body.final.body.error!.details!.map((d) => d.path)).toEqual(['body.MaTTHC']);
    const form = await push({ form: { tenDoanhNghiep: 'Công ty A' } });
    expect(form.body.final.status).toBe(400);
    expect(form.body.final.body.error!.details!.every((d) => d.path.startsWith('body.DuLieuBieuMau'))).toBe(true);
    expect(await count('uploads')).toBe(uploads);
  });

  it('refuses a file address outside the portal’s configured file server', async () => {
    const r = await push({
      override: {
        TaiLieuNop: [
          {
            TepDinhKemId: '1',
            TenTepDinhKem: 'x.pdf',
            MaThanhPhanHoSo: '000.00.00.G12-HS002301',
            DuongDanTaiTepTin: 'http://169.254.169.254/latest/meta-data',
            DuocSoHoa: '0',
            DuocTaiSuDung: '0',
            DuocLayTuKhoDMQG: '0',
            MaKetQuaThayThe: '',
          },
        ],
      },
    });
    expect(r.body.final.status).toBe(400);
    expect(r.body.final.body.error!.details!.map((d) => d.path)).toEqual(['body.TaiLieuNop[0].DuongDanTaiTepTin']);
  });

  it('refuses bodies that are not a record, and records with fields of the wrong kind, storing nothing', async () => {
    const token = await tokenFor(t, 'scope:national-portal:push');
    const before = await count('dossiers');
    const bodies: unknown[] = [
      [],
      'MaHoSo',
      { MaHoSo: '../../etc/passwd', MaTTHC: '1.010815', ChuHoSo: 'A B', SoGiayToChuHoSo: '001089012345', NgayNopHoSo: '20261207090000' },
      { MaHoSo: 'X-1', MaTTHC: '1.010815', ChuHoSo: 'A B', SoGiayToChuHoSo: '001089012345', NgayNopHoSo: '20261207090000', KenhThucHien: '1' },
      { MaHoSo: 'X-2', MaTTHC: '1.010815', ChuHoSo: 'A B', SoGiayToChuHoSo: '001089012345', NgayNopHoSo: '20261207090000', DuLieuBieuMau: '{not json' },
      {
        MaHoSo: 'X-3',
        MaTTHC: '1.010815',
        ChuHoSo: 'A B',
        SoGiayToChuHoSo: '001089012345',
        NgayNopHoSo: '20261207090000',
        TaiLieuNop: [{ TenTepDinhKem: 'a.pdf', DuongDanTaiTepTin: 'file:///etc/passwd' }],
      },
    ];
    const paths = [];
    for (const body of bodies) {
      const r = await api<{ error: { code: string; details?: { path: string }[] } }>(t, 'POST', '/api/v1/national-portal/dossiers', { token, body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      paths.push(r.body.error.details?.map((d) => d.path).join());
    }
    expect(paths.slice(2)).toEqual(['body.MaHoSo', 'body.KenhThucHien', 'body.DuLieuBieuMau', 'body.TaiLieuNop[0].DuongDanTaiTepTin']);
    expect(await count('dossiers')).toBe(before);
  });

  it('is pushed only by the portal: other systems and people are refused', async () => {
    for (const grant of ['scope:dossiers:write', 'citizen', 'receiving_officer'] as const) {
      const r = await api(t, 'POST', '/api/v1/national-portal/dossiers', { token: await tokenFor(t, grant), body: {} });
      expect(r.status).toBe(403);
    }
    expect((await api(t, 'POST', '/api/v1/national-portal/dossiers', { body: {} })).status).toBe(401);
  });
});

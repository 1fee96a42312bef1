import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { samplePdf } from '../../../test/dossier-fixtures.ts';
import { recordResult } from '../results/record-result.ts';

/**
 * Our data shared with another agency (issue 16 item 5) on the demo with its dossiers: the first
 * demo citizen's dossiers and results, for a system holding the sharing scope, nothing of what
 * the applicant wrote, every call audited.
 */
let t: TestApp;
let agency: string;
const MINH = { identifier: '001089012345', name: 'Trần Văn Minh', phone: '0912345678', email: 'minh.tran@example.vn' };

type Shared = {
  holder: string;
  dossiers: { code: string; procedureCode: string; status: string; nationalStatus: number; submittedAt: string }[];
  results: { resultCode: string; dossierCode: string | null; issueDate: string; status: string }[];
};

beforeAll(async () => {
  t = await startTestApp({ demoDossiers: true });
  agency = await tokenFor(t, 'scope:sharing:dossiers');
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/shared/dossiers', () => {
  it("gives an agency with a sharing agreement a holder's dossiers and results, and nothing the applicant wrote", async () => {
    const r = await api<Shared>(t, 'GET', `/api/v1/shared/dossiers?holder=${MINH.identifier}`, { token: agency });
    expect(r.status).toBe(200);
    expect(r.body.holder).toBe(MINH.identifier);
    expect(r.body.dossiers.length).toBeGreaterThan(0);
    for (const d of r.body.dossiers) expect(d.code).toMatch(/^\d{3}\.\d{2}\.\d{2}\.G12-\d{6}-\d{4}$/);
    // Newest first.
    const filed = r.body.dossiers.map((d) => d.submittedAt);
    expect(filed).toEqual([...filed].sort().reverse());
    // A result issued to them on one of their dossiers is shared with its code, name, issuer and date.
    const d = r.body.dossiers[0];
    const issued = await t.ctx.database.db.transaction().execute(async (tx) =>
      recordResult(
        t.ctx,
        tx,
        {
          dossierCode: d.code,
          procedureCode: d.procedureCode,
          documentName: 'Giấy phép kinh doanh',
          kind: 'certificate',
          number: '77/GP-TEST',
          issuerUnit: '000.05.00.G12',
          issuerName: 'Cục Xuất nhập khẩu',
          holder: { name: MINH.name, identifier: MINH.identifier },
        },
        await samplePdf(),
        'staff:ky',
      ),
    );
    const again = await api<Shared>(t, 'GET', `/api/v1/shared/dossiers?holder=${MINH.identifier}`, { token: agency });
    expect(again.body.results).toContainEqual({
      resultCode: issued.resultCode,
      dossierCode: d.code,
      procedureCode: d.procedureCode,
      documentName: 'Giấy phép kinh doanh',
      number: '77/GP-TEST',
      kind: 'certificate',
      issuerUnit: '000.05.00.G12',
      issuer: 'Cục Xuất nhập khẩu',
      issueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      validUntil: null,
      status: 'valid',
    });
    const codes = new Set(again.body.dossiers.map((x) => x.code));
    for (const x of again.body.results) if (x.dossierCode) expect(codes.has(x.dossierCode)).toBe(true);
    const text = JSON.stringify(again.body);
    for (const personal of [MINH.name, MINH.phone, MINH.email, 'Hàng Bài']) expect(text).not.toContain(personal);
    expect(text).not.toMatch(/"(form|applicant|components)"/);
  });

  it('audits every call: which system asked about which holder', async () => {
    await api(t, 'GET', `/api/v1/shared/dossiers?holder=0101234565-001`, { token: agency });
    const trail = await api<{ actor: string; target: string; data: { dossiers: number } }[]>(t, 'GET', '/api/v1/audit?action=data_sharing.holder', {
      token: await tokenFor(t, 'auditor'),
    });
    expect(trail.body.map((e) => [e.actor, e.target])).toEqual([
      ['service:test-client-sharing-dossiers', 'holder:0101234565001'],
      ['service:test-client-sharing-dossiers', `holder:${MINH.identifier}`],
      ['service:test-client-sharing-dossiers', `holder:${MINH.identifier}`],
    ]);
  });

  it('needs the sharing scope, and a holder that is an ID number or a tax code', async () => {
    const url = `/api/v1/shared/dossiers?holder=${MINH.identifier}`;
    expect((await api(t, 'GET', url)).status).toBe(401);
    for (const grant of ['scope:dossiers:read', 'citizen', 'administrator'] as const)
      expect((await api(t, 'GET', url, { token: await tokenFor(t, grant) })).status, grant).toBe(403);
    const bad = await api<{ error: { code: string } }>(t, 'GET', '/api/v1/shared/dossiers?holder=Tr%E1%BA%A7n', { token: agency });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestApp, tokenFor, type TestApp } from '../../../test/helpers.ts';
import { citizenToken, fileOnline, FORM, importTestProcedures, LIGHT_PROCEDURE, type View } from '../../../test/dossier-fixtures.ts';

/**
 * An Idempotency-Key belongs to the caller who sent it. Keys are chosen by clients (often a
 * counter or a timestamp), so two people can send the same one; if keys were looked up across
 * callers, the second would be handed the first one's dossier (its code, and through it the
 * first applicant's data) or refused with a conflict for a body they never sent.
 */

let t: TestApp;
let an: string;
let binh: string;
const KEY = 'shared-key-0001';

beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  an = await citizenToken(t, '20000000-0000-4000-8000-00000000000a', 'Nguyễn Văn An', '001085000001');
  binh = await citizenToken(t, '20000000-0000-4000-8000-00000000000b', 'Trần Thị Bình', '001190000002');
});
afterAll(() => t?.close());

async function applicantOf(code: string): Promise<string> {
  const row = await t.ctx.database.db.selectFrom('dossiers').select('applicant').where('code', '=', code).executeTakeFirstOrThrow();
  return ((typeof row.applicant === 'string' ? JSON.parse(row.applicant) : row.applicant) as { name: string }).name;
}

describe('the same Idempotency-Key from two callers', () => {
  it("files a dossier of its own for each, with the same body, and each retry returns the caller's own", async () => {
    const first = await fileOnline(t, an, { procedure: LIGHT_PROCEDURE.code, key: KEY });
    const second = await fileOnline(t, binh, { procedure: LIGHT_PROCEDURE.code, key: KEY });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.code).not.toBe(first.body.code);
    expect(await applicantOf(first.body.code)).toBe('Nguyễn Văn An');
    expect(await applicantOf(second.body.code)).toBe('Trần Thị Bình');

    const againAn = await fileOnline(t, an, { procedure: LIGHT_PROCEDURE.code, key: KEY });
    const againBinh = await fileOnline(t, binh, { procedure: LIGHT_PROCEDURE.code, key: KEY });
    expect([againAn.status, againAn.body.code]).toEqual([200, first.body.code]);
    expect([againBinh.status, againBinh.body.code]).toEqual([200, second.body.code]);
    // Neither learns of the other's dossier.
    expect((await api(t, 'GET', `/api/v1/dossiers/${first.body.code}`, { token: binh })).status).toBe(404);
    expect((await api(t, 'GET', `/api/v1/dossiers/${second.body.code}`, { token: an })).status).toBe(404);
  });

  it('is no conflict when another caller sent the key with a different body', async () => {
    const key = 'shared-key-0002';
    const first = await fileOnline(t, an, { procedure: LIGHT_PROCEDURE.code, key });
    const other = await fileOnline(t, binh, { procedure: LIGHT_PROCEDURE.code, key, form: { ...FORM, tenDoanhNghiep: 'Công ty TNHH Bình Minh' } });
    expect(first.status).toBe(201);
    expect(other.status).toBe(201);
    expect(other.body.code).not.toBe(first.body.code);
    // The key still guards the first caller's own retries.
    const changed = await fileOnline(t, an, { procedure: LIGHT_PROCEDURE.code, key, form: { ...FORM, tenDoanhNghiep: 'Công ty TNHH Bình Minh' } });
    expect([changed.status, changed.body.error?.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it("keeps the national portal's key apart from a citizen's, and from another service account's", async () => {
    const key = 'shared-key-0003';
    const body = { procedureCode: LIGHT_PROCEDURE.code, channel: 2, form: FORM, applicant: { name: 'Phạm Thị Hồng Nhung', identifier: '031303007821' } };
    const citizen = await fileOnline(t, an, { procedure: LIGHT_PROCEDURE.code, key });
    const portal = await api<View>(t, 'POST', '/api/v1/dossiers', {
      token: await tokenFor(t, 'scope:dossiers:write'),
      headers: { 'idempotency-key': key },
      body,
    });
    const otherService = await t.ctx.database.db
      .insertInto('service_accounts')
      .values({ client_id: 'test-client-other-portal', name: 'Cổng dịch vụ công tỉnh', secret_hash: 'no-secret:test-account', scopes: ['dossiers:write'] })
      .returning('client_id')
      .executeTakeFirstOrThrow();
    const province = await api<View>(t, 'POST', '/api/v1/dossiers', {
      token: await t.ctx.tokens.issue({ kind: 'service', clientId: otherService.client_id, name: 'Cổng dịch vụ công tỉnh', scopes: ['dossiers:write'] }),
      headers: { 'idempotency-key': key },
      body,
    });
    expect([citizen.status, portal.status, province.status]).toEqual([201, 201, 201]);
    expect(new Set([citizen.body.code, portal.body.code, province.body.code]).size).toBe(3);
    const rows = await t.ctx.database.db.selectFrom('dossiers').select(['idempotency_owner']).where('idempotency_key', '=', key).execute();
    expect(rows).toHaveLength(3);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { act, citizenToken, fileOnline, importTestProcedures, LIGHT_PROCEDURE } from '../../../test/dossier-fixtures.ts';

type Err = { error?: { code: string } };
type Ratings = { ratings: { code: string; scores: Record<string, number>; comment: string | null }[] };

let t: TestApp;
let owner: string;
let other: string;
beforeAll(async () => {
  t = await startTestApp();
  await importTestProcedures(t);
  owner = await citizenToken(t, '60000000-0000-4000-8000-000000000001');
  other = await citizenToken(t, '60000000-0000-4000-8000-000000000002', 'Lê Thị Hạnh', '001190000222');
});
afterAll(() => t?.close());

const FIRST = { scores: { timeliness: 5, attitude: 4, guidance: 5, result: 3 }, comment: 'Nhanh, đúng hẹn' };
const rate = (token: string, code: string, body: typeof FIRST) => api<Err>(t, 'POST', `/api/v1/dossiers/${code}/rating`, { token, body });

describe('rating a dossier', () => {
  it('only once it is finished, only by its applicant, and only once', async () => {
    const code = (await fileOnline(t, owner, { procedure: LIGHT_PROCEDURE.code })).body.code;

    const early = await rate(owner, code, FIRST);
    expect([early.status, early.body.error?.code]).toEqual([409, 'DOSSIER_NOT_FINISHED']);

    expect((await act(t, owner, code, { action: 'withdraw', reason: 'Nộp nhầm thủ tục' })).status).toBe(200);
    const stranger = await rate(other, code, FIRST);
    expect([stranger.status, stranger.body.error?.code]).toEqual([404, 'NOT_FOUND']);
    expect((await rate(owner, code, FIRST)).status).toBe(204);

    const again = await rate(owner, code, { scores: { timeliness: 1, attitude: 1, guidance: 1, result: 1 }, comment: 'Đổi ý' });
    expect([again.status, again.body.error?.code]).toEqual([409, 'ALREADY_RATED']);

    // The first rating stands, as the receiving unit reads it.
    const seen = await api<Ratings>(t, 'GET', '/api/v1/ratings', { token: await login(t, 'tiepnhan.xnk') });
    expect(seen.body.ratings.filter((r) => r.code === code)).toEqual([{ code, procedureName: LIGHT_PROCEDURE.name, ...FIRST, ratedAt: expect.any(String) }]);
  });
});

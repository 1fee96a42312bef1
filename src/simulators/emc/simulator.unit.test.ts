import { describe, expect, it } from 'vitest';
import { createEmcSimulator, eventProblem } from './simulator.ts';

const EVENT = {
  CodeProfile: 'X-261207-0001',
  SiteId: 'S1',
  CodeTTHC: '1.004503',
  NameTTHC: 'Thủ tục',
  Status: 1,
  FormsReception: 1,
  FormsPayments: 0,
  Level: 3,
  IsFromDVCQG: 0,
  IsDVCBC: 0,
  User: { ID_local: '', ID_QG: '', TYPE: 1, LOCATION: '' },
};

describe('the EMC simulator', () => {
  it('accepts a well-formed event of its site with its token, and keeps it', async () => {
    const sim = createEmcSimulator({ siteId: 'S1', token: 'secret-token' });
    expect(await sim.receive('secret-token', EVENT)).toEqual({ status: 204 });
    expect(sim.events('X-261207-0001')).toHaveLength(1);
  });

  it('refuses another token and a malformed event (400), and fails the next N when told (500)', async () => {
    const sim = createEmcSimulator({ siteId: 'S1', token: 'secret-token' });
    expect(await sim.receive('other', EVENT)).toEqual({ status: 400, error: 'unknown site token' });
    expect((await sim.receive('secret-token', { ...EVENT, Status: 9 })).status).toBe(400);
    sim.setFaults({ failNext: 2, status: 503 });
    expect((await sim.receive('secret-token', EVENT)).status).toBe(503);
    expect((await sim.receive('secret-token', EVENT)).status).toBe(503);
    expect((await sim.receive('secret-token', EVENT)).status).toBe(204);
    expect(sim.events()).toHaveLength(1);
  });

  it.each([
    [{ ...EVENT, CodeProfile: '' }, 'CodeProfile: must not be empty'],
    [{ ...EVENT, SiteId: 'S2' }, 'SiteId: not this site'],
    [{ ...EVENT, FormsPayments: '1' }, 'FormsPayments: must be one of 0, 1, 2'],
    [{ ...EVENT, Other: 1 }, 'Other: unknown field'],
    [{ ...EVENT, User: { ...EVENT.User, TYPE: 3 } }, 'User.TYPE: must be one of 1, 2'],
    [{ ...EVENT, User: undefined }, 'User: must be an object'],
    [[], 'the body must be a JSON object'],
  ])('names what is wrong: %j', (body, problem) => {
    expect(eventProblem(body, 'S1')).toBe(problem);
  });
});

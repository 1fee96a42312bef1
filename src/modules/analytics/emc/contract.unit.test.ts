import { describe, expect, it } from 'vitest';
import { EmcEventSchema, emcStatus, toEmcEvent, type DossierEventFacts } from './contract.ts';

const FACTS: DossierEventFacts = {
  dossierCode: '000.05.01.G12-261207-0001',
  procedureCode: '1.004503',
  procedureName: 'Cấp giấy phép thử nghiệm',
  nationalStatus: 2,
  action: 'receive',
  channel: 2,
  paidOnline: false,
  feeBearing: false,
  seq: 2,
  ownerCitizenId: '60000000-0000-4000-8000-000000000001',
  applicantIdentifier: '001089012345',
  applicantKind: 'citizen',
  level: 'full',
  location: '000.05.01.G12',
};

describe('EMC status', () => {
  it.each([
    [1, 'submit', 0],
    [2, 'receive', 1],
    [3, 'refuse', 0],
    [4, 'assign', 4],
    [4, 'reassign', 4],
    [4, 'propose', 2],
    [5, 'request_supplement', 2],
    [6, 'request_fee', 2],
    [7, 'withdraw', 0],
    [8, 'stop', 0],
    [9, 'approve', 2],
    [10, 'return', 3],
  ])('national status %i after %s → EMC %i', (national, action, emc) => {
    expect(emcStatus(national, action)).toBe(emc);
  });
});

describe('toEmcEvent', () => {
  it('writes every field EMC reads, with its codes', () => {
    const e = toEmcEvent(FACTS, 'congso-demo');
    expect(e).toEqual({
      CodeProfile: '000.05.01.G12-261207-0001',
      SiteId: 'congso-demo',
      CodeTTHC: '1.004503',
      NameTTHC: 'Cấp giấy phép thử nghiệm',
      Status: 1,
      FormsReception: 1,
      FormsPayments: 0,
      Level: 4,
      IsFromDVCQG: 0,
      IsDVCBC: 0,
      User: { ID_local: '60000000-0000-4000-8000-000000000001', ID_QG: '001089012345', TYPE: 1, LOCATION: '000.05.01.G12' },
    });
    expect(EmcEventSchema.safeParse(e).success).toBe(true);
  });

  it('a counter filing by post for a business, fee paid at the desk, level unknown', () => {
    const e = toEmcEvent(
      { ...FACTS, channel: 3, feeBearing: true, paidOnline: false, applicantKind: 'business', level: undefined, ownerCitizenId: null, location: null },
      'S1',
    );
    expect([e.FormsReception, e.IsDVCBC, e.FormsPayments, e.Level, e.User.TYPE, e.User.ID_local, e.User.LOCATION]).toEqual([2, 1, 2, 3, 2, '', '']);
  });

  it('a fee paid online', () => {
    expect(toEmcEvent({ ...FACTS, feeBearing: true, paidOnline: true }, 'S1').FormsPayments).toBe(1);
  });

  it('refuses a code outside the contract', () => {
    expect(EmcEventSchema.safeParse({ ...toEmcEvent(FACTS, 'S1'), Status: 7 }).success).toBe(false);
    expect(EmcEventSchema.safeParse({ ...toEmcEvent(FACTS, 'S1'), Extra: 1 }).success).toBe(false);
  });
});

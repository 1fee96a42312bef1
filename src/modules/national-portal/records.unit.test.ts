import { describe, expect, it } from 'vitest';
import type { SyncAction, SyncFacts } from '../dossiers/read-sync-facts.ts';
import type { SyncStep } from './enqueue-national-sync.ts';
import { toDossierRecord, toProgressRecord } from './records.ts';

/**
 * Issue 19: NgayHenTra carries the due moment. A limit in days is still written as its day at
 * 17:00 (the contract's convention); a limit in working hours at its own time, and a supplement's
 * dates before and after the pause likewise.
 */
const names = { handlingUnitName: 'Cục Xuất nhập khẩu', publicUrl: 'https://congso.example' };

const action = (seq: number, name: string, at: string, data: Record<string, unknown> = {}): SyncAction => ({
  seq,
  action: name,
  actor: 'staff:tiepnhan.xnk',
  actorName: 'Nguyễn Văn An',
  at: new Date(at),
  fromStatus: null,
  toStatus: 'received',
  toUnit: '000.05.01.G12',
  stepDue: null,
  data,
});

const facts = (actions: SyncAction[]): SyncFacts => ({
  code: '000.05.01.G12-261204-0001',
  procedureCode: '9.100019',
  procedureName: 'Thủ tục thử nghiệm',
  fieldCode: '',
  fieldName: '',
  channel: 1,
  applicant: { kind: 'citizen', name: 'Lê Thị Thu', identifier: '001190000111', email: null, phone: null, address: null },
  vneidAuthenticated: false,
  submittedAt: new Date('2026-12-04T07:00:00Z'),
  receivedAt: new Date('2026-12-04T07:00:00Z'),
  finishedAt: null,
  receivingUnit: '000.05.01.G12',
  handlingUnit: '000.05.01.G12',
  delivery: 'desk',
  hasDigitisedComponents: false,
  paidOnline: false,
  feeBearing: false,
  components: [],
  fees: [],
  actions,
  results: [],
});

const step = (seq: number, s: Partial<SyncStep>): SyncStep => ({
  dossierCode: '000.05.01.G12-261204-0001',
  nationalCode: null,
  procedureCode: '9.100019',
  seq,
  action: 'receive',
  status: 'received',
  nationalStatus: 2,
  channel: 1,
  dueDate: null,
  previousDueDate: null,
  handlingUnit: '000.05.01.G12',
  assignee: null,
  hasDigitisedComponents: false,
  paidOnline: false,
  feeBearing: false,
  first: false,
  at: '2026-12-04T07:00:00Z',
  ...s,
});

describe('due moments in the portal records', () => {
  it('NgayHenTra: a limit in hours at its time, a limit in days at 17:00 of its day, an old message by its day', () => {
    const f = facts([action(1, 'receive', '2026-12-04T07:00:00Z')]);
    // Four working hours from Friday 14:00 end on Monday at 09:00.
    const hours = toDossierRecord(f, step(1, { dueDate: '2026-12-07', dueAt: '2026-12-07T02:00:00.000Z' }), names);
    expect(hours.NgayHenTra).toBe('20261207090000');
    const days = toDossierRecord(f, step(1, { dueDate: '2026-12-18', dueAt: '2026-12-18T16:59:59.999Z' }), names);
    expect(days.NgayHenTra).toBe('20261218170000');
    const old = toDossierRecord(f, step(1, { dueDate: '2026-12-18' }), names);
    expect(old.NgayHenTra).toBe('20261218170000');
    // A step that enters no step of its own ends by the dossier's due moment.
    expect(toProgressRecord(f, step(1, { dueDate: '2026-12-07', dueAt: '2026-12-07T02:00:00.000Z' }), { title: '', unitName: '' }).NgayKetThucTheoQuyDinh).toBe(
      '20261207090000',
    );
  });

  it("a supplement's dates before and after the pause, as moments when the log keeps them", () => {
    const log = [
      action(1, 'receive', '2026-12-04T07:00:00Z'),
      action(2, 'request_supplement', '2026-12-04T08:00:00Z', { items: [{ reason: 'Thiếu bản sao' }] }),
      action(3, 'supplement', '2026-12-07T01:30:00Z', {
        dueDateBefore: '2026-12-07',
        dueDateAfter: '2026-12-07',
        dueAtBefore: '2026-12-07T02:00:00.000Z',
        dueAtAfter: '2026-12-07T08:30:00.000Z',
      }),
    ];
    const r = toDossierRecord(facts(log), step(3, { action: 'supplement', dueDate: '2026-12-07', dueAt: '2026-12-07T08:30:00.000Z' }), names);
    expect(r.NgayHenTra).toBe('20261207153000');
    expect(r.DanhSachHoSoBoSung).toEqual([expect.objectContaining({ NgayHenTraTruoc: '20261207090000', NgayHenTraMoi: '20261207153000' })]);
    // While waiting: the date before is the current due moment, the one after not known yet.
    const waiting = toDossierRecord(
      facts(log.slice(0, 2)),
      step(2, { action: 'request_supplement', dueDate: '2026-12-07', dueAt: '2026-12-07T02:00:00.000Z' }),
      names,
    );
    expect(waiting.DanhSachHoSoBoSung).toEqual([expect.objectContaining({ NgayHenTraTruoc: '20261207090000', NgayHenTraMoi: '' })]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  allowedOutgoingActions,
  decideOutgoing,
  OUTGOING_ACTIONS,
  OUTGOING_STATUSES,
  type OutgoingActionName,
  type OutgoingActor,
  type OutgoingStatus,
} from './lifecycle.ts';

const nobody: OutgoingActor = { drafter: false, unitLeader: false, signer: false, clerk: false, viewer: true };
const drafter = { ...nobody, drafter: true };
const leader = { ...nobody, unitLeader: true };
const signer = { ...nobody, signer: true };
const clerk = { ...nobody, clerk: true };

/** Who may do what, written out by hand from Decree 30's steps (the rules in lifecycle.ts must agree). */
const EXPECTED: Record<OutgoingStatus, Partial<Record<'drafter' | 'leader' | 'signer' | 'clerk' | 'viewer', OutgoingActionName[]>>> = {
  draft: { drafter: ['submit', 'comment'], leader: ['comment'], signer: ['comment'], clerk: ['comment'], viewer: ['comment'] },
  review: { drafter: ['comment'], leader: ['comment', 'return', 'forward'], signer: ['comment', 'return', 'approve'], clerk: ['comment'], viewer: ['comment'] },
  forwarded: { drafter: ['comment'], leader: ['comment'], signer: ['comment', 'return', 'approve'], clerk: ['comment'], viewer: ['comment'] },
  approved: { drafter: ['comment'], leader: ['comment'], signer: ['comment', 'return', 'sign'], clerk: ['comment'], viewer: ['comment'] },
  signed: { drafter: ['comment'], leader: ['comment'], signer: ['comment'], clerk: ['comment', 'seal'], viewer: ['comment'] },
  sealed: { drafter: ['comment'], leader: ['comment'], signer: ['comment'], clerk: ['comment', 'release'], viewer: ['comment'] },
  released: { drafter: ['replace'], leader: [], signer: ['recall'], clerk: ['recall', 'update', 'replace', 'archive'], viewer: [] },
  recalled: { clerk: ['archive'], drafter: [], signer: [], leader: [], viewer: [] },
  replaced: { clerk: ['archive'], drafter: [], signer: [], leader: [], viewer: [] },
  archived: { clerk: [], drafter: [], signer: [], leader: [], viewer: [] },
};

const ACTORS = { drafter, leader, signer, clerk, viewer: nobody } as const;

describe('outgoing document lifecycle', () => {
  it('allows exactly the hand-written actions for each status and part', () => {
    for (const status of Object.keys(OUTGOING_STATUSES) as OutgoingStatus[]) {
      for (const [name, actor] of Object.entries(ACTORS)) {
        const expected = [...(EXPECTED[status][name as keyof typeof ACTORS] ?? [])].sort();
        expect([...allowedOutgoingActions(status, actor)].sort(), `${status} / ${name}`).toEqual(expected);
      }
    }
  });

  it('says whether the status or the caller is wrong', () => {
    expect(decideOutgoing('draft', 'seal', clerk)).toEqual({ refused: 'ACTION_NOT_ALLOWED' });
    expect(decideOutgoing('signed', 'seal', signer)).toEqual({ refused: 'NOT_YOUR_STEP' });
    expect(decideOutgoing('review', 'approve', signer)).toEqual({ next: 'approved' });
    expect(decideOutgoing('released', 'update', clerk)).toEqual({ next: 'released' });
    expect(decideOutgoing('review', 'return', leader)).toEqual({ next: 'draft' });
    // A unit leader returns from review only; after the signer has it, only the signer returns it.
    expect(decideOutgoing('approved', 'return', leader)).toEqual({ refused: 'NOT_YOUR_STEP' });
  });

  it('names every action in both languages', () => {
    for (const a of Object.values(OUTGOING_ACTIONS)) expect(a.vi && a.en).toBeTruthy();
  });
});

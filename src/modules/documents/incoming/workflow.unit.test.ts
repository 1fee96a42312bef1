import { describe, expect, it } from 'vitest';
import { allowedIncomingActions, applyIncomingAction, type IncomingActor, type IncomingState } from './workflow.ts';

const clerk: IncomingActor = { clerk: true, leader: false, staffId: 'c' };
const leader: IncomingActor = { clerk: false, leader: true, staffId: 'l' };
const handler: IncomingActor = { clerk: false, leader: false, staffId: 'h' };
const state = (over: Partial<IncomingState> = {}): IncomingState => ({
  status: 'arrived',
  recallPending: false,
  handlerId: null,
  firstProgressAt: null,
  ...over,
});

describe('the incoming workflow', () => {
  it('gives each step its status code and next status', () => {
    expect(applyIncomingAction(state(), 'register', clerk)).toEqual({ next: 'awaiting_direction', statusCode: '03', recallPending: false });
    expect(applyIncomingAction(state(), 'refuse', clerk)).toEqual({ next: 'refused', statusCode: '02', recallPending: false });
    expect(applyIncomingAction(state({ status: 'awaiting_direction' }), 'direct', leader)).toEqual({
      next: 'directed',
      statusCode: '04',
      recallPending: false,
    });
    const directed = state({ status: 'directed', handlerId: 'h' });
    expect(applyIncomingAction(directed, 'progress', handler)).toEqual({ next: 'in_progress', statusCode: '05', recallPending: false });
    expect(applyIncomingAction({ ...directed, status: 'in_progress', firstProgressAt: new Date() }, 'progress', handler)).toEqual({
      next: 'in_progress',
      statusCode: null,
      recallPending: false,
    });
    expect(applyIncomingAction(directed, 'complete', handler)).toEqual({ next: 'done', statusCode: '06', recallPending: false });
    expect(applyIncomingAction(state({ status: 'done', recallPending: true }), 'agree-recall', clerk)).toEqual({
      next: 'recalled',
      statusCode: '15',
      recallPending: false,
    });
    expect(applyIncomingAction(state({ status: 'directed', recallPending: true }), 'refuse-recall', clerk)).toEqual({
      next: 'directed',
      statusCode: '16',
      recallPending: false,
    });
  });

  it('refuses the wrong person (NOT_YOUR_STEP) and the wrong status (ACTION_NOT_ALLOWED)', () => {
    expect(applyIncomingAction(state(), 'register', leader)).toMatchObject({ refused: { code: 'NOT_YOUR_STEP' } });
    expect(applyIncomingAction(state({ status: 'awaiting_direction' }), 'direct', clerk)).toMatchObject({ refused: { code: 'NOT_YOUR_STEP' } });
    expect(applyIncomingAction(state({ status: 'directed', handlerId: 'x' }), 'progress', handler)).toMatchObject({ refused: { code: 'NOT_YOUR_STEP' } });
    expect(applyIncomingAction(state({ status: 'refused' }), 'register', clerk)).toMatchObject({ refused: { code: 'ACTION_NOT_ALLOWED' } });
    expect(applyIncomingAction(state(), 'agree-recall', clerk)).toMatchObject({ refused: { code: 'ACTION_NOT_ALLOWED' } });
    // A pending recall holds everything else.
    expect(applyIncomingAction(state({ recallPending: true }), 'register', clerk)).toMatchObject({ refused: { code: 'ACTION_NOT_ALLOWED' } });
  });

  it('lists what each person may do now', () => {
    expect(allowedIncomingActions(state(), clerk)).toEqual(['register', 'refuse']);
    expect(allowedIncomingActions(state({ status: 'awaiting_direction' }), leader)).toEqual(['direct']);
    expect(allowedIncomingActions(state({ status: 'directed', handlerId: 'h' }), handler)).toEqual(['progress', 'complete']);
    expect(allowedIncomingActions(state({ status: 'in_progress', recallPending: true }), clerk)).toEqual(['agree-recall', 'refuse-recall']);
    expect(allowedIncomingActions(state({ status: 'recalled' }), clerk)).toEqual([]);
  });
});

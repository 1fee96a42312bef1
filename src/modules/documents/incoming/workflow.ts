import type { EdxmlStatusCode } from '../edxml/model.ts';
import type { IncomingStatus } from '../tables-incoming.ts';

/**
 * The incoming document's workflow (Decree 30/2020, art. 20-24): the clerk registers or refuses
 * what arrived, a leader directs it (handler, co-handlers, instructions, deadline), the handler
 * reports progress and completes it. A recall request from the sender (status 13) is answered by
 * the clerk. Pure: the next state or a coded refusal; `take-incoming-action.ts` does the I/O.
 */
export const INCOMING_STATUSES: Record<IncomingStatus, { vi: string; en: string; final: boolean }> = {
  arrived: { vi: 'Đã đến, chờ vào sổ', en: 'Arrived, to be registered', final: false },
  refused: { vi: 'Đã từ chối tiếp nhận', en: 'Refused', final: true },
  awaiting_direction: { vi: 'Chờ lãnh đạo cho ý kiến chỉ đạo', en: 'Awaiting direction', final: false },
  directed: { vi: 'Đã phân công xử lý', en: 'Assigned', final: false },
  in_progress: { vi: 'Đang xử lý', en: 'In progress', final: false },
  done: { vi: 'Đã hoàn thành', en: 'Done', final: true },
  recalled: { vi: 'Đã thu hồi theo yêu cầu của nơi gửi', en: 'Recalled by the sender', final: true },
};

export const INCOMING_ACTIONS = ['register', 'refuse', 'direct', 'progress', 'complete', 'agree-recall', 'refuse-recall'] as const;
export type IncomingActionName = (typeof INCOMING_ACTIONS)[number];

export const INCOMING_ACTION_LABELS: Record<IncomingActionName, { vi: string; en: string }> = {
  register: { vi: 'Vào sổ văn bản đến', en: 'Register' },
  refuse: { vi: 'Từ chối tiếp nhận', en: 'Refuse' },
  direct: { vi: 'Cho ý kiến chỉ đạo, phân công', en: 'Direct' },
  progress: { vi: 'Báo cáo tiến độ', en: 'Report progress' },
  complete: { vi: 'Hoàn thành', en: 'Complete' },
  'agree-recall': { vi: 'Đồng ý thu hồi', en: 'Agree to the recall' },
  'refuse-recall': { vi: 'Từ chối thu hồi', en: 'Refuse the recall' },
};

export interface IncomingState {
  status: IncomingStatus;
  recallPending: boolean;
  handlerId: string | null;
  firstProgressAt: Date | null;
}

/** What the caller is to this document (worked out by the operation from roles, units and ids). */
export interface IncomingActor {
  /** A clerk of the receiving unit (or above it). */
  clerk: boolean;
  /** A leader who may direct it (of the unit it was presented to, or of the agency when presented to no unit). */
  leader: boolean;
  staffId: string | null;
}

export interface IncomingRefusal {
  code: 'ACTION_NOT_ALLOWED' | 'NOT_YOUR_STEP';
  vi: string;
  en: string;
}

export type IncomingTransition = { next: IncomingStatus; statusCode: EdxmlStatusCode | null; recallPending: boolean } | { refused: IncomingRefusal };

const FROM: Record<IncomingActionName, readonly IncomingStatus[]> = {
  register: ['arrived'],
  refuse: ['arrived'],
  direct: ['awaiting_direction', 'directed'],
  progress: ['directed', 'in_progress'],
  complete: ['directed', 'in_progress'],
  'agree-recall': ['arrived', 'awaiting_direction', 'directed', 'in_progress', 'done'],
  'refuse-recall': ['arrived', 'awaiting_direction', 'directed', 'in_progress', 'done'],
};

function who(action: IncomingActionName, s: IncomingState, a: IncomingActor): boolean {
  switch (action) {
    case 'register':
    case 'refuse':
    case 'agree-recall':
    case 'refuse-recall':
      return a.clerk;
    case 'direct':
      return a.leader;
    case 'progress':
    case 'complete':
      return a.staffId !== null && a.staffId === s.handlerId;
  }
}

/** The actions the caller may take now (for the pages' buttons and 409 details). */
export function allowedIncomingActions(s: IncomingState, a: IncomingActor): IncomingActionName[] {
  return INCOMING_ACTIONS.filter((x) => !('refused' in applyIncomingAction(s, x, a)));
}

export function applyIncomingAction(s: IncomingState, action: IncomingActionName, a: IncomingActor): IncomingTransition {
  const recall = action === 'agree-recall' || action === 'refuse-recall';
  // While the sender asks for the document back, only the answer to that request moves it.
  if (!FROM[action].includes(s.status) || (recall && !s.recallPending) || (!recall && s.recallPending)) {
    const st = INCOMING_STATUSES[s.status];
    return {
      refused: {
        code: 'ACTION_NOT_ALLOWED',
        vi: s.recallPending && !recall ? 'Văn bản đang có yêu cầu thu hồi của nơi gửi: hãy trả lời yêu cầu trước' : `Văn bản đang ở trạng thái "${st.vi}"`,
        en: s.recallPending && !recall ? 'The sender asked for the document back: answer that request first' : `The document is ${st.en.toLowerCase()}`,
      },
    };
  }
  if (!who(action, s, a)) {
    return {
      refused: {
        code: 'NOT_YOUR_STEP',
        vi: `Bạn không thực hiện được thao tác "${INCOMING_ACTION_LABELS[action].vi}" với văn bản này`,
        en: `You may not ${INCOMING_ACTION_LABELS[action].en.toLowerCase()} this document`,
      },
    };
  }
  switch (action) {
    case 'register':
      return { next: 'awaiting_direction', statusCode: '03', recallPending: false };
    case 'refuse':
      return { next: 'refused', statusCode: '02', recallPending: false };
    case 'direct':
      return { next: 'directed', statusCode: '04', recallPending: false };
    case 'progress':
      // 05 goes to the sender once, when work starts; later notes stay in our history.
      return { next: 'in_progress', statusCode: s.firstProgressAt ? null : '05', recallPending: false };
    case 'complete':
      return { next: 'done', statusCode: '06', recallPending: false };
    case 'agree-recall':
      return { next: 'recalled', statusCode: '15', recallPending: false };
    case 'refuse-recall':
      return { next: s.status, statusCode: '16', recallPending: false };
  }
}

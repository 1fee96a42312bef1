/**
 * The life of an outgoing document (Decree 30/2020/NĐ-CP, chapter II): statuses, actions, and who
 * may take each, as data and one pure function. `take-outgoing-action.ts` does the I/O around it.
 *
 * draft ─submit→ review ─forward→ forwarded ─approve→ approved ─sign→ signed ─seal→ sealed ─release→ released
 *   ↑      └──────────approve (the signer reviews it himself)──┘
 *   └──────return {reason} (the unit leader from review; the signer from review, forwarded, approved)
 * released ─recall→ recalled; released ─update→ released (EDXML business type 2); released ─replace→ a new
 * draft that, once released, makes this one replaced (type 3); released, recalled, replaced ─archive→ archived.
 */

export const OUTGOING_STATUSES = {
  draft: { vi: 'Dự thảo', en: 'Draft' },
  review: { vi: 'Chờ lãnh đạo đơn vị cho ý kiến', en: 'Awaiting unit review' },
  forwarded: { vi: 'Trình lãnh đạo ký duyệt', en: 'Forwarded to the signer' },
  approved: { vi: 'Đã duyệt, chờ ký', en: 'Approved, awaiting signature' },
  signed: { vi: 'Đã ký số, chờ đóng dấu', en: 'Signed, awaiting the seal' },
  sealed: { vi: 'Đã đóng dấu, chờ phát hành', en: 'Sealed, awaiting release' },
  released: { vi: 'Đã phát hành', en: 'Released' },
  recalled: { vi: 'Đã thu hồi', en: 'Recalled' },
  replaced: { vi: 'Đã bị thay thế', en: 'Replaced' },
  archived: { vi: 'Đã lưu trữ', en: 'Archived' },
} as const;
export type OutgoingStatus = keyof typeof OUTGOING_STATUSES;

export const OUTGOING_ACTIONS = {
  submit: { vi: 'Trình lãnh đạo đơn vị', en: 'Submit for review' },
  comment: { vi: 'Cho ý kiến', en: 'Comment' },
  return: { vi: 'Trả lại để sửa', en: 'Return for changes' },
  forward: { vi: 'Trình ký', en: 'Forward to the signer' },
  approve: { vi: 'Duyệt', en: 'Approve' },
  sign: { vi: 'Ký số', en: 'Sign' },
  seal: { vi: 'Đóng dấu số', en: 'Apply the seal' },
  release: { vi: 'Cấp số và phát hành', en: 'Number and release' },
  recall: { vi: 'Thu hồi', en: 'Recall' },
  update: { vi: 'Cập nhật thông tin', en: 'Update' },
  replace: { vi: 'Thay thế', en: 'Replace' },
  archive: { vi: 'Lưu trữ', en: 'Archive' },
} as const;
export type OutgoingActionName = keyof typeof OUTGOING_ACTIONS;

/** What the rules need to know about the caller, decided by the operation from roles and units. */
export interface OutgoingActor {
  /** A specialist of the drafting unit (or the drafter). */
  drafter: boolean;
  /** A unit leader covering the drafting unit. */
  unitLeader: boolean;
  /** The named signer, holding the signing_leader role. */
  signer: boolean;
  /** A clerk (văn thư) covering the drafting unit. */
  clerk: boolean;
  /** Sees the document at all (comments). */
  viewer: boolean;
}

type Rule = { from: readonly OutgoingStatus[]; to: OutgoingStatus | 'same'; who: (a: OutgoingActor, from: OutgoingStatus) => boolean };

export const RULES: Record<OutgoingActionName, Rule> = {
  submit: { from: ['draft'], to: 'review', who: (a) => a.drafter },
  comment: { from: ['draft', 'review', 'forwarded', 'approved', 'signed', 'sealed'], to: 'same', who: (a) => a.viewer },
  return: {
    from: ['review', 'forwarded', 'approved'],
    to: 'draft',
    who: (a, from) => a.signer || (from === 'review' && a.unitLeader),
  },
  forward: { from: ['review'], to: 'forwarded', who: (a) => a.unitLeader },
  approve: { from: ['review', 'forwarded'], to: 'approved', who: (a) => a.signer },
  sign: { from: ['approved'], to: 'signed', who: (a) => a.signer },
  seal: { from: ['signed'], to: 'sealed', who: (a) => a.clerk },
  release: { from: ['sealed'], to: 'released', who: (a) => a.clerk },
  recall: { from: ['released'], to: 'recalled', who: (a) => a.clerk || a.signer },
  update: { from: ['released'], to: 'same', who: (a) => a.clerk },
  replace: { from: ['released'], to: 'same', who: (a) => a.clerk || a.drafter },
  archive: { from: ['released', 'recalled', 'replaced'], to: 'archived', who: (a) => a.clerk },
};

export type Decision = { next: OutgoingStatus } | { refused: 'ACTION_NOT_ALLOWED' | 'NOT_YOUR_STEP' };

/** The next status of an action from `status` by `actor`, or why not. */
export function decideOutgoing(status: OutgoingStatus, action: OutgoingActionName, actor: OutgoingActor): Decision {
  const r = RULES[action];
  if (!r.from.includes(status)) return { refused: 'ACTION_NOT_ALLOWED' };
  if (!r.who(actor, status)) return { refused: 'NOT_YOUR_STEP' };
  return { next: r.to === 'same' ? status : r.to };
}

/** The actions the actor may take now (the page's buttons, the refusal's details). */
export function allowedOutgoingActions(status: OutgoingStatus, actor: OutgoingActor): OutgoingActionName[] {
  return (Object.keys(RULES) as OutgoingActionName[]).filter((a) => 'next' in decideOutgoing(status, a, actor));
}

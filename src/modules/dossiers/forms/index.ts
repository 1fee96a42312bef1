export { renderReceiptSlip } from './render-receipt-slip.ts';
export { renderSupplementRequest } from './render-supplement-request.ts';
export { renderRefusal } from './render-refusal.ts';
export { renderApology } from './render-apology.ts';
export { renderStopNotice } from './render-stop-notice.ts';
export { renderControlSlip, handoffOutcome } from './render-control-slip.ts';
export { renderDossierRegister } from './render-dossier-register.ts';
export { renderPostalHandover } from './render-postal-handover.ts';
export { CIRCULAR_03_2025_FROM, DEFAULT_DESK, DESK_2018, FORM_NAMES, before2025, deskNameAt, dueWhen, formNameAt, type FormKind } from './common.ts';
export { processingTimeText } from './render-receipt-slip.ts';
export type * from './types.ts';
export {
  apologySchema,
  controlSlipSchema,
  dossierRegisterSchema,
  postalHandoverSchema,
  receiptSlipSchema,
  refusalSchema,
  stopNoticeSchema,
  supplementRequestSchema,
} from './types.ts';

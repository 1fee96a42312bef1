import type { Ctx } from '../../../platform/context.ts';
import type { Tx } from '../../../platform/db/index.ts';
import type { EdxmlDocumentMessage, EdxmlOrgan, EdxmlResponseFor, EdxmlStaff, EdxmlStatusCode } from '../edxml/model.ts';
import { agencyOrgan, listDeliveries, sendEdxmlDocument, sendEdxmlStatus } from '../exchange/send.ts';

/** The exchange's operations the outgoing documents use (helper C's `exchange/send.ts`), in one place. */
export function sendDocument(ctx: Ctx, tx: Tx, m: EdxmlDocumentMessage): Promise<{ messageId: string }> {
  return sendEdxmlDocument(ctx, tx, m);
}

export function sendStatus(ctx: Ctx, tx: Tx, s: { responseFor: EdxmlResponseFor; statusCode: EdxmlStatusCode; description: string; staff?: EdxmlStaff }) {
  return sendEdxmlStatus(ctx, tx, s);
}

/** This agency on the exchange (EDXML_ORGAN_ID). */
export function ourOrgan(ctx: Ctx): EdxmlOrgan {
  return agencyOrgan(ctx);
}

export function deliveriesOf(ctx: Ctx, documentId: string) {
  return listDeliveries(ctx, documentId);
}

import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { AppError } from '../../platform/errors.ts';
import { sendPage } from '../render.tsx';
import { ReceiptVerifyPage } from '../pages/portal/receipt-verify.tsx';
import { verifyReceipt } from '../../modules/payments/verify-receipt.ts';

const Id = z.object({ id: z.string().max(64) });

/**
 * `/bien-lai/{id}`: the target of the QR code on every receipt (issue-receipt.ts). Public, since
 * whoever is shown a receipt must be able to check it, and limited like the other anonymous
 * look-ups (`/tra-cuu`, `/verify/{code}`), so the ids cannot be tried in bulk cheaply.
 */
export const receiptVerifyModule: Module = {
  name: 'receipt-verify',
  async routes(app, ctx) {
    app.get('/bien-lai/:id', { config: { access: 'public', limit: 'public' }, schema: { hide: true, params: Id } }, async (req, reply) => {
      try {
        return sendPage(reply, <ReceiptVerifyPage req={req} r={await verifyReceipt(ctx, req.params.id)} />);
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'NOT_FOUND') throw e;
        return sendPage(reply, <ReceiptVerifyPage req={req} r={null} />, 404);
      }
    });
  },
};

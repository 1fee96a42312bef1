import { inTransaction, type Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { VnpostConfig } from '../../platform/config.ts';
import { enqueueOutbox } from '../../platform/outbox/index.ts';
import { unitNames } from '../organisation/names.ts';
import type { Order } from './contract.ts';
import { DEFAULT_FEE_TABLE, postalFee, type PostalPurpose } from './fee-table.ts';
import { provinceOf } from './provinces.ts';

/** The outbox adapter's name (its queue is `outbox.vnpost`). */
export const VNPOST_ADAPTER = 'vnpost';

/** The applicant as the dossier keeps them (dossiers' `Applicant`): what an order needs. */
export interface PostalApplicant {
  name: string;
  address?: string | null;
  phone?: string | null;
  email?: string | null;
}

/** A party of an order as we keep it (the order's Sender / Receiver, in our names). */
export interface PostalParty {
  name: string;
  address: string;
  province: string;
  tel: string;
  email: string;
}

/** Ours, one per dossier and purpose: VNPost refuses a number twice, so a retry cannot make a second parcel. */
export const orderNumberOf = (dossierCode: string, purpose: PostalPurpose) => `${dossierCode}-${purpose === 'delivery' ? 'TKQ' : 'NHS'}`;

/** The outbox key: one order's messages (create, then cancel) go out in the order they were written. */
const keyOf = (orderNumber: string) => `postal:${orderNumber}`;

export const applicantParty = (a: PostalApplicant): PostalParty => ({
  name: a.name,
  address: a.address?.trim() ?? '',
  province: provinceOf(a.address) ?? '',
  tel: (a.phone ?? '').replace(/[ .-]/g, ''),
  email: a.email ?? '',
});

/** The one-stop desk of a unit, as sender of results and receiver of paper dossiers. */
export async function deskParty(ctx: Ctx, c: VnpostConfig, unit: string): Promise<PostalParty> {
  const n = (await unitNames(ctx, [unit])).get(unit);
  return { name: `Bộ phận Một cửa - ${n?.name ?? unit}`, address: c.sender.address, province: c.sender.province, tel: c.sender.tel, email: '' };
}

/** The fee the applicant is shown for an order to or from this address (the configured table, else ours). */
export function quotePostalFee(c: VnpostConfig, purpose: PostalPurpose, address: string | null | undefined): number {
  return postalFee(c.feeTable ?? DEFAULT_FEE_TABLE, purpose, c.sender.province, provinceOf(address));
}

/** The order VNPost receives, from our snapshot. */
export function orderOf(
  c: VnpostConfig,
  o: { order_number: string; purpose: PostalPurpose; fee: number; sender: PostalParty; receiver: PostalParty; dossier_code: string },
): Order {
  const desc = o.purpose === 'delivery' ? `Kết quả giải quyết hồ sơ ${o.dossier_code}` : `Hồ sơ giấy của hồ sơ ${o.dossier_code}`;
  return {
    CustomerCode: c.customerCode,
    OrderNumber: o.order_number,
    ItemCode: '',
    // A result's fee is collected from the applicant on delivery; a pickup's at collection, by the postman, outside the order.
    CODAmount: o.purpose === 'delivery' ? o.fee : 0,
    Sender: { Province: o.sender.province, District: '', Address: o.sender.address, Name: o.sender.name, Email: o.sender.email, Tel: o.sender.tel, Desc: desc },
    Description: desc,
    Receiver: { Name: o.receiver.name, Address: o.receiver.address, Tel: o.receiver.tel, Province: o.receiver.province, District: '', Email: o.receiver.email },
  };
}

/**
 * Records an order in `requested` (chosen, nothing sent) or sends it at once (`ordered`: its
 * create message in the outbox), in the caller's transaction. Once per dossier and purpose: a
 * second call changes nothing (the first one's row stays), except that `send` promotes a
 * requested order to ordered.
 */
export async function placePostalOrder(
  outer: Ctx,
  tx: Tx,
  c: VnpostConfig,
  o: { dossierCode: string; purpose: PostalPurpose; unit: string; applicant: PostalApplicant; send: boolean; now: Date },
): Promise<void> {
  const ctx = inTransaction(outer, tx);
  const number = orderNumberOf(o.dossierCode, o.purpose);
  let row = await tx.selectFrom('postal_orders').selectAll().where('order_number', '=', number).forUpdate().executeTakeFirst();
  if (!row) {
    const desk = await deskParty(ctx, c, o.unit);
    const applicant = applicantParty(o.applicant);
    const [sender, receiver] = o.purpose === 'delivery' ? [desk, applicant] : [applicant, desk];
    row = await tx
      .insertInto('postal_orders')
      .values({
        dossier_code: o.dossierCode,
        purpose: o.purpose,
        order_number: number,
        state: 'requested',
        fee: quotePostalFee(c, o.purpose, o.applicant.address),
        sender: JSON.stringify(sender),
        receiver: JSON.stringify(receiver),
      })
      .onConflict((oc) => oc.column('order_number').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) return; // a concurrent filing of the same dossier cannot happen (the dossier's row is locked): nothing to add
  }
  if (!o.send || row.state !== 'requested') return;
  const order = orderOf(c, { ...row, sender: row.sender as PostalParty, receiver: row.receiver as PostalParty });
  await enqueueOutbox(ctx, tx, { adapter: VNPOST_ADAPTER, key: keyOf(number), dedupe: `create:${number}`, kind: 'create-order', payload: { order } });
  await tx.updateTable('postal_orders').set({ state: 'ordered', ordered_at: o.now, updated_at: o.now }).where('id', '=', row.id).execute();
}

/**
 * Cancels a dossier's open orders of a purpose, in the caller's transaction: one never sent is
 * cancelled here; one sent gets a cancel message after its create (same key, so in order).
 * Orders VNPost has collected cannot be cancelled any more (it refuses: a dead letter says so).
 */
export async function cancelPostalOrders(outer: Ctx, tx: Tx, dossierCode: string, purpose: PostalPurpose, now: Date): Promise<void> {
  const ctx = inTransaction(outer, tx);
  const rows = await tx
    .selectFrom('postal_orders')
    .select(['id', 'order_number', 'state'])
    .where('dossier_code', '=', dossierCode)
    .where('purpose', '=', purpose)
    .where('state', 'in', ['requested', 'ordered', 'registered'])
    .forUpdate()
    .execute();
  for (const r of rows) {
    if (r.state !== 'requested') {
      await enqueueOutbox(ctx, tx, {
        adapter: VNPOST_ADAPTER,
        key: keyOf(r.order_number),
        dedupe: `cancel:${r.order_number}`,
        kind: 'cancel-order',
        payload: { orderNumber: r.order_number },
      });
    }
    // Cancelled at once for us: the applicant withdrew; VNPost's answer is the outbox's business.
    await tx.updateTable('postal_orders').set({ state: 'cancelled', updated_at: now }).where('id', '=', r.id).execute();
  }
}

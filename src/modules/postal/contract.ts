import { z } from 'zod';

/**
 * VNPost's order API, in one place (INTEGRATIONS §3): the token, the order, the cancellation and
 * the paged tracking, with their field names, the answer's status and the formats. The adapter
 * (vnpost-client.ts) reads these names; the simulator (src/simulators/vnpost) has its own
 * reading of the same contract, so it checks ours.
 *
 * Known from public code (high confidence): OAuth2 client credentials with Basic auth; the
 * order's fields and order; `{ Status, Message }` answers with "100" meaning done; cancel by
 * CustomerCode + OrderNumber; tracking, paged, with the fields of TrackingEvent below.
 * Not public, so ours and configuration: the paths (under VNPOST_URL), the tracking status
 * codes (`DEFAULT_STATUS_CODES`, overridden by VNPOST_STATUS_CODES), the "already exists"
 * answer, EventTime's format, and the fee (a table, fee-table.ts: VNPost's price API is not
 * among the public facts, so we do not pretend to call one).
 */

/** POST, `grant_type=client_credentials`, `Authorization: Basic base64(client_id:client_secret)`. */
export const TOKEN_PATH = '/oauth/token';
/** POST Order (JSON) → Answer. */
export const ORDER_PATH = '/api/orders';
/** POST CancelRequest (JSON) → Answer. */
export const CANCEL_PATH = '/api/orders/cancel';
/** POST TrackingRequest (JSON) → TrackingPage. */
export const TRACKING_PATH = '/api/tracking';
/** The answer's Status when the request was done. */
export const STATUS_OK = '100';
/**
 * Our assumption: the Status VNPost answers when an OrderNumber it already holds is sent again
 * (a retry after a timeout whose request did arrive). Taken as success: the order exists.
 */
export const STATUS_ALREADY_EXISTS = '101';
/** Tracking pages we ask for. */
export const TRACKING_PAGE_SIZE = 50;
/** A request's time limit: slower answers are failures, retried by the outbox. */
export const TIMEOUT_MS = 10_000;

const text = (max: number) => z.string().max(max);

export const Party = z.object({
  Province: text(10),
  District: text(10),
  Address: text(500),
  Name: text(300),
  Email: text(320),
  Tel: text(20),
});
export const Sender = Party.extend({ Desc: text(500) });

/** The order, with its fields in VNPost's order. */
export const Order = z.object({
  CustomerCode: text(50),
  /** Ours, unique per order: `${dossierCode}-TKQ` (result) or `${dossierCode}-NHS` (pickup of the paper dossier). */
  OrderNumber: text(60),
  /** VNPost's item code (số hiệu bưu gửi): left empty, VNPost assigns it at collection and tracking reports it. */
  ItemCode: text(30),
  /** Collected from the receiver on delivery, in đồng: the postal fee of a result (the applicant pays the postman). */
  CODAmount: z.number().int().min(0),
  Sender,
  Description: text(500),
  Receiver: z.object({ Name: text(300), Address: text(500), Tel: text(20), Province: text(10), District: text(10), Email: text(320) }),
});
export type Order = z.infer<typeof Order>;
/** The field order VNPost lists (JSON keys are written in this order). */
export const ORDER_FIELDS = ['CustomerCode', 'OrderNumber', 'ItemCode', 'CODAmount', 'Sender', 'Description', 'Receiver'] as const;
export const SENDER_FIELDS = ['Province', 'District', 'Address', 'Name', 'Email', 'Tel', 'Desc'] as const;
export const RECEIVER_FIELDS = ['Name', 'Address', 'Tel', 'Province', 'District', 'Email'] as const;

export const CancelRequest = z.object({ CustomerCode: text(50), OrderNumber: text(60) });
export type CancelRequest = z.infer<typeof CancelRequest>;

export const Answer = z.object({ Status: z.string(), Message: z.string().nullish() });
export type Answer = z.infer<typeof Answer>;

export const TrackingRequest = z.object({
  CustomerCode: text(50),
  OrderNumber: text(60),
  /** 1-based. */
  PageIndex: z.number().int().min(1),
  PageSize: z.number().int().min(1).max(200),
});
export type TrackingRequest = z.infer<typeof TrackingRequest>;

export const TrackingEvent = z.object({
  CustomerCode: z.string(),
  OrderNumber: z.string(),
  ItemCode: z.string().nullish(),
  /** The post office where it happened. */
  POSID: z.string().nullish(),
  /** `yyyy-MM-dd HH:mm:ss`, Vietnam time (our assumption of the format: see parseEventTime). */
  EventTime: z.string(),
  StatusCode: z.string(),
  StatusMessage: z.string().nullish(),
  Notes: z.string().nullish(),
});
export type TrackingEvent = z.infer<typeof TrackingEvent>;

export const TrackingPage = Answer.extend({ TotalCount: z.number().int().min(0).default(0), Items: z.array(TrackingEvent).default([]) });
export type TrackingPage = z.infer<typeof TrackingPage>;

/** An order's state as we keep it: `requested` (chosen, nothing sent yet), `ordered` (sent to VNPost), then VNPost's. */
export const POSTAL_STATES = ['requested', 'ordered', 'registered', 'collected', 'in_transit', 'delivered', 'returned', 'cancelled'] as const;
export type PostalState = (typeof POSTAL_STATES)[number];
/** The states a tracking code may move an order to. */
export const TRACKED_STATES = ['registered', 'collected', 'in_transit', 'delivered', 'returned', 'cancelled'] as const;
export type TrackedState = (typeof TRACKED_STATES)[number];
/** Where an order's journey ends: not polled any more. */
export const FINAL_STATES: readonly PostalState[] = ['delivered', 'returned', 'cancelled'];

/**
 * Tracking status codes → our states. VNPost's list is not public: these are our assumption,
 * configuration (VNPOST_STATUS_CODES, a JSON object, is merged over them). A code not listed is
 * kept as an event with its message and moves nothing.
 */
export const DEFAULT_STATUS_CODES: Record<string, TrackedState> = {
  '100': 'registered',
  '103': 'collected',
  '104': 'in_transit',
  '105': 'in_transit',
  '106': 'delivered',
  '107': 'in_transit',
  '108': 'returned',
  '109': 'cancelled',
};

/** EventTime → an instant: `yyyy-MM-dd HH:mm:ss` (or with a T) in Vietnam time; an explicit offset is kept. Null when unreadable. */
export function parseEventTime(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) return null;
  const zone = m[7] ? (m[7] === 'Z' ? 'Z' : m[7].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : '+07:00';
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** An instant as EventTime (Vietnam time). */
export function formatEventTime(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3600_000).toISOString();
  return `${v.slice(0, 10)} ${v.slice(11, 19)}`;
}

/** The Basic credentials of the token request. */
export const basicAuth = (clientId: string, secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

/** The order's JSON in VNPost's field order. */
export function orderJson(o: Order): string {
  const pick = <K extends string>(x: Record<string, unknown>, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, x[k]]));
  return JSON.stringify({
    ...pick(o, ORDER_FIELDS),
    Sender: pick(o.Sender, SENDER_FIELDS),
    Receiver: pick(o.Receiver, RECEIVER_FIELDS),
  });
}

import { z } from 'zod';
import { bi } from '../../platform/http/validation.ts';

/** The dossier events an applicant is told about (Circular 03/2025 forms 01–05 and the result). */
export const NOTIFICATION_EVENTS = [
  'dossier.received',
  'dossier.supplement_requested',
  'dossier.refused',
  'dossier.apology',
  'dossier.result_ready',
  'dossier.returned',
  'dossier.stopped',
  'dossier.fee_requested',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];
export const NotificationEvent = z.enum(NOTIFICATION_EVENTS);

export const CHANNELS = ['email', 'sms', 'zalo'] as const;
export type ChannelName = (typeof CHANNELS)[number];
export const ChannelName = z.enum(CHANNELS);

export const NotificationLang = z.enum(['vi', 'en']);
export type NotificationLang = z.infer<typeof NotificationLang>;

/** How the applicant chose to receive the result: e-data repository, one-stop desk, or post. */
export const DELIVERY_METHODS = ['online', 'desk', 'post'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

const IsoDate = z.iso.date({ message: bi('Phải là ngày dạng YYYY-MM-DD', 'must be a date YYYY-MM-DD') });

const IsoDateTime = z.iso.datetime({ offset: true, message: bi('Phải là thời điểm dạng ISO 8601', 'must be an ISO 8601 date-time') });

/** What a template is filled from. Dates are calendar days ('YYYY-MM-DD'), as the dossier keeps them. */
export const NotificationData = z.object({
  dossierCode: z.string().trim().min(1).max(100),
  procedureName: z.string().trim().min(1).max(2000),
  applicantName: z.string().trim().min(1).max(300),
  dueDate: IsoDate.nullish(),
  newDueDate: IsoDate.nullish(),
  /** The due moments, given only when their time of day is worth telling (limits in hours, same day). */
  dueAt: IsoDateTime.nullish(),
  newDueAt: IsoDateTime.nullish(),
  reason: z.string().trim().max(4000).nullish(),
  items: z.array(z.string().trim().min(1).max(1000)).max(100).nullish(),
  trackingUrl: z.url({ protocol: /^https?$/, message: bi('Phải là địa chỉ http(s)', 'must be an http(s) URL') }),
  /** dossier.returned: how the result reaches the applicant, and where. */
  delivery: z.enum(DELIVERY_METHODS).nullish(),
  /** online: the applicant's e-data repository. */
  resultUrl: z.url({ protocol: /^https?$/, message: bi('Phải là địa chỉ http(s)', 'must be an http(s) URL') }).nullish(),
  /** post: the address the result is sent to. */
  address: z.string().trim().max(500).nullish(),
  /** dossier.fee_requested: the total owed, in đồng. */
  amount: z.number().int().min(1).max(999_999_999_999).nullish(),
});
export type NotificationData = z.input<typeof NotificationData>;

/** Fields an event cannot be told without (its form in Circular 03/2025 has them). */
export const REQUIRED_FIELDS: Record<NotificationEvent, ('dueDate' | 'newDueDate' | 'reason' | 'itemsOrReason' | 'amount')[]> = {
  'dossier.received': [],
  'dossier.supplement_requested': ['itemsOrReason'],
  'dossier.refused': ['reason'],
  'dossier.apology': ['newDueDate'],
  'dossier.result_ready': [],
  'dossier.returned': [],
  'dossier.stopped': ['reason'],
  'dossier.fee_requested': ['amount'],
};

// Vietnamese mobile numbers are written 0912 345 678, +84 912 345 678 or 84912345678.
const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 .-]{6,18}[0-9]$/, bi('Phải là số điện thoại', 'must be a phone number'))
  .transform((v) => v.replace(/[ .-]/g, ''));

export const Recipient = z.object({
  name: z.string().trim().min(1).max(300),
  email: z.email().max(320).nullish(),
  phone: Phone.nullish(),
  zaloId: z.string().trim().min(1).max(100).nullish(),
});
export type Recipient = z.input<typeof Recipient>;

export const NotifyInput = z
  .object({
    recipient: Recipient,
    event: NotificationEvent,
    data: NotificationData,
    lang: NotificationLang.default('vi'),
    /**
     * The units whose officials may read the message in the outbox: those the dossier is
     * received and handled in (its visibility). Required, so no message is written unscoped.
     */
    units: z.array(z.string().trim().min(1).max(40)).min(1).max(10),
    /**
     * The applicant's portal account, when they have one: the event also lands in their
     * in-portal inbox ("Thông báo"), whether or not they can be reached by e-mail or phone.
     */
    citizenId: z.uuid().nullish(),
    /** Names the event (e.g. dossier code and action seq): the inbox keeps one row per key. Default: event and dossier code. */
    key: z.string().trim().min(1).max(200).nullish(),
  })
  .superRefine((n, ctx) => {
    for (const f of REQUIRED_FIELDS[n.event]) {
      if (f === 'itemsOrReason') {
        if (!n.data.items?.length && !n.data.reason) {
          ctx.addIssue({
            code: 'custom',
            path: ['data', 'items'],
            message: `${n.event} needs the items to supplement or a reason`,
            params: { vi: `${n.event} cần danh sách nội dung bổ sung hoặc lý do` },
          });
        }
      } else if (!n.data[f]) ctx.addIssue({ code: 'custom', path: ['data', f], message: `${n.event} needs ${f}`, params: { vi: `${n.event} cần ${f}` } });
    }
  });
export type NotifyInput = z.input<typeof NotifyInput>;

export const NotificationStatus = z.enum(['queued', 'sent', 'failed']);

export const NotificationView = z.object({
  id: z.string(),
  event: z.string(),
  channel: ChannelName,
  lang: NotificationLang,
  recipient: z.string(),
  recipientName: z.string(),
  dossierCode: z.string().nullable(),
  subject: z.string().nullable(),
  text: z.string(),
  status: NotificationStatus,
  attempts: z.number().int(),
  providerId: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  sentAt: z.date().nullable(),
});
export type NotificationView = z.infer<typeof NotificationView>;

export const NotificationDetail = NotificationView.extend({ html: z.string().nullable() });
export type NotificationDetail = z.infer<typeof NotificationDetail>;

export const ListNotificationsQuery = z.object({
  dossierCode: z.string().trim().max(100).optional(),
  channel: ChannelName.optional(),
  status: NotificationStatus.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type ListNotificationsQuery = z.input<typeof ListNotificationsQuery>;

export const NotificationPage = z.object({
  items: z.array(NotificationView),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});
export type NotificationPage = z.infer<typeof NotificationPage>;

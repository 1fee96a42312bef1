import type { DeliveryMethod, NotificationEvent, NotificationLang } from './schemas.ts';
import { charLength, escapeHtml, fitShort, gsmLength, oneLine, toGsm7, type Part } from './text.ts';

/** Template data after validation (NotificationData's output). */
export interface TemplateData {
  dossierCode: string;
  procedureName: string;
  applicantName: string;
  dueDate?: string | null;
  newDueDate?: string | null;
  /** The due moment (ISO 8601) when it has a time of day worth telling (limits in hours, same day). */
  dueAt?: string | null;
  newDueAt?: string | null;
  reason?: string | null;
  items?: string[] | null;
  trackingUrl: string;
  delivery?: DeliveryMethod | null;
  resultUrl?: string | null;
  address?: string | null;
  amount?: number | null;
}

export interface Rendered {
  subject: string;
  /** E-mail body, plain text. */
  text: string;
  /** E-mail body, HTML; every value from data is escaped. */
  html: string;
  /** Short text for Zalo (Unicode), at most 160 characters. */
  short: string;
  /** Short text for SMS: GSM-7 only (unaccented), at most 160 septets. */
  sms: string;
  /** What the event says, without greeting, tracking link or footer: the in-portal inbox shows this. */
  blocks: Block[];
}

export const SHORT_MAX = 160;

export type Block = { p: string } | { list: string[] } | { link: { label: string; url: string } };

interface Message {
  subject: string;
  blocks: Block[];
  short: Part[];
}

/** 'YYYY-MM-DD' → '05/06/2025' (vi) or '5 June 2025' (en); a calendar day, no time zone involved. */
export function formatDay(lang: NotificationLang, iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (lang === 'vi') return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${d} ${months[m - 1]} ${y}`;
}

/**
 * A moment told with its time of day, Vietnam time: '10:00 ngày 07/12/2026' (vi),
 * '10:00 on 7 December 2026' (en); `compact` for the 160-character texts: '10:00 07/12/2026'.
 */
export function formatMoment(lang: NotificationLang, iso: string, compact = false): string {
  const v = new Date(new Date(iso).getTime() + 7 * 3600_000).toISOString();
  const time = v.slice(11, 16);
  const day = formatDay(lang, v.slice(0, 10));
  if (compact) return `${time} ${day}`;
  return lang === 'vi' ? `${time} ngày ${day}` : `${time} on ${day}`;
}

/** An amount in đồng as Vietnamese write it: 1.200.000 đồng. */
const vnd = (n: number) => `${n.toLocaleString('vi-VN')} đồng`;

/** Tells a day, or the moment when there is one: `when(d.dueDate, d.dueAt)`; `compact` in short texts. */
type When = (day: string, at?: string | null, compact?: boolean) => string;
type Compose = (d: TemplateData, when: When) => Message;

// Priority of the elastic parts of a short text: what the applicant must do or know first,
// then the procedure's name (the code already identifies the dossier).
const WHAT = 1;
const PROC = 2;
const proc = (d: TemplateData): Part => ({ before: ' (', value: d.procedureName, after: ')', priority: PROC });

const VI: Record<NotificationEvent, Compose> = {
  'dossier.received': (d, when) => ({
    subject: `Đã tiếp nhận hồ sơ ${d.dossierCode}`,
    blocks: [
      { p: `Cơ quan đã tiếp nhận hồ sơ ${d.dossierCode} của Ông/Bà, thủ tục “${d.procedureName}”.` },
      ...(d.dueDate ? [{ p: `${d.dueAt ? 'Thời gian' : 'Ngày'} hẹn trả kết quả: ${when(d.dueDate, d.dueAt)}.` }] : []),
      { p: 'Ông/Bà vui lòng giữ mã hồ sơ để tra cứu và nhận kết quả.' },
    ],
    short: [
      `Hồ sơ ${d.dossierCode}`,
      proc(d),
      ' đã được tiếp nhận.',
      ...(d.dueDate ? [d.dueAt ? ` Hẹn trả: ${when(d.dueDate, d.dueAt, true)}.` : ` Hẹn trả kết quả ${when(d.dueDate)}.`] : []),
    ],
  }),
  'dossier.supplement_requested': (d) => ({
    subject: `Hồ sơ ${d.dossierCode} cần bổ sung, hoàn thiện`,
    blocks: [
      { p: `Để tiếp tục giải quyết hồ sơ ${d.dossierCode}, thủ tục “${d.procedureName}”, đề nghị Ông/Bà bổ sung, hoàn thiện các nội dung sau:` },
      ...(d.items?.length ? [{ list: d.items }] : []),
      ...(d.reason ? [{ p: `Lý do: ${d.reason}` }] : []),
      { p: 'Thời gian Ông/Bà bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết.' },
    ],
    short: [
      `Hồ sơ ${d.dossierCode}`,
      proc(d),
      ' cần bổ sung',
      { before: ': ', value: d.items?.length ? d.items.join('; ') : (d.reason ?? ''), priority: WHAT },
      '.',
    ],
  }),
  'dossier.refused': (d) => ({
    subject: `Hồ sơ ${d.dossierCode} không được tiếp nhận`,
    blocks: [{ p: `Cơ quan từ chối tiếp nhận hồ sơ ${d.dossierCode} của Ông/Bà, thủ tục “${d.procedureName}”.` }, { p: `Lý do: ${d.reason ?? ''}` }],
    short: [`Hồ sơ ${d.dossierCode}`, proc(d), ' không được tiếp nhận.', { before: ' Lý do: ', value: d.reason ?? '', after: '.', priority: WHAT }],
  }),
  // Form 04 of Circular 03/2025 as the applicant reads it: the apology, why, and the one extension asked for.
  'dossier.apology': (d, when) => ({
    subject: `Xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ ${d.dossierCode}`,
    blocks: [
      {
        p: `Cơ quan giải quyết thành thật xin lỗi Ông/Bà vì hồ sơ ${d.dossierCode}, thủ tục “${d.procedureName}”, không thể giải quyết xong${d.dueDate ? ` đúng hạn (${when(d.dueDate, d.dueAt)})` : ' đúng hạn'}.`,
      },
      ...(d.reason ? [{ p: `Lý do: ${d.reason}` }] : []),
      { p: `Cơ quan đề nghị gia hạn thời gian giải quyết hồ sơ đến ${when(d.newDueDate!, d.newDueAt)}.` },
      { p: 'Thời gian giải quyết hồ sơ chỉ được gia hạn một lần.' },
      { p: 'Rất mong Ông/Bà thông cảm.' },
    ],
    short: [`Xin lỗi: hồ sơ ${d.dossierCode}`, proc(d), `: đề nghị gia hạn đến ${when(d.newDueDate!, d.newDueAt, true)}.`],
  }),
  'dossier.result_ready': (d) => ({
    subject: `Hồ sơ ${d.dossierCode} đã có kết quả`,
    blocks: [
      { p: `Hồ sơ ${d.dossierCode} của Ông/Bà, thủ tục “${d.procedureName}”, đã được giải quyết xong và có kết quả.` },
      { p: 'Ông/Bà xem, tải kết quả điện tử hoặc nhận kết quả theo hình thức đã đăng ký.' },
    ],
    short: [`Hồ sơ ${d.dossierCode}`, proc(d), ' đã có kết quả.'],
  }),
  'dossier.returned': (d) => ({
    subject: `Hồ sơ ${d.dossierCode} đã được trả kết quả`,
    blocks: [
      { p: `Hồ sơ ${d.dossierCode} của Ông/Bà, thủ tục “${d.procedureName}”, đã được trả kết quả.` },
      ...(d.delivery === 'online'
        ? [
            { p: 'Kết quả điện tử đã có trong Kho dữ liệu của Ông/Bà trên Cổng Dịch vụ công: Ông/Bà xem, tải về và dùng lại khi làm thủ tục khác.' },
            ...(d.resultUrl ? [{ link: { label: 'Mở Kho dữ liệu của tôi', url: d.resultUrl } }] : []),
          ]
        : d.delivery === 'desk'
          ? [{ p: 'Ông/Bà nhận kết quả tại Bộ phận Một cửa nơi tiếp nhận hồ sơ; vui lòng mang theo giấy tờ tùy thân và giấy tiếp nhận hồ sơ.' }]
          : d.delivery === 'post'
            ? [
                {
                  p: d.address
                    ? `Kết quả đã được gửi qua dịch vụ bưu chính đến địa chỉ: ${d.address}.`
                    : 'Kết quả đã được gửi qua dịch vụ bưu chính đến địa chỉ Ông/Bà đã đăng ký.',
                },
              ]
            : [{ p: 'Ông/Bà nhận kết quả theo hình thức đã đăng ký khi nộp hồ sơ.' }]),
    ],
    short: [
      `Hồ sơ ${d.dossierCode}`,
      proc(d),
      ' đã trả kết quả',
      {
        before: ': ',
        value: { online: 'xem trong Kho dữ liệu', desk: 'nhận tại Bộ phận Một cửa', post: 'đã gửi qua bưu chính' }[d.delivery ?? 'online'],
        priority: WHAT,
      },
      '.',
    ],
  }),
  'dossier.stopped': (d) => ({
    subject: `Thông báo dừng giải quyết hồ sơ ${d.dossierCode}`,
    blocks: [{ p: `Cơ quan thông báo dừng giải quyết hồ sơ ${d.dossierCode} của Ông/Bà, thủ tục “${d.procedureName}”.` }, { p: `Lý do: ${d.reason ?? ''}` }],
    short: [`Hồ sơ ${d.dossierCode}`, proc(d), ' bị dừng giải quyết.', { before: ' Lý do: ', value: d.reason ?? '', after: '.', priority: WHAT }],
  }),
  'dossier.fee_requested': (d) => ({
    subject: `Hồ sơ ${d.dossierCode}: đề nghị thực hiện nghĩa vụ tài chính`,
    blocks: [
      { p: `Để tiếp tục giải quyết hồ sơ ${d.dossierCode}, thủ tục “${d.procedureName}”, đề nghị Ông/Bà nộp các khoản phí, lệ phí sau:` },
      ...(d.items?.length ? [{ list: d.items }] : []),
      { p: `Tổng số tiền: ${vnd(d.amount ?? 0)}.` },
      ...(d.reason ? [{ p: `Ghi chú: ${d.reason}` }] : []),
      { p: 'Ông/Bà có thể thanh toán trực tuyến trên trang hồ sơ hoặc nộp tại Bộ phận Một cửa. Thời gian chờ nộp không tính vào thời hạn giải quyết.' },
    ],
    short: [`Hồ sơ ${d.dossierCode}`, proc(d), ` cần nộp phí, lệ phí ${vnd(d.amount ?? 0)}.`],
  }),
};

const EN: Record<NotificationEvent, Compose> = {
  'dossier.received': (d, when) => ({
    subject: `Dossier ${d.dossierCode} received`,
    blocks: [
      { p: `We have received your dossier ${d.dossierCode} for the procedure “${d.procedureName}”.` },
      ...(d.dueDate ? [{ p: `Your result is due ${d.dueAt ? 'at' : 'on'} ${when(d.dueDate, d.dueAt)}.` }] : []),
      { p: 'Please keep the dossier code to track it and to collect the result.' },
    ],
    short: [`Dossier ${d.dossierCode}`, proc(d), ' received.', ...(d.dueDate ? [` Result due ${when(d.dueDate, d.dueAt, true)}.`] : [])],
  }),
  'dossier.supplement_requested': (d) => ({
    subject: `Dossier ${d.dossierCode}: more information needed`,
    blocks: [
      { p: `To continue with your dossier ${d.dossierCode} for the procedure “${d.procedureName}”, please provide the following:` },
      ...(d.items?.length ? [{ list: d.items }] : []),
      ...(d.reason ? [{ p: `Reason: ${d.reason}` }] : []),
      { p: 'The time you take to complete the dossier does not count against the processing time.' },
    ],
    short: [
      `Dossier ${d.dossierCode}`,
      proc(d),
      ' needs more',
      { before: ': ', value: d.items?.length ? d.items.join('; ') : (d.reason ?? ''), priority: WHAT },
      '.',
    ],
  }),
  'dossier.refused': (d) => ({
    subject: `Dossier ${d.dossierCode} not accepted`,
    blocks: [{ p: `We cannot accept your dossier ${d.dossierCode} for the procedure “${d.procedureName}”.` }, { p: `Reason: ${d.reason ?? ''}` }],
    short: [`Dossier ${d.dossierCode}`, proc(d), ' not accepted.', { before: ' Reason: ', value: d.reason ?? '', after: '.', priority: WHAT }],
  }),
  'dossier.apology': (d, when) => ({
    subject: `Apology and request to extend the processing time of dossier ${d.dossierCode}`,
    blocks: [
      {
        p: `We sincerely apologise: your dossier ${d.dossierCode} for the procedure “${d.procedureName}” cannot be completed${d.dueDate ? ` by the due time (${when(d.dueDate, d.dueAt)})` : ' on time'}.`,
      },
      ...(d.reason ? [{ p: `Reason: ${d.reason}` }] : []),
      { p: `We ask to extend the processing time of your dossier to ${when(d.newDueDate!, d.newDueAt)}.` },
      { p: 'The processing time can be extended only once.' },
      { p: 'Thank you for your understanding.' },
    ],
    short: [`Sorry: dossier ${d.dossierCode}`, proc(d), `: extension to ${when(d.newDueDate!, d.newDueAt, true)}.`],
  }),
  'dossier.result_ready': (d) => ({
    subject: `Dossier ${d.dossierCode}: your result is ready`,
    blocks: [
      { p: `Your dossier ${d.dossierCode} for the procedure “${d.procedureName}” has been processed and the result is ready.` },
      { p: 'You can view and download the electronic result, or collect it as you chose when filing.' },
    ],
    short: [`Dossier ${d.dossierCode}`, proc(d), ': result ready.'],
  }),
  'dossier.returned': (d) => ({
    subject: `Dossier ${d.dossierCode}: result returned`,
    blocks: [
      { p: `The result of your dossier ${d.dossierCode} for the procedure “${d.procedureName}” has been returned.` },
      ...(d.delivery === 'online'
        ? [
            { p: 'The electronic result is in your e-data repository on the public service portal: view it, download it and reuse it for other procedures.' },
            ...(d.resultUrl ? [{ link: { label: 'Open my repository', url: d.resultUrl } }] : []),
          ]
        : d.delivery === 'desk'
          ? [{ p: 'Collect the result at the one-stop desk where the dossier was received; bring your identity document and the receipt.' }]
          : d.delivery === 'post'
            ? [{ p: d.address ? `The result has been sent by post to: ${d.address}.` : 'The result has been sent by post to the address you gave.' }]
            : [{ p: 'You receive the result as you chose when filing.' }]),
    ],
    short: [
      `Dossier ${d.dossierCode}`,
      proc(d),
      ': result returned',
      { before: ': ', value: { online: 'see your repository', desk: 'collect it at the desk', post: 'sent by post' }[d.delivery ?? 'online'], priority: WHAT },
      '.',
    ],
  }),
  'dossier.stopped': (d) => ({
    subject: `Processing of dossier ${d.dossierCode} stopped`,
    blocks: [{ p: `Processing of your dossier ${d.dossierCode} for the procedure “${d.procedureName}” has been stopped.` }, { p: `Reason: ${d.reason ?? ''}` }],
    short: [`Dossier ${d.dossierCode}`, proc(d), ' stopped.', { before: ' Reason: ', value: d.reason ?? '', after: '.', priority: WHAT }],
  }),
  'dossier.fee_requested': (d) => ({
    subject: `Dossier ${d.dossierCode}: fees to pay`,
    blocks: [
      { p: `To continue with your dossier ${d.dossierCode} for the procedure “${d.procedureName}”, please pay the following fees:` },
      ...(d.items?.length ? [{ list: d.items }] : []),
      { p: `Total: ${vnd(d.amount ?? 0)}.` },
      ...(d.reason ? [{ p: `Note: ${d.reason}` }] : []),
      { p: 'You can pay online on the dossier page or at the one-stop desk. The time until payment does not count against the processing time.' },
    ],
    short: [`Dossier ${d.dossierCode}`, proc(d), `: fees of ${vnd(d.amount ?? 0)} to pay.`],
  }),
};

const COMMON = {
  vi: {
    greeting: (name: string) => `Kính gửi Ông/Bà ${name},`,
    track: 'Tra cứu tình trạng hồ sơ',
    shortTrack: ' Tra cứu: ',
    footer: 'Thư này được gửi tự động từ Hệ thống một cửa điện tử; vui lòng không trả lời thư này.',
  },
  en: {
    greeting: (name: string) => `Dear ${name},`,
    track: 'Track your dossier',
    shortTrack: ' Track: ',
    footer: 'This message was sent automatically by the electronic one-stop office; please do not reply.',
  },
} as const;

/** Renders an event's message in one language, for every channel. Pure: same data, same text. */
export function renderNotification(event: NotificationEvent, lang: NotificationLang, d: TemplateData): Rendered {
  const m = (lang === 'en' ? EN : VI)[event](d, (day, at, compact) => (at ? formatMoment(lang, at, compact) : formatDay(lang, day)));
  const c = COMMON[lang];
  const blocks: Block[] = [{ p: c.greeting(d.applicantName) }, ...m.blocks, { link: { label: c.track, url: d.trackingUrl } }];

  const text = `${blocks
    .map((b) => ('p' in b ? b.p : 'list' in b ? b.list.map((i) => `  - ${oneLine(i)}`).join('\n') : `${b.link.label}: ${b.link.url}`))
    .join('\n\n')}\n\n-- \n${c.footer}\n`;

  const para = (s: string) => `<p>${escapeHtml(s).replace(/\r?\n/g, '<br>')}</p>`;
  const html = [
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(oneLine(m.subject))}</title></head>`,
    '<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c">',
    ...blocks.map((b) =>
      'p' in b
        ? para(b.p)
        : 'list' in b
          ? `<ul>${b.list.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
          : `<p><a href="${escapeHtml(b.link.url)}">${escapeHtml(b.link.label)}</a></p>`,
    ),
    `<hr><p style="font-size: 14px; color: #505a5f">${escapeHtml(c.footer)}</p>`,
    '</body></html>',
  ].join('\n');

  const shortParts: Part[] = [...m.short, c.shortTrack, d.trackingUrl];
  return {
    subject: oneLine(m.subject),
    text,
    html,
    short: fitShort(shortParts, { max: SHORT_MAX, measure: charLength, ellipsis: '…', map: (s) => s.normalize('NFC') }),
    sms: fitShort(shortParts, { max: SHORT_MAX, measure: gsmLength, ellipsis: '...', map: toGsm7 }),
    blocks: m.blocks,
  };
}

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import { AppError } from '../../platform/errors.ts';
import { NOTIFICATION_EVENTS, NotificationData, NotifyInput, type NotificationEvent } from './schemas.ts';
import { formatDay, formatMoment, renderNotification, SHORT_MAX, type TemplateData } from './templates.ts';
import { charLength, escapeHtml, gsmLength, stripAccents, toGsm7 } from './text.ts';

const LANGS = ['vi', 'en'] as const;

const base: TemplateData = {
  dossierCode: '000.00.00.G12-250107-0042',
  procedureName: 'Cấp Giấy phép kinh doanh hoạt động thương mại điện tử',
  applicantName: 'Nguyễn Thị Ánh Tuyết',
  dueDate: '2025-01-21',
  newDueDate: '2025-02-04',
  reason: 'Thiếu bản sao Căn cước công dân',
  items: ['Bản sao Căn cước công dân', 'Đơn đề nghị (mẫu 01)'],
  trackingUrl: 'https://dichvucong.example.gov.vn/tra-cuu?ma=000.00.00.G12-250107-0042',
};

// Independent reference for GSM 03.38: the basic set and the extension set, as published.
const GSM7 = new Set([
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ...'^{}\\[~]|€',
]);
const VIETNAMESE_MARKS = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

describe('notification templates', () => {
  it('render every event in both languages, with the code in the subject and the tracking link in every body', () => {
    const subjects = new Set<string>();
    for (const event of NOTIFICATION_EVENTS) {
      for (const lang of LANGS) {
        const r = renderNotification(event, lang, base);
        expect(r.subject).toContain(base.dossierCode);
        subjects.add(r.subject);
        expect(r.text).toContain(base.applicantName);
        expect(r.text).toContain(base.procedureName);
        expect(r.text).toContain(base.trackingUrl);
        expect(r.html).toContain(`href="${escapeHtml(base.trackingUrl)}"`);
        expect(r.html).toContain(`lang="${lang}"`);
        expect(r.short).toContain(base.dossierCode);
        expect(r.short).toContain(base.trackingUrl);
        expect(r.sms).toContain(base.trackingUrl);
        expect(charLength(r.short)).toBeLessThanOrEqual(SHORT_MAX);
        expect(gsmLength(r.sms)).toBeLessThanOrEqual(SHORT_MAX);
        expect(r.sms).not.toMatch(VIETNAMESE_MARKS);
      }
      // Vietnamese comes with its diacritics, English is different text.
      expect(renderNotification(event, 'vi', base).subject).toMatch(VIETNAMESE_MARKS);
      expect(renderNotification(event, 'en', base).subject).not.toBe(renderNotification(event, 'vi', base).subject);
    }
    expect(subjects.size).toBe(NOTIFICATION_EVENTS.length * 2);
  });

  it('say what each event is about', () => {
    const vi = (e: NotificationEvent) => renderNotification(e, 'vi', base);
    expect(vi('dossier.received').text).toContain('Ngày hẹn trả kết quả: 21/01/2025');
    expect(renderNotification('dossier.received', 'en', base).text).toContain('21 January 2025');
    expect(vi('dossier.received').short).toContain('Hẹn trả kết quả 21/01/2025');
    for (const item of base.items!) expect(vi('dossier.supplement_requested').text).toContain(`  - ${item}`);
    expect(vi('dossier.supplement_requested').html).toContain('<li>Bản sao Căn cước công dân</li>');
    expect(vi('dossier.supplement_requested').text).toContain('không tính vào thời hạn giải quyết');
    expect(vi('dossier.refused').text).toContain(`Lý do: ${base.reason}`);
    expect(vi('dossier.stopped').short).toContain('Lý do: ');
    expect(vi('dossier.stopped').subject).toBe(`Thông báo dừng giải quyết hồ sơ ${base.dossierCode}`);
    expect(vi('dossier.stopped').short).toContain('bị dừng giải quyết.');
    // Form 04 of Circular 03/2025 as the applicant reads it: apology, reason, the extension asked for, once only.
    const apology = vi('dossier.apology');
    expect(apology.subject).toBe(`Xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ ${base.dossierCode}`);
    expect(apology.text).toContain('thành thật xin lỗi Ông/Bà');
    expect(apology.text).toContain('không thể giải quyết xong đúng hạn (21/01/2025)');
    expect(apology.text).toContain(`Lý do: ${base.reason}`);
    expect(apology.text).toContain('Cơ quan đề nghị gia hạn thời gian giải quyết hồ sơ đến 04/02/2025.');
    expect(apology.text).toContain('Thời gian giải quyết hồ sơ chỉ được gia hạn một lần.');
    expect(apology.sms).toContain('Xin loi: ho so 000.00.00.G12-250107-0042');
    expect(apology.sms).toContain('de nghi gia han den 04/02/2025');
    const en = renderNotification('dossier.apology', 'en', base).text;
    expect(en).toContain('We ask to extend the processing time of your dossier to 4 February 2025.');
    expect(en).toContain('The processing time can be extended only once.');
    for (const e of NOTIFICATION_EVENTS) expect(vi(e).text).not.toMatch(/hẹn lại ngày|dừng xử lý|Tiếp nhận và Trả kết quả/);
    expect(vi('dossier.result_ready').subject).toBe(`Hồ sơ ${base.dossierCode} đã có kết quả`);
  });

  it('tell the time of day where the limit counts hours', () => {
    const hours = { ...base, dueDate: '2026-12-08', dueAt: '2026-12-08T03:00:00.000Z', newDueDate: '2026-12-09', newDueAt: '2026-12-09T08:30:00+07:00' };
    expect(renderNotification('dossier.received', 'vi', hours).text).toContain('Thời gian hẹn trả kết quả: 10:00 ngày 08/12/2026.');
    expect(renderNotification('dossier.received', 'vi', hours).short).toContain('Hẹn trả: 10:00 08/12/2026.');
    expect(renderNotification('dossier.received', 'en', hours).text).toContain('Your result is due at 10:00 on 8 December 2026.');
    const apology = renderNotification('dossier.apology', 'vi', hours);
    expect(apology.text).toContain('đúng hạn (10:00 ngày 08/12/2026)');
    expect(apology.text).toContain('đề nghị gia hạn thời gian giải quyết hồ sơ đến 08:30 ngày 09/12/2026.');
    expect(apology.sms).toContain('de nghi gia han den 08:30 09/12/2026.');
    for (const e of NOTIFICATION_EVENTS)
      for (const lang of LANGS) {
        const r = renderNotification(e, lang, hours);
        expect(r.short.endsWith(hours.trackingUrl), `${e} ${lang}`).toBe(true);
        expect(r.sms.endsWith(hours.trackingUrl), `${e} ${lang}`).toBe(true);
      }
    expect(renderNotification('dossier.apology', 'en', hours).text).toContain('to 08:30 on 9 December 2026.');
    expect(formatMoment('vi', '2026-12-31T17:30:00Z')).toBe('00:30 ngày 01/01/2027');
    expect(NotificationData.safeParse({ ...hours }).success).toBe(true);
    expect(NotificationData.safeParse({ ...hours, dueAt: '2026-12-08 10:00' }).success).toBe(false);
  });

  it('escape every value in the HTML', () => {
    const evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)> \'';
    const d: TemplateData = {
      ...base,
      procedureName: evil,
      applicantName: evil,
      reason: evil,
      items: [evil],
      trackingUrl: 'https://x.example/?a=1&b="><script>',
    };
    for (const event of NOTIFICATION_EVENTS) {
      for (const lang of LANGS) {
        const { html, text } = renderNotification(event, lang, d);
        expect(html).not.toContain('<script');
        expect(html).not.toContain('<img');
        expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; &#39;');
        expect(html).toContain('href="https://x.example/?a=1&amp;b=&quot;&gt;&lt;script&gt;"');
        // Only the template's own tags remain.
        const tags = new Set([...html.matchAll(/<\/?([a-z]+)/gi)].map((m) => m[1].toLowerCase()));
        for (const tag of tags) expect(['html', 'head', 'meta', 'title', 'body', 'p', 'br', 'ul', 'li', 'a', 'hr']).toContain(tag);
        // The plain text keeps the data as it is.
        expect(text).toContain(evil);
      }
    }
  });

  it('fit the short texts into 160 characters for any data, SMS in GSM-7 only, keeping the code and the link', () => {
    const pool = [...'aAđĐăâêôơưÂÊÔƠƯàảãạằẳẵặẦẤẬềểễệỄìỉĩịòỏõọồổỗộờởỡợùủũụừửữựỳỷỹỵ bc \n\t.,;:!?()"\'“”–…[]{}~€^|\\😀中ß'];
    const text = (max: number) => fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: max }).map((a) => a.join(''));
    const data = fc.record({
      dossierCode: fc.stringMatching(/^[A-Z0-9.]{5,20}-\d{6}-\d{4}$/),
      procedureName: text(600),
      applicantName: text(80),
      dueDate: fc.constant('2025-03-10'),
      newDueDate: fc.constant('2025-03-24'),
      // Limits in hours tell the time too: '10:00 10/03/2025' must fit as well.
      dueAt: fc.option(fc.constant('2025-03-10T03:00:00.000Z'), { nil: undefined }),
      newDueAt: fc.option(fc.constant('2025-09-24T10:30:00+07:00'), { nil: undefined }),
      reason: fc.option(text(800), { nil: undefined }),
      items: fc.option(fc.array(text(200), { minLength: 1, maxLength: 8 }), { nil: undefined }),
      trackingUrl: fc.stringMatching(/^https:\/\/[a-z]{3,20}\.vn\/tra-cuu\?ma=[A-Z0-9]{1,20}$/),
    });
    fc.assert(
      fc.property(data, fc.constantFrom(...NOTIFICATION_EVENTS), fc.constantFrom(...LANGS), (d, event, lang) => {
        const r = renderNotification(event, lang, { ...d, reason: d.reason ?? 'Lý do' });
        expect(charLength(r.short)).toBeLessThanOrEqual(SHORT_MAX);
        expect(gsmLength(r.sms)).toBeLessThanOrEqual(SHORT_MAX);
        for (const c of r.sms) expect(GSM7.has(c), `SMS character ${JSON.stringify(c)}`).toBe(true);
        expect(r.sms).not.toMatch(VIETNAMESE_MARKS);
        expect(r.short).not.toMatch(/\n/);
        for (const s of [r.short, r.sms]) {
          expect(s).toContain(d.dossierCode);
          expect(s.endsWith(d.trackingUrl)).toBe(true);
        }
        // Same data, same message: a retried job or a re-render gives the text that was stored.
        expect(renderNotification(event, lang, { ...d, reason: d.reason ?? 'Lý do' })).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });

  it('keep a short procedure name and reason whole, and shorten long ones with an ellipsis', () => {
    const url = 'https://dvc.example.vn/hs/0042';
    const short = renderNotification('dossier.refused', 'vi', { ...base, trackingUrl: url, procedureName: 'Cấp phép', reason: 'Sai mẫu đơn' });
    expect(short.short).toBe(`Hồ sơ ${base.dossierCode} (Cấp phép) không được tiếp nhận. Lý do: Sai mẫu đơn. Tra cứu: ${url}`);
    expect(short.sms).toBe(`Ho so ${base.dossierCode} (Cap phep) khong duoc tiep nhan. Ly do: Sai mau don. Tra cuu: ${url}`);
    // 164 characters with the procedure's name: the name goes, the reason stays.
    const tight = renderNotification('dossier.refused', 'vi', { ...base, procedureName: 'Cấp phép', reason: 'Sai mẫu đơn' });
    expect(tight.short).toBe(`Hồ sơ ${base.dossierCode} không được tiếp nhận. Lý do: Sai mẫu đơn. Tra cứu: ${base.trackingUrl}`);
    const long = renderNotification('dossier.refused', 'vi', { ...base, reason: 'Hồ sơ thiếu giấy tờ '.repeat(20) });
    expect(long.short).toContain('Lý do: Hồ sơ thiếu');
    expect(long.short).toMatch(/…\. Tra cứu: /);
    expect(long.sms).toMatch(/\.\.\.\. Tra cuu: /);
    // The reason keeps its room before the procedure name does.
    expect(long.short).not.toContain('(Cấp Giấy phép');
  });
});

describe('text for SMS', () => {
  it('strips Vietnamese accents but keeps case', () => {
    expect(stripAccents('Đăng ký Hộ Kinh Doanh – ĐỒNG THÁP')).toBe('Dang ky Ho Kinh Doanh – DONG THAP');
    expect(toGsm7('“Giấy phép” – Đà Nẵng… 😀 中')).toBe('"Giay phep" - Da Nang... ? ?');
  });

  it('agrees with the search folding up to case, on Vietnamese words, composed or decomposed', async () => {
    const { foldVietnamese } = await import('../../platform/i18n/normalize.ts');
    const letters = [...'abcdeghiklmnopqrstuvxyĐđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệÌÍỈĨỊìíỉĩịòóỏõọôồốổỗộơờớởỡợÙÚỦŨỤƯỪỨỬỮỰùúủũụưừứửữựỳýỷỹỵ'];
    const word = fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 10 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
        const s = words.join(' ');
        const stripped = stripAccents(s);
        expect(stripped).toMatch(/^[A-Za-z ]+$/);
        expect(stripped.toLowerCase()).toBe(foldVietnamese(s));
        expect(stripAccents(s.normalize('NFD'))).toBe(stripped);
        expect([...stripped].length).toBe([...s.normalize('NFC')].length);
      }),
    );
  });

  it('formats calendar days without a time zone', () => {
    expect(formatDay('vi', '2025-09-02')).toBe('02/09/2025');
    expect(formatDay('en', '2025-09-02')).toBe('2 September 2025');
  });
});

describe('notify input', () => {
  const ok = {
    recipient: { name: 'Trần Văn Bình', email: 'binh@example.vn', phone: '0912 345 678' },
    event: 'dossier.refused',
    data: base,
    units: ['000.05.01.G12'],
  } as const;

  it('needs the fields each event is told with', () => {
    expect(NotifyInput.safeParse(ok).success).toBe(true);
    const cases: [NotificationEvent, Partial<TemplateData>, string][] = [
      ['dossier.refused', { reason: null }, 'data.reason'],
      ['dossier.stopped', { reason: undefined }, 'data.reason'],
      ['dossier.apology', { newDueDate: null }, 'data.newDueDate'],
      ['dossier.supplement_requested', { items: [], reason: null }, 'data.items'],
    ];
    for (const [event, change, pathText] of cases) {
      const r = NotifyInput.safeParse({ ...ok, event, data: { ...base, ...change } });
      expect(r.success).toBe(false);
      expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(pathText);
    }
    expect(NotifyInput.safeParse({ ...ok, event: 'dossier.supplement_requested', data: { ...base, items: null } }).success).toBe(true);
    expect(NotifyInput.safeParse({ ...ok, event: 'dossier.received', data: { ...base, dueDate: null, reason: null, items: null } }).success).toBe(true);
  });

  it('refuses bad dates, tracking links that are not http(s), bad addresses and unknown events', () => {
    expect(NotificationData.safeParse({ ...base, dueDate: '21/01/2025' }).success).toBe(false);
    expect(NotificationData.safeParse({ ...base, trackingUrl: 'javascript:alert(1)' }).success).toBe(false);
    expect(NotifyInput.safeParse({ ...ok, recipient: { ...ok.recipient, email: 'not-an-address' } }).success).toBe(false);
    expect(NotifyInput.safeParse({ ...ok, recipient: { ...ok.recipient, phone: 'call me' } }).success).toBe(false);
    expect(NotifyInput.safeParse({ ...ok, event: 'dossier.eaten' }).success).toBe(false);
    // Every message is scoped to the units of its dossier: none is written for everyone.
    expect(NotifyInput.safeParse({ ...ok, units: [] }).success).toBe(false);
    expect(NotifyInput.safeParse({ ...ok, units: undefined }).success).toBe(false);
    const parsed = NotifyInput.parse({ ...ok, recipient: { ...ok.recipient, phone: '+84 912.345-678' } });
    expect(parsed.recipient.phone).toBe('+84912345678');
    expect(parsed.lang).toBe('vi');
  });
});

describe('SMTP configuration', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-smtp-cfg-'));
  it('is absent without SMTP_URL, and takes a default sender with it', () => {
    expect(loadConfig({ DATA_DIR: dir }).smtp).toBeUndefined();
    expect(loadConfig({ DATA_DIR: dir, SMTP_URL: 'smtp://u:p@mail.example.vn:587' }).smtp).toEqual({
      url: 'smtp://u:p@mail.example.vn:587',
      from: 'congso <no-reply@localhost>',
    });
    expect(loadConfig({ DATA_DIR: dir, SMTP_URL: 'smtps://mail.example.vn', MAIL_FROM: 'Bộ Công Thương <mot-cua@moit.gov.vn>' }).smtp?.from).toBe(
      'Bộ Công Thương <mot-cua@moit.gov.vn>',
    );
  });

  it('refuses a bad URL or sender without printing the password', () => {
    for (const env of [
      { SMTP_URL: 'http://u:hunter22@mail.example.vn' },
      { SMTP_URL: 'smtp://u:hunter22@' },
      { SMTP_URL: 'smtp://u:hunter22@mail.example.vn', MAIL_FROM: 'nobody' },
    ]) {
      let err: unknown;
      try {
        loadConfig({ DATA_DIR: dir, ...env });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('CONFIG_INVALID');
      expect((err as AppError).text.en).toMatch(/SMTP_URL|MAIL_FROM/);
      expect((err as AppError).text.en).not.toContain('hunter22');
    }
  });
});

describe('the notification at return', () => {
  it('says where the result is, by the way the applicant receives it', () => {
    const online = renderNotification('dossier.returned', 'vi', { ...base, delivery: 'online', resultUrl: 'https://dichvucong.example.gov.vn/kho-du-lieu' });
    expect(online.text).toContain('Kho dữ liệu');
    expect(online.html).toContain('href="https://dichvucong.example.gov.vn/kho-du-lieu"');
    expect(online.short).toContain('xem trong Kho dữ liệu');
    const desk = renderNotification('dossier.returned', 'vi', { ...base, delivery: 'desk' });
    expect(desk.text).toContain('nhận kết quả tại Bộ phận Một cửa');
    expect(desk.text).not.toContain('kho-du-lieu');
    const post = renderNotification('dossier.returned', 'en', { ...base, delivery: 'post', address: 'Số 1 Tràng Tiền, Hà Nội' });
    expect(post.text).toContain('sent by post to: Số 1 Tràng Tiền, Hà Nội.');
    expect(post.sms).toContain('sent by post');
    // The in-portal inbox shows the event's own blocks: no greeting, no footer.
    expect(post.blocks.map((b) => ('p' in b ? b.p : '')).join(' ')).not.toMatch(/Dear|automatically/);
  });
});

import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestApp, type TestApp, until } from '../../../test/helpers.ts';
import { notify } from './notify.ts';
import { NOTIFICATION_QUEUE, registerNotificationWorkers } from './workers.ts';

/** What the local mail server received. */
interface Received {
  from: string | undefined;
  to: string[];
  user: string | undefined;
  raw: string;
}

let smtp: SMTPServer;
let port: number;
const inbox: Received[] = [];
let t: TestApp;
let workerId: string;

beforeAll(async () => {
  port = await freePort();
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === 'congso' && auth.password === 'mật-khẩu') cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.endsWith('@bounce.example')) cb(Object.assign(new Error('5.1.1 Mailbox does not exist'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  t = await startTestApp({
    demo: false,
    env: { SMTP_URL: `smtp://congso:${encodeURIComponent('mật-khẩu')}@127.0.0.1:${port}`, MAIL_FROM: 'Bộ Công Thương – Một cửa <mot-cua@moit.gov.vn>' },
  });
  workerId = await registerNotificationWorkers(t.ctx, { retryDelaySeconds: 60 });
});
afterAll(async () => {
  await t?.ctx.jobs.boss.offWork(NOTIFICATION_QUEUE, { id: workerId });
  await t?.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

// A small reader for what nodemailer writes (RFC 5322 + MIME), independent of the code under test.
function headersOf(part: string): Map<string, string> {
  const head = part.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const map = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) map.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return map;
}
const decodeWords = (v: string) =>
  v.replace(/(=\?[^?]+\?[BQ]\?[^?]*\?=)\s+(?==\?)/gi, '$1').replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_m, charset: string, enc: string, text: string) => {
    expect(charset.toLowerCase()).toBe('utf-8');
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : qp(text.replace(/_/g, ' '));
    return bytes.toString('utf8');
  });
const qp = (s: string) => {
  const out: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-F]{2}$/i.test(src.slice(i + 1, i + 3))) {
      out.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...Buffer.from(src[i], 'utf8'));
  }
  return Buffer.from(out);
};
function textPart(raw: string, type: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headersOf(raw).get('content-type') ?? '')?.[1];
  const parts = boundary ? raw.split(`--${boundary}`).slice(1, -1) : [raw];
  const part = parts.find((p) => (headersOf(p.replace(/^\r?\n/, '')).get('content-type') ?? '').startsWith(type));
  if (!part) throw new Error(`no ${type} part`);
  const p = part.replace(/^\r?\n/, '');
  const h = headersOf(p);
  expect(h.get('content-type')).toMatch(/charset=utf-8/i);
  // The line break before a boundary belongs to the boundary (RFC 2046).
  const body = p.slice(p.search(/\r?\n\r?\n/)).replace(/^\r?\n\r?\n/, '');
  const content = boundary ? body.replace(/\r?\n$/, '') : body;
  const cte = (h.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  return (cte === 'base64' ? Buffer.from(content.replace(/\s+/g, ''), 'base64') : cte === 'quoted-printable' ? qp(content) : Buffer.from(content)).toString(
    'utf8',
  );
}

const data = (code: string) => ({
  dossierCode: code,
  procedureName: 'Cấp Giấy chứng nhận đủ điều kiện sản xuất hóa chất',
  applicantName: 'Đỗ Thị Hương Giang',
  dueDate: '2025-07-15',
  trackingUrl: `http://localhost/tra-cuu?ma=${code}`,
});

describe('e-mail over SMTP', () => {
  it('delivers the message with its Vietnamese subject, sender and body intact', async () => {
    const code = 'S01-250701-0001';
    const [w] = await t.ctx.database.db.transaction().execute((tx) =>
      notify(t.ctx, tx, {
        recipient: { name: 'Đỗ Thị Hương Giang', email: 'giang@example.vn' },
        event: 'dossier.received',
        data: data(code),
        units: ['000.07.01.G12'],
      }),
    );
    const row = await until('the row sent', async () => {
      const r = await t.ctx.database.db.selectFrom('notifications').selectAll().where('id', '=', w.id).executeTakeFirst();
      return r?.status === 'sent' && r;
    });
    const msg = inbox.find((m) => m.raw.includes(`<${w.id}@moit.gov.vn>`));
    expect(msg).toBeDefined();
    expect(msg).toMatchObject({ from: 'mot-cua@moit.gov.vn', to: ['giang@example.vn'], user: 'congso' });

    const h = headersOf(msg!.raw);
    expect(decodeWords(h.get('subject')!)).toBe(`Đã tiếp nhận hồ sơ ${code}`);
    expect(decodeWords(h.get('subject')!)).toBe(row.subject);
    expect(decodeWords(h.get('from')!)).toBe('Bộ Công Thương – Một cửa <mot-cua@moit.gov.vn>');
    expect(decodeWords(h.get('to')!)).toBe('Đỗ Thị Hương Giang <giang@example.vn>');
    expect(h.get('message-id')).toBe(`<${w.id}@moit.gov.vn>`);
    expect(h.get('auto-submitted')).toBe('auto-generated');
    // Headers travel as 7-bit ASCII; the Vietnamese is encoded, not mangled.
    expect(/^[\x20-\x7e]*$/.test(h.get('subject')!)).toBe(true);

    const text = textPart(msg!.raw, 'text/plain');
    expect(text.replace(/\r\n/g, '\n')).toBe(row.body_text);
    expect(text).toContain('Ngày hẹn trả kết quả: 15/07/2025.');
    expect(textPart(msg!.raw, 'text/html').replace(/\r\n/g, '\n')).toBe(row.body_html);

    expect(row).toMatchObject({ attempts: 1, last_error: null, provider_id: `smtp:<${w.id}@moit.gov.vn>` });
  });

  it('records the server refusing the recipient as a failed attempt, for pg-boss to retry', async () => {
    const [w] = await t.ctx.database.db.transaction().execute((tx) =>
      notify(t.ctx, tx, {
        recipient: { name: 'Không Tồn Tại', email: 'khong-ai@bounce.example' },
        event: 'dossier.result_ready',
        data: data('S01-250701-0002'),
        units: ['000.07.01.G12'],
      }),
    );
    const row = await until('the failure recorded', async () => {
      const r = await t.ctx.database.db.selectFrom('notifications').selectAll().where('id', '=', w.id).executeTakeFirst();
      return r?.status === 'failed' && r;
    });
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/550|Mailbox does not exist/);
    expect(inbox.some((m) => m.raw.includes(`<${w.id}@moit.gov.vn>`))).toBe(false);
  });
});

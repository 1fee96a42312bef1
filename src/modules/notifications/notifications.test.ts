import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestApp, tokenFor, type TestApp, until } from '../../../test/helpers.ts';
import { AppError } from '../../platform/errors.ts';
import { outboxChannel, type Channel } from './channels.ts';
import { notify } from './notify.ts';
import type { NotificationDetail, NotificationPage } from './schemas.ts';
import { sendNotification } from './send-notification.ts';
import { ensureNotificationQueues, NOTIFICATION_QUEUE, registerNotificationWorkers } from './workers.ts';

let t: TestApp;
beforeAll(async () => {
  // The demo organisation: the outbox shows officials the messages of the units they cover.
  t = await startTestApp();
  await ensureNotificationQueues(t.ctx);
});
afterAll(() => t?.close());

const data = (code: string) => ({
  dossierCode: code,
  procedureName: 'Cấp Giấy phép kinh doanh bán lẻ rượu',
  applicantName: 'Phạm Thị Hồng Nhung',
  dueDate: '2025-06-20',
  trackingUrl: `http://localhost/tra-cuu?ma=${code}`,
});
/** The units of the (made-up) dossiers these messages are about. */
const UNITS = ['000.05.01.G12'];
const everywhere = { name: 'Phạm Thị Hồng Nhung', email: 'nhung@example.vn', phone: '0912 345 678', zaloId: 'zalo-8841' };

const rowsFor = (code: string) => t.ctx.database.db.selectFrom('notifications').selectAll().where('dossier_code', '=', code).orderBy('channel').execute();
const jobsFor = async (ids: string[]) =>
  ids.length
    ? (
        await sql<{
          id: string;
          data: { id: string };
          retry_limit: number;
          retry_backoff: boolean;
          state: string;
        }>`select id, data, retry_limit, retry_backoff, state from pgboss.job where name = ${NOTIFICATION_QUEUE} and data->>'id' in (${sql.join(ids)})`.execute(
          t.ctx.database.db,
        )
      ).rows
    : [];

const FOOTER_VI = '-- \nThư này được gửi tự động từ Hệ thống một cửa điện tử; vui lòng không trả lời thư này.\n';
const FOOTER_EN = '-- \nThis message was sent automatically by the electronic one-stop office; please do not reply.\n';
const RECEIVED_VI_TEXT = [
  'Kính gửi Ông/Bà Phạm Thị Hồng Nhung,',
  'Cơ quan đã tiếp nhận hồ sơ T01-250601-0001 của Ông/Bà, thủ tục “Cấp Giấy phép kinh doanh bán lẻ rượu”.',
  'Ngày hẹn trả kết quả: 20/06/2025.',
  'Ông/Bà vui lòng giữ mã hồ sơ để tra cứu và nhận kết quả.',
  'Tra cứu tình trạng hồ sơ: http://localhost/tra-cuu?ma=T01-250601-0001',
  FOOTER_VI,
].join('\n\n');

describe('notify, in the transaction of the state change', () => {
  it('writes one queued, rendered row per channel and a job per row when the transaction commits', async () => {
    const code = 'T01-250601-0001';
    const written = await t.ctx.database.db
      .transaction()
      .execute((tx) => notify(t.ctx, tx, { units: UNITS, recipient: everywhere, event: 'dossier.received', data: data(code) }));
    expect(written.map((w) => w.channel).sort()).toEqual(['email', 'sms', 'zalo']);

    const rows = await rowsFor(code);
    expect(rows.map((r) => [r.channel, r.recipient, r.status, r.attempts, r.lang])).toEqual([
      ['email', 'nhung@example.vn', 'queued', 0, 'vi'],
      ['sms', '0912345678', 'queued', 0, 'vi'],
      ['zalo', 'zalo-8841', 'queued', 0, 'vi'],
    ]);
    const [email, sms, zalo] = rows;
    // The receipt (form 01's notice), written out: what the applicant reads, not what the template makes.
    expect(email).toMatchObject({
      subject: 'Đã tiếp nhận hồ sơ T01-250601-0001',
      body_text: RECEIVED_VI_TEXT,
      event: 'dossier.received',
      recipient_name: everywhere.name,
    });
    expect(email.body_html).toContain('<html lang="vi">');
    expect(email.body_html).toContain('<p>Ngày hẹn trả kết quả: 20/06/2025.</p>');
    expect(sms).toMatchObject({
      subject: null,
      body_html: null,
      body_text:
        'Ho so T01-250601-0001 (Cap Giay phep kinh doanh ban le ruou) da duoc tiep nhan. Hen tra ket qua 20/06/2025. Tra cuu: http://localhost/tra-cuu?ma=T01-250601-0001',
    });
    expect(zalo).toMatchObject({
      subject: null,
      body_html: null,
      body_text:
        'Hồ sơ T01-250601-0001 (Cấp Giấy phép kinh doanh bán lẻ rượu) đã được tiếp nhận. Hẹn trả kết quả 20/06/2025. Tra cứu: http://localhost/tra-cuu?ma=T01-250601-0001',
    });
    expect(email.data).toMatchObject(data(code));
    for (const r of rows) expect(r.dossier_units).toEqual(UNITS);

    const jobs = await jobsFor(rows.map((r) => r.id));
    expect(jobs.map((j) => j.data.id).sort()).toEqual(rows.map((r) => r.id).sort());
    for (const j of jobs) expect(j).toMatchObject({ retry_limit: 5, retry_backoff: true });
  });

  it('leaves no row and no job when the transaction rolls back', async () => {
    const code = 'T01-250601-0002';
    let ids: string[] = [];
    await expect(
      t.ctx.database.db.transaction().execute(async (tx) => {
        ids = (
          await notify(t.ctx, tx, { units: UNITS, recipient: everywhere, event: 'dossier.refused', data: { ...data(code), reason: 'Không thuộc thẩm quyền' } })
        ).map((w) => w.id);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(ids).toHaveLength(3);
    expect(await rowsFor(code)).toEqual([]);
    expect(await jobsFor(ids)).toEqual([]);
  });

  it('uses only the channels the applicant can be reached on, in the language asked for', async () => {
    const code = 'T01-250601-0003';
    const one = await t.ctx.database.db.transaction().execute((tx) =>
      notify(t.ctx, tx, {
        units: UNITS,
        recipient: { name: 'John Smith', email: 'john@example.com', phone: null },
        event: 'dossier.result_ready',
        data: data(code),
        lang: 'en',
      }),
    );
    expect(one.map((w) => w.channel)).toEqual(['email']);
    const [row] = await rowsFor(code);
    expect(row).toMatchObject({ lang: 'en', subject: `Dossier ${code}: your result is ready` });
    const none = await t.ctx.database.db
      .transaction()
      .execute((tx) => notify(t.ctx, tx, { units: UNITS, recipient: { name: 'Ẩn Danh' }, event: 'dossier.result_ready', data: data('T01-250601-0004') }));
    expect(none).toEqual([]);
    expect(await rowsFor('T01-250601-0004')).toEqual([]);
  });

  it('stores the supplement request and the return notice in Vietnamese and English, word for word', async () => {
    const stored = async (
      code: string,
      event: 'dossier.received' | 'dossier.supplement_requested' | 'dossier.returned',
      lang: 'vi' | 'en',
      extra: Record<string, unknown>,
    ) => {
      await t.ctx.database.db.transaction().execute((tx) =>
        notify(t.ctx, tx, {
          units: UNITS,
          recipient: { name: everywhere.name, email: everywhere.email, phone: everywhere.phone },
          event,
          data: { ...data(code), ...extra },
          lang,
        }),
      );
      const rows = await rowsFor(code);
      return { email: rows.find((r) => r.channel === 'email')!, sms: rows.find((r) => r.channel === 'sms')! };
    };
    const link = (code: string) => `http://localhost/tra-cuu?ma=${code}`;
    const items = { items: ['Đơn đề nghị: thiếu chữ ký'] };

    const supVi = await stored('T01-250601-0011', 'dossier.supplement_requested', 'vi', items);
    expect(supVi.email.subject).toBe('Hồ sơ T01-250601-0011 cần bổ sung, hoàn thiện');
    expect(supVi.email.body_text).toBe(
      [
        'Kính gửi Ông/Bà Phạm Thị Hồng Nhung,',
        'Để tiếp tục giải quyết hồ sơ T01-250601-0011, thủ tục “Cấp Giấy phép kinh doanh bán lẻ rượu”, đề nghị Ông/Bà bổ sung, hoàn thiện các nội dung sau:',
        '  - Đơn đề nghị: thiếu chữ ký',
        'Thời gian Ông/Bà bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết.',
        `Tra cứu tình trạng hồ sơ: ${link('T01-250601-0011')}`,
        FOOTER_VI,
      ].join('\n\n'),
    );
    expect(supVi.sms.body_text).toBe(
      `Ho so T01-250601-0011 (Cap Giay phep kinh doanh ban le ruou) can bo sung: Don de nghi: thieu chu ky. Tra cuu: ${link('T01-250601-0011')}`,
    );

    const supEn = await stored('T01-250601-0012', 'dossier.supplement_requested', 'en', items);
    expect(supEn.email.subject).toBe('Dossier T01-250601-0012: more information needed');
    expect(supEn.email.body_text).toBe(
      [
        'Dear Phạm Thị Hồng Nhung,',
        'To continue with your dossier T01-250601-0012 for the procedure “Cấp Giấy phép kinh doanh bán lẻ rượu”, please provide the following:',
        '  - Đơn đề nghị: thiếu chữ ký',
        'The time you take to complete the dossier does not count against the processing time.',
        `Track your dossier: ${link('T01-250601-0012')}`,
        FOOTER_EN,
      ].join('\n\n'),
    );

    const retVi = await stored('T01-250601-0013', 'dossier.returned', 'vi', { delivery: 'desk' });
    expect(retVi.email.subject).toBe('Hồ sơ T01-250601-0013 đã được trả kết quả');
    expect(retVi.email.body_text).toBe(
      [
        'Kính gửi Ông/Bà Phạm Thị Hồng Nhung,',
        'Hồ sơ T01-250601-0013 của Ông/Bà, thủ tục “Cấp Giấy phép kinh doanh bán lẻ rượu”, đã được trả kết quả.',
        'Ông/Bà nhận kết quả tại Bộ phận Một cửa nơi tiếp nhận hồ sơ; vui lòng mang theo giấy tờ tùy thân và giấy tiếp nhận hồ sơ.',
        `Tra cứu tình trạng hồ sơ: ${link('T01-250601-0013')}`,
        FOOTER_VI,
      ].join('\n\n'),
    );
    expect(retVi.sms.body_text).toBe(
      `Ho so T01-250601-0013 (Cap Giay phep kinh doanh ban le ruou) da tra ket qua: nhan tai Bo phan Mot cua. Tra cuu: ${link('T01-250601-0013')}`,
    );

    const retEn = await stored('T01-250601-0014', 'dossier.returned', 'en', { delivery: 'desk' });
    expect(retEn.email.subject).toBe('Dossier T01-250601-0014: result returned');
    expect(retEn.email.body_text).toBe(
      [
        'Dear Phạm Thị Hồng Nhung,',
        'The result of your dossier T01-250601-0014 for the procedure “Cấp Giấy phép kinh doanh bán lẻ rượu” has been returned.',
        'Collect the result at the one-stop desk where the dossier was received; bring your identity document and the receipt.',
        `Track your dossier: ${link('T01-250601-0014')}`,
        FOOTER_EN,
      ].join('\n\n'),
    );

    const recEn = await stored('T01-250601-0015', 'dossier.received', 'en', {});
    expect(recEn.email.subject).toBe('Dossier T01-250601-0015 received');
    expect(recEn.email.body_text).toBe(
      [
        'Dear Phạm Thị Hồng Nhung,',
        'We have received your dossier T01-250601-0015 for the procedure “Cấp Giấy phép kinh doanh bán lẻ rượu”.',
        'Your result is due on 20 June 2025.',
        'Please keep the dossier code to track it and to collect the result.',
        `Track your dossier: ${link('T01-250601-0015')}`,
        FOOTER_EN,
      ].join('\n\n'),
    );
  });

  it('refuses data an event cannot be told without, writing nothing', async () => {
    const code = 'T01-250601-0005';
    const err = await t.ctx.database.db
      .transaction()
      .execute((tx) => notify(t.ctx, tx, { units: UNITS, recipient: everywhere, event: 'dossier.apology', data: data(code) }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_FAILED');
    expect((err as AppError).details?.map((d) => d.path)).toEqual(['data.newDueDate']);
    expect(await rowsFor(code)).toEqual([]);
    // Nor is a message written that no official could be scoped to.
    const unscoped = await t.ctx.database.db
      .transaction()
      .execute((tx) => notify(t.ctx, tx, { units: [], recipient: everywhere, event: 'dossier.received', data: data(code) }))
      .catch((e: unknown) => e);
    expect((unscoped as AppError).details?.map((d) => d.path)).toEqual(['units']);
    expect(await rowsFor(code)).toEqual([]);
  });
});

describe('the notification worker', () => {
  // SMS fails once (a gateway hiccup), Zalo always fails; e-mail is nodemailer's JSON transport.
  // Rows written by the tests above are worked too, so attempts are counted per message.
  const smsAttempts = new Map<string, number>();
  const flakySms: Channel = {
    name: 'sms',
    async send(msg) {
      const n = (smsAttempts.get(msg.id) ?? 0) + 1;
      smsAttempts.set(msg.id, n);
      if (n === 1) throw new Error('gateway timeout');
      return outboxChannel('sms').send(msg);
    },
  };
  const brokenZalo: Channel = {
    name: 'zalo',
    async send() {
      throw new Error('Zalo OA token expired');
    },
  };
  let workerId: string;

  beforeAll(async () => {
    workerId = await registerNotificationWorkers(t.ctx, { retryDelaySeconds: 1, channels: { sms: flakySms, zalo: brokenZalo } });
  });
  afterAll(() => t.ctx.jobs.boss.offWork(NOTIFICATION_QUEUE, { id: workerId }));

  it('sends each row, records the provider id, retries a failure with backoff and records what went wrong', async () => {
    const code = 'T02-250602-0001';
    await t.ctx.database.db.transaction().execute((tx) =>
      notify(t.ctx, tx, {
        units: UNITS,
        recipient: everywhere,
        event: 'dossier.supplement_requested',
        data: { ...data(code), items: ['Bản sao hợp đồng thuê nhà'] },
      }),
    );

    const sent = await until('e-mail and SMS sent', async () => {
      const rows = await rowsFor(code);
      return rows.filter((r) => r.status === 'sent').length === 2 && rows;
    });
    const [email, sms] = sent;
    expect(email).toMatchObject({ status: 'sent', attempts: 1, last_error: null, provider_id: `outbox:<${email.id}@${new URL(t.config.publicUrl).hostname}>` });
    expect(email.sent_at).toBeInstanceOf(Date);
    // The SMS failed once and went on the retry.
    expect(sms).toMatchObject({ status: 'sent', attempts: 2, last_error: null, provider_id: `outbox:sms:${sms.id}` });
    expect(smsAttempts.get(sms.id)).toBe(2);

    const zalo = await until('Zalo failure recorded', async () => {
      const r = (await rowsFor(code)).find((x) => x.channel === 'zalo');
      return r?.status === 'failed' && r;
    });
    expect(zalo).toMatchObject({ last_error: 'Zalo OA token expired', sent_at: null, provider_id: null });
    expect(zalo.attempts).toBeGreaterThanOrEqual(1);
    // pg-boss keeps the job for another try.
    const [job] = await jobsFor([zalo.id]);
    expect(['retry', 'active', 'created']).toContain(job.state);
  });

  it('does not send a row twice when its job runs again', async () => {
    const code = 'T02-250602-0002';
    const [w] = await t.ctx.database.db
      .transaction()
      .execute((tx) =>
        notify(t.ctx, tx, { units: UNITS, recipient: { name: 'Lê Văn Tám', phone: '0987654321' }, event: 'dossier.result_ready', data: data(code) }),
      );
    await until('SMS sent', async () => (await rowsFor(code))[0]?.status === 'sent');
    // One failed attempt, then the retry that sent it.
    expect(smsAttempts.get(w.id)).toBe(2);
    const again = await t.ctx.jobs.send(NOTIFICATION_QUEUE, { id: w.id });
    await until(
      'second job completed',
      async () => (await sql<{ state: string }>`select state from pgboss.job where id = ${again}`.execute(t.ctx.database.db)).rows[0]?.state === 'completed',
    );
    expect(smsAttempts.get(w.id)).toBe(2);
    const [row] = await rowsFor(code);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });

    let direct = 0;
    const counting: Channel = { name: 'sms', send: async () => ({ providerId: `x${++direct}` }) };
    expect(await sendNotification(t.ctx, w.id, { email: counting, sms: counting, zalo: counting })).toBe('already_sent');
    expect(direct).toBe(0);
  });
});

describe('the outbox', () => {
  const code = 'T03-250603-0001';
  beforeAll(async () => {
    await t.ctx.database.db
      .transaction()
      .execute((tx) =>
        notify(t.ctx, tx, { units: UNITS, recipient: everywhere, event: 'dossier.refused', data: { ...data(code), reason: 'Hồ sơ <b>không</b> đúng mẫu' } }),
      );
  });

  it('lists messages newest first, filtered by dossier code, channel and status', async () => {
    const officer = await tokenFor(t, 'receiving_officer');
    const all = await api<NotificationPage>(t, 'GET', '/api/v1/notifications', { token: officer });
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThanOrEqual(3);
    const times = all.body.items.map((i) => Date.parse(String(i.createdAt)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(all.body.items[0].dossierCode).toBe(code);

    const mine = await api<NotificationPage>(t, 'GET', `/api/v1/notifications?dossierCode=${code}&channel=email`, { token: officer });
    expect(mine.body.total).toBe(1);
    expect(mine.body.items[0]).toMatchObject({
      channel: 'email',
      recipient: 'nhung@example.vn',
      subject: `Hồ sơ ${code} không được tiếp nhận`,
      event: 'dossier.refused',
    });
    const sms = await api<NotificationPage>(t, 'GET', `/api/v1/notifications?dossierCode=${code}&channel=sms`, { token: await tokenFor(t, 'auditor') });
    expect(sms.body.items[0].text).toMatch(/^Ho so T03-250603-0001 \(.*\) khong duoc tiep nhan\. Ly do: Ho so <b>khong<\/b> dung mau\./);
    expect((await api<NotificationPage>(t, 'GET', `/api/v1/notifications?dossierCode=${code}&status=sent`, { token: officer })).body.total).toBe(0);
    expect((await api<NotificationPage>(t, 'GET', `/api/v1/notifications?dossierCode=${code}&page=2`, { token: officer })).body.items).toEqual([]);
    expect((await api(t, 'GET', '/api/v1/notifications?channel=fax', { token: officer })).status).toBe(400);

    const one = await api<NotificationDetail>(t, 'GET', `/api/v1/notifications/${mine.body.items[0].id}`, { token: await tokenFor(t, 'administrator') });
    expect(one.status).toBe(200);
    expect(one.body.html).toContain('Hồ sơ &lt;b&gt;không&lt;/b&gt; đúng mẫu');
    expect((await api(t, 'GET', '/api/v1/notifications/00000000-0000-4000-8000-000000000009', { token: officer })).status).toBe(404);
    // Shaped like a uuid but not one: a 404, not the database's error.
    expect((await api(t, 'GET', `/api/v1/notifications/${'-'.repeat(36)}`, { token: officer })).status).toBe(404);
  });

  it('is closed to citizens, to officials without the right role and to anonymous callers', async () => {
    for (const grant of ['citizen', 'specialist', 'signing_leader'] as const) {
      const token = await tokenFor(t, grant);
      expect((await api(t, 'GET', '/api/v1/notifications', { token })).status).toBe(403);
      expect((await api(t, 'GET', '/can-bo/hop-thu', { token })).status).toBe(403);
    }
    expect((await api(t, 'GET', '/api/v1/notifications')).status).toBe(401);
    const page = await api(t, 'GET', '/can-bo/hop-thu', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(/^\/can-bo\/dang-nhap/);
  });

  it('has a back-office page in Vietnamese and English, with each message in full', async () => {
    const officer = await tokenFor(t, 'receiving_officer');
    const list = await api<string>(t, 'GET', `/can-bo/hop-thu?dossierCode=${code}&channel=&status=`, { token: officer });
    expect(list.status).toBe(200);
    expect(list.body).toContain('<h1 class="govuk-heading-l">Hộp thư đi</h1>');
    expect(list.body).toContain(`Hồ sơ ${code} không được tiếp nhận`);
    expect(list.body).toContain('Đang chờ gửi');
    expect(list.body).not.toContain('<b>không</b>');
    const id = /href="\/can-bo\/hop-thu\/([0-9a-f-]{36})"/.exec(list.body)![1];
    const en = await api<string>(t, 'GET', `/can-bo/hop-thu?dossierCode=${code}&lang=en`, { token: officer });
    expect(en.body).toContain('<h1 class="govuk-heading-l">Outbox</h1>');

    const [email] = (await rowsFor(code)).filter((r) => r.channel === 'email');
    const detail = await api<string>(t, 'GET', `/can-bo/hop-thu/${email.id}`, { token: officer });
    expect(detail.status).toBe(200);
    expect(detail.body).toContain('Kính gửi Ông/Bà Phạm Thị Hồng Nhung,');
    expect(detail.body).toContain('Lý do: Hồ sơ &lt;b>không&lt;/b> đúng mẫu');
    expect(detail.body).toContain(`href="/can-bo/hop-thu/${email.id}/html"`);
    const html = await api<string>(t, 'GET', `/can-bo/hop-thu/${email.id}/html`, { token: officer });
    expect(html.body).toBe(email.body_html);
    expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    expect((await api(t, 'GET', `/can-bo/hop-thu/${id}x`, { token: officer })).status).toBe(404);
  });
});

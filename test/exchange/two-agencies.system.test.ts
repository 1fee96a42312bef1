import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, closeContext, createContext } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { loadDemoData } from '../../src/modules/demo/load-demo-data.ts';
import { startAxisSimulator, type RunningAxis } from '../../src/simulators/axis/standalone.ts';
import { api, freePort, freshDatabase, login, RELAXED_LIMITS, until, type TestApp } from '../helpers.ts';
import { uploadPdf } from '../dossier-fixtures.ts';

/**
 * Issue 18 item 4: two congso instances on loopback as two agencies with their own OrganIds, each
 * with its own database, data folder and job workers, sharing one national axis (the standalone
 * simulator), polling it every second. Everything is driven through each agency's HTTP API as
 * its officials would; every wait polls the API under a generous overall limit.
 */

const A = { organId: '000.00.00.G12', organName: 'Bộ Công Thương', systemId: 'congso-bct', secret: 'axis-secret-of-the-ministry-of-trade' };
const B = { organId: '000.00.00.G15', organName: 'Bộ Tài chính', systemId: 'congso-btc', secret: 'axis-secret-of-the-ministry-of-finance' };
/** Overall limit for one exchange round trip on a loaded machine: never a measurement, a hang guard. */
const WAIT = 180_000;

interface Agency {
  t: TestApp;
  tokens: Record<string, string>;
  ids: Record<string, string>;
}

let axis: RunningAxis;
let a: Agency;
let b: Agency;
const stops: (() => Promise<void>)[] = [];

async function startAgency(who: typeof A, axisUrl: string): Promise<TestApp> {
  const db = await freshDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-test-exchange-'));
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...RELAXED_LIMITS,
    EDXML_ORGAN_ID: who.organId,
    EDXML_ORGAN_NAME: who.organName,
    EDXML_AXIS_URL: axisUrl,
    EDXML_AXIS_SYSTEM_ID: who.systemId,
    EDXML_AXIS_SECRET: who.secret,
    EDXML_POLL_SECONDS: '1',
  });
  // Workers on: the outbox delivers and the axis is polled, as on a node with WORKERS=1.
  const ctx = await createContext(config, { worker: true });
  await loadDemoData(ctx, undefined, { dossiers: false });
  const app = await buildApp(ctx);
  await app.listen({ port, host: '127.0.0.1' });
  const close = async () => {
    await app.close();
    await closeContext(ctx);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  stops.push(close);
  return { ctx, app, config, dataDir, base: config.publicUrl, restart: () => Promise.reject(new Error('not used')), close };
}

/** The demo officials each agency's test uses, signed in through the API (the signing leader with TOTP). */
async function staffOf(t: TestApp): Promise<Agency> {
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const u of ['chuyenvien', 'lanhdao', 'ky', 'vanthu', 'vanthu.xnk', 'admin']) {
    tokens[u] = await login(t, u);
    ids[u] = (await api<{ id: string }>(t, 'GET', '/api/v1/me', { token: tokens[u] })).body.id;
  }
  return { t, tokens, ids };
}

type Outgoing = {
  id: string;
  version: number;
  status: string;
  documentId: string | null;
  allowedActions: string[];
  recipients: { organId: string | null; delivery: string | null; statuses: { code: string; description: string; at: string }[] }[];
};
type Incoming = {
  id: string;
  version: number;
  status: string;
  documentId: string | null;
  subject: string;
  allowedActions: string[];
  recallPending: boolean;
  signature: { present: boolean; valid: boolean | null; weak: boolean } | null;
  history: { action: string; statusCode?: string }[];
};

const outgoing = async (g: Agency, id: string, token = g.tokens.chuyenvien) => {
  const r = await api<Outgoing>(g.t, 'GET', `/api/v1/documents/outgoing/${id}`, { token });
  return r.status === 200 ? r.body : undefined;
};

/**
 * Takes `action` on a document as the first of `users` allowed to (its allowedActions say so), with
 * the version just read; fails when none may, or when the action is refused.
 */
async function act(g: Agency, kind: 'outgoing' | 'incoming', id: string, action: string, users: string[], extra: object = {}) {
  for (const u of users) {
    const view = await api<{ version: number; allowedActions: string[] }>(g.t, 'GET', `/api/v1/documents/${kind}/${id}`, { token: g.tokens[u] });
    if (view.status !== 200 || !view.body.allowedActions.includes(action)) continue;
    const r = await api(g.t, 'POST', `/api/v1/documents/${kind}/${id}/actions`, { token: g.tokens[u], body: { action, version: view.body.version, ...extra } });
    if (r.status !== 200 && r.status !== 201) throw new Error(`${kind} ${action} as ${u}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
  throw new Error(`${kind} ${id}: nobody of ${users.join(', ')} may ${action} now`);
}

const EVERYONE = ['chuyenvien', 'lanhdao', 'ky', 'vanthu.xnk', 'vanthu', 'admin'];

/** A drafts a document to B and takes it through review, approval, signature, seal and release. */
async function releaseToB(subject: string): Promise<Outgoing> {
  const mainUploadId = await uploadPdf(a.t, a.tokens.chuyenvien, 'cong-van.pdf');
  const created = await api<{ id: string }>(a.t, 'POST', '/api/v1/documents/outgoing', {
    token: a.tokens.chuyenvien,
    body: {
      seriesCode: 'CV',
      subject,
      signer: { staffId: a.ids.ky },
      recipients: [{ kind: 'external', organId: B.organId, organName: B.organName }],
      mainUploadId,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  for (const step of ['submit', 'forward', 'approve', 'sign', 'seal', 'release']) await act(a, 'outgoing', id, step, EVERYONE);
  const doc = (await outgoing(a, id))!;
  expect(doc.status).toBe('released');
  expect(doc.documentId).toMatch(/^000\.00\.00\.G12,\d{4}\/\d{2}\/\d{2},\d+\/BCT-/);
  return doc;
}

/** B's incoming document with this subject, once its poll has received it. */
async function arrivedAtB(subject: string): Promise<Incoming> {
  const found = await until(
    `"${subject}" to arrive at B`,
    async () => {
      const list = await api<{ items: { id: string; subject: string }[] }>(b.t, 'GET', '/api/v1/documents/incoming', { token: b.tokens.vanthu });
      return list.body.items?.find((d) => d.subject === subject);
    },
    WAIT,
  );
  return (await api<Incoming>(b.t, 'GET', `/api/v1/documents/incoming/${found.id}`, { token: b.tokens.vanthu })).body;
}

/** The status codes A has recorded from B for its document, in the order they arrived. */
const codesAtA = async (id: string) => (await outgoing(a, id))?.recipients.find((r) => r.organId === B.organId)?.statuses.map((s) => s.code) ?? [];
const waitForCodes = (id: string, codes: string[]) =>
  until(`A to see ${codes.join(', ')}`, async () => ((await codesAtA(id)).join() === codes.join() ? true : undefined), WAIT);

beforeAll(async () => {
  // Retries back off from a fifth of a second, so a test of failures does not wait half a minute per attempt.
  process.env.OUTBOX_RETRY_BASE_MS = '200';
  axis = await startAxisSimulator({
    systems: [
      { systemId: A.systemId, secret: A.secret, organIds: [A.organId] },
      { systemId: B.systemId, secret: B.secret, organIds: [B.organId] },
    ],
  });
  const [ta, tb] = await Promise.all([startAgency(A, axis.url), startAgency(B, axis.url)]);
  a = await staffOf(ta);
  b = await staffOf(tb);
});

afterAll(async () => {
  for (const stop of stops) await stop();
  await axis?.close();
  delete process.env.OUTBOX_RETRY_BASE_MS;
});

describe('two agencies exchange official documents through the axis', () => {
  it('A sends, B registers, directs, handles and completes; A sees 01, 03, 04, 05, 06 in order; a recall is agreed (13, 15)', async () => {
    const subject = 'V/v phối hợp quản lý thị trường dịp Tết Nguyên đán';
    const doc = await releaseToB(subject);

    const inB = await arrivedAtB(subject);
    expect(inB).toMatchObject({ status: 'arrived', documentId: doc.documentId });
    // A's agency key signed it (XML-DSig, RSA-SHA256) and B's parser verified the signature.
    expect(inB.signature).toMatchObject({ present: true, valid: true, weak: false });
    await waitForCodes(doc.id, ['01']);

    await act(b, 'incoming', inB.id, 'register', EVERYONE);
    await act(b, 'incoming', inB.id, 'direct', EVERYONE, { handlerId: b.ids.chuyenvien, instructions: 'Đề nghị chuyên viên nghiên cứu, tham mưu trả lời' });
    await act(b, 'incoming', inB.id, 'progress', ['chuyenvien'], { note: 'Đang tổng hợp số liệu' });
    await act(b, 'incoming', inB.id, 'complete', ['chuyenvien'], { note: 'Đã có văn bản trả lời' });
    await waitForCodes(doc.id, ['01', '03', '04', '05', '06']);
    const statuses = (await outgoing(a, doc.id))!.recipients[0]!.statuses;
    expect(statuses.map((s) => s.at)).toEqual([...statuses.map((s) => s.at)].sort());
    expect((await outgoing(a, doc.id))!.recipients[0]!.delivery).toBe('sent');

    // A recalls it (13 to B); B agrees (15 back to A).
    await act(a, 'outgoing', doc.id, 'recall', EVERYONE, { reason: 'Văn bản có sai sót về số liệu, sẽ ban hành văn bản thay thế' });
    await until(
      'the recall request to reach B',
      async () => (await api<Incoming>(b.t, 'GET', `/api/v1/documents/incoming/${inB.id}`, { token: b.tokens.vanthu })).body.recallPending || undefined,
      WAIT,
    );
    await act(b, 'incoming', inB.id, 'agree-recall', EVERYONE);
    await waitForCodes(doc.id, ['01', '03', '04', '05', '06', '15']);
    // Each message crossed the axis once per recipient, however often it was sent or polled.
    const fromB = axis.sim.messages({ from: B.organId, to: A.organId }).filter((m) => m.documentId === doc.documentId);
    expect(fromB.map((m) => m.statusCode)).toEqual(['01', '03', '04', '05', '06', '15']);
    expect(fromB.every((m) => m.ack?.status === 'done')).toBe(true);
    expect(
      axis.sim
        .messages({ from: A.organId, to: B.organId })
        .filter((m) => m.documentId === doc.documentId)
        .map((m) => m.statusCode ?? 'edoc'),
    ).toEqual(['edoc', '13']);
  });

  it('B refuses a second document (02) and A sees why', async () => {
    const subject = 'V/v đề nghị cung cấp số liệu xuất khẩu quý IV';
    const doc = await releaseToB(subject);
    const inB = await arrivedAtB(subject);
    const reason = 'Văn bản không thuộc thẩm quyền giải quyết của Bộ Tài chính';
    await act(b, 'incoming', inB.id, 'refuse', EVERYONE, { reason });
    await waitForCodes(doc.id, ['01', '02']);
    const refusal = (await outgoing(a, doc.id))!.recipients[0]!.statuses.find((s) => s.code === '02')!;
    expect(refusal.description).toContain(reason);
  });

  it('the axis failing the next 3 sends: delivered after retries; a permanent refusal: a dead letter, delivered once replayed', async () => {
    axis.sim.setFaults({ reset: true, failNext: 3, status: 503 });
    const retried = await releaseToB('V/v tăng cường kiểm tra hàng hóa nhập lậu');
    await arrivedAtB('V/v tăng cường kiểm tra hàng hóa nhập lậu');
    expect(axis.sim.setFaults({}).failNext).toBe(0);
    await until('the delivery to be recorded as sent', async () => (await outgoing(a, retried.id))!.recipients[0]!.delivery === 'sent' || undefined, WAIT);

    axis.sim.setFaults({ reset: true, refuseNext: 1 });
    const refused = await releaseToB('V/v báo cáo tình hình thực hiện kế hoạch năm');
    await until('the delivery to be a dead letter', async () => (await outgoing(a, refused.id))!.recipients[0]!.delivery === 'dead' || undefined, WAIT);
    const admin = a.tokens.admin;
    const replay = await api<{ replayed: number }>(a.t, 'POST', '/api/v1/integrations/edxml-axis/replay', { token: admin, body: { id: 'all' } });
    expect([replay.status, replay.body.replayed]).toEqual([200, 1]);
    await arrivedAtB('V/v báo cáo tình hình thực hiện kế hoạch năm');
    await until(
      'the replayed delivery to be recorded as sent',
      async () => (await outgoing(a, refused.id))!.recipients[0]!.delivery === 'sent' || undefined,
      WAIT,
    );
  });
});

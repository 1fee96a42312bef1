import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSecretsIn } from '../../src/platform/config.ts';
import { deliverOutbox, replayDeadLetters } from '../../src/platform/outbox/index.ts';
import { listDeliveries, sendEdxmlDocument, EDXML_ADAPTER } from '../../src/modules/documents/exchange/send.ts';
import { receiveEdxml } from '../../src/modules/documents/exchange/receive-edxml.ts';
import { api, startTestApp, tokenFor, type TestApp } from '../helpers.ts';
import { AGENCY_A, AGENCY_B, AGENCY_C, documentMessage, statusMessage, xmlOf } from './messages.ts';

/**
 * The EDXML inbox (POST /api/v1/edxml/inbox) and the sending side of the exchange, on the demo
 * app with its own axis simulator (/simulators/axis): this app is agency A (000.00.00.G12).
 */

type Err = { error: { code: string; details?: { path: string }[] } };
let t: TestApp;
let token: string;

const inbox = (body: Buffer | string, opts: { token?: string; type?: string } = {}) =>
  fetch(`${t.base}/api/v1/edxml/inbox`, {
    method: 'POST',
    headers: { 'content-type': opts.type ?? 'application/xml', ...(opts.token === '' ? {} : { authorization: `Bearer ${opts.token ?? token}` }) },
    body: typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> & Err }));

const counts = async () => {
  const db = t.ctx.database.db;
  const [incoming, received] = await Promise.all([
    db
      .selectFrom('incoming_documents')
      .select((e) => e.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('edxml_received')
      .select((e) => e.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { incoming: Number(incoming.n), received: Number(received.n) };
};

const axisMessages = async (to: string) =>
  (
    await api<{ messages: { statusCode?: string; documentId: string; from: string; to: string; messagetype: string }[] }>(
      t,
      'GET',
      `/simulators/axis/messages?to=${to}`,
    )
  ).body.messages;

beforeAll(async () => {
  t = await startTestApp();
  // The demo's integrating system, as it would: its generated secret from DATA_DIR/secrets.json.
  const secret = demoSecretsIn(t.dataDir).lienthong!;
  const r = await api<{ access_token: string; scope: string }>(t, 'POST', '/api/v1/oauth/token', {
    body: { grant_type: 'client_credentials', client_id: 'lienthong', client_secret: secret },
  });
  expect([r.status, r.body.scope]).toEqual([200, 'edxml']);
  token = r.body.access_token;
});
afterAll(async () => t?.close());

describe('POST /api/v1/edxml/inbox', () => {
  it('refuses other callers: no token 401, another scope or an official 403', async () => {
    const xml = xmlOf(documentMessage(AGENCY_B, [AGENCY_A]));
    expect((await inbox(xml, { token: '' })).status).toBe(401);
    expect((await inbox(xml, { token: await tokenFor(t, 'scope:dossiers:write') })).status).toBe(403);
    expect((await inbox(xml, { token: await tokenFor(t, 'clerk') })).status).toBe(403);
    expect(await counts()).toEqual({ incoming: 0, received: 0 });
  });

  it('answers 400 with the reason for malformed XML, a missing field, a misaddressed message or an unknown document, storing nothing', async () => {
    const malformed = await inbox('<edXML><unclosed></edXML>');
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'EDXML_INVALID']);
    const entity = await inbox('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
    expect([entity.status, entity.body.error.code]).toEqual([400, 'EDXML_INVALID']);

    const noSubject = xmlOf(documentMessage(AGENCY_B, [AGENCY_A]))
      .toString('utf8')
      .replace(/\s*<edXML:Subject>[^<]*<\/edXML:Subject>/, '');
    const missing = await inbox(noSubject);
    expect([missing.status, missing.body.error.code]).toEqual([400, 'EDXML_INVALID']);
    expect(JSON.stringify(missing.body.error.details)).toContain('Subject');

    const elsewhere = await inbox(xmlOf(documentMessage(AGENCY_B, [AGENCY_C])));
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([400, 'EDXML_MISADDRESSED']);
    const theirDoc = documentMessage(AGENCY_B, [AGENCY_C]);
    const statusElsewhere = await inbox(xmlOf(statusMessage(AGENCY_C, AGENCY_B.organId, theirDoc, '03')));
    expect([statusElsewhere.status, statusElsewhere.body.error.code]).toEqual([400, 'EDXML_MISADDRESSED']);

    // A status about a document of ours that does not exist.
    const ghost = documentMessage(AGENCY_A, [AGENCY_B]);
    const unknown = await inbox(xmlOf(statusMessage(AGENCY_B, AGENCY_A.organId, ghost, '03')));
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'EDXML_UNKNOWN_DOCUMENT']);
    const recall = await inbox(xmlOf(statusMessage(AGENCY_B, AGENCY_A.organId, documentMessage(AGENCY_B, [AGENCY_A]), '13')));
    expect([recall.status, recall.body.error.code]).toEqual([400, 'EDXML_UNKNOWN_DOCUMENT']);

    // XML under another content type is not taken as XML.
    const plain = await inbox(xmlOf(documentMessage(AGENCY_B, [AGENCY_A])), { type: 'text/plain' });
    expect([plain.status, plain.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await counts()).toEqual({ incoming: 0, received: 0 });
    expect(await axisMessages(AGENCY_B.organId)).toEqual([]);
  });

  it('registers a document addressed to us (201), once however often it comes (200), and answers 01 through the axis', async () => {
    const m = documentMessage(AGENCY_B, [AGENCY_C, AGENCY_A], { subject: 'V/v hướng dẫn quyết toán ngân sách năm 2026' });
    const xml = xmlOf(m);
    const first = await inbox(xml);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: expect.any(String), documentId: m.documentId, duplicate: false });
    const again = await inbox(xml);
    expect([again.status, again.body.id, again.body.duplicate]).toEqual([200, first.body.id, true]);
    expect(await counts()).toEqual({ incoming: 1, received: 1 });

    // 01 back to the sender, through the outbox and the axis.
    const run = await deliverOutbox(t.ctx, EDXML_ADAPTER, { now: 'ignore-backoff' });
    expect(run).toEqual({ sent: 1, failed: 0, dead: 0 });
    expect(await axisMessages(AGENCY_B.organId)).toEqual([
      expect.objectContaining({ from: AGENCY_A.organId, messagetype: 'status', statusCode: '01', documentId: m.documentId }),
    ]);
  });
});

describe('receiving through the axis', () => {
  it('a document the axis brought to the wrong agency is refused and returned to its sender with 02 naming why', async () => {
    const m = documentMessage(AGENCY_C, [AGENCY_B]);
    const before = await counts();
    await expect(receiveEdxml(t.ctx, xmlOf(m), 'axis')).rejects.toMatchObject({ code: 'EDXML_MISADDRESSED' });
    expect(await counts()).toEqual(before);
    await deliverOutbox(t.ctx, EDXML_ADAPTER, { now: 'ignore-backoff' });
    const back = (await axisMessages(AGENCY_C.organId)).filter((x) => x.documentId === m.documentId);
    expect(back).toEqual([expect.objectContaining({ from: AGENCY_A.organId, statusCode: '02', messagetype: 'status' })]);
  });

  it('a message over EDXML_MAX_BYTES is refused before it is read', async () => {
    const small = { ...t.ctx, config: { ...t.ctx.config, edxml: { ...t.ctx.config.edxml, maxBytes: 2048 } } };
    const big = xmlOf(documentMessage(AGENCY_B, [AGENCY_A], { attachment: Buffer.alloc(4096, 1) }));
    await expect(receiveEdxml(small, big, 'inbox')).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('sending through the axis', () => {
  const send = (m: ReturnType<typeof documentMessage>) => t.ctx.database.db.transaction().execute((tx) => sendEdxmlDocument(t.ctx, tx, m));
  const faults = (f: object) => api(t, 'POST', '/simulators/axis/faults', { body: f });

  it('one delivery per recipient: pending, then sent; a failure is retried, a refusal is a dead letter until replayed', async () => {
    const m = documentMessage(AGENCY_A, [AGENCY_B, AGENCY_C]);
    await send(m);
    expect(await listDeliveries(t.ctx, m.documentId)).toEqual([
      { organId: AGENCY_B.organId, state: 'pending', attempts: 0 },
      { organId: AGENCY_C.organId, state: 'pending', attempts: 0 },
    ]);
    await faults({ reset: true, failNext: 1, status: 503 });
    await deliverOutbox(t.ctx, EDXML_ADAPTER, { now: 'ignore-backoff' });
    const afterFirst = await listDeliveries(t.ctx, m.documentId);
    expect(afterFirst.map((d) => d.state).sort()).toEqual(['failed', 'sent']);
    expect(afterFirst.find((d) => d.state === 'failed')?.lastError).toContain('503');
    await deliverOutbox(t.ctx, EDXML_ADAPTER, { now: 'ignore-backoff' });
    expect((await listDeliveries(t.ctx, m.documentId)).map((d) => [d.organId, d.state, d.attempts])).toEqual(
      expect.arrayContaining([
        [AGENCY_B.organId, 'sent', expect.any(Number)],
        [AGENCY_C.organId, 'sent', expect.any(Number)],
      ]),
    );
    const onAxis = await axisMessages(AGENCY_C.organId);
    expect(onAxis.filter((x) => x.documentId === m.documentId)).toEqual([expect.objectContaining({ messagetype: 'edoc', from: AGENCY_A.organId })]);

    const refused = documentMessage(AGENCY_A, [AGENCY_B]);
    await send(refused);
    await faults({ reset: true, refuseNext: 1 });
    await deliverOutbox(t.ctx, EDXML_ADAPTER, { now: 'ignore-backoff' });
    expect(await listDeliveries(t.ctx, refused.documentId)).toEqual([
      expect.objectContaining({ organId: AGENCY_B.organId, state: 'dead', attempts: 1, lastError: expect.stringContaining('REFUSED') }),
    ]);
    const replayed = await t.ctx.database.db.transaction().execute((tx) => replayDeadLetters(t.ctx, tx, EDXML_ADAPTER, 'all'));
    expect(replayed).toBe(1);
    await deliverOutbox(t.ctx, EDXML_ADAPTER, { now: 'ignore-backoff' });
    expect(await listDeliveries(t.ctx, refused.documentId)).toEqual([expect.objectContaining({ organId: AGENCY_B.organId, state: 'sent' })]);
  });
});

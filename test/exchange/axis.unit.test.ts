import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxisClient } from '../../src/modules/documents/exchange/axis-client.ts';
import { axisHeaders } from '../../src/modules/documents/exchange/axis-contract.ts';
import { startAxisSimulator, type RunningAxis } from '../../src/simulators/axis/standalone.ts';
import { AGENCY_A, AGENCY_B, documentMessage, statusMessage, xmlOf } from './messages.ts';

/**
 * The exchange connector (AxisClient) against the axis simulator, each with its own reading of the
 * contract: signed calls, routing per recipient, the received list, acknowledgement, refusals and faults.
 */

const A = AGENCY_A.organId;
const B = AGENCY_B.organId;
const doc = documentMessage(AGENCY_A, [AGENCY_B, { organId: '000.00.00.H14', organName: 'UBND Tỉnh Cao Bằng' }], { number: '7816' });
/** A's document, to B and an agency not on this axis. */
const documentFromA = () => xmlOf(doc);
/** B's 01 about it, to A. */
const statusFromBToA = (description = 'Đã đến') => xmlOf(statusMessage(AGENCY_B, A, doc, '01', description));

let axis: RunningAxis;
const sys = {
  a: { systemId: 'agency-a', secret: 'secret-of-agency-a-0123456789' },
  b: { systemId: 'agency-b', secret: 'secret-of-agency-b-0123456789' },
};
const client = (s: { systemId: string; secret: string }) => new AxisClient({ url: axis.url, ...s, timeoutMs: 5000 });

beforeAll(async () => {
  axis = await startAxisSimulator({
    systems: [
      { ...sys.a, organIds: [A] },
      { ...sys.b, organIds: [B] },
    ],
    acceptUnknownRecipients: true,
  });
});
afterAll(async () => axis.close());

describe('axis simulator and connector', () => {
  it('a status sent by B reaches A only: listed, fetched byte for byte, acknowledged, then gone', async () => {
    const xml = statusFromBToA();
    const sent = await client(sys.b).send(xml, A, 'status');
    expect(sent.ok).toBe(true);
    const docId = sent.ok ? sent.value.docId : '';
    // The same bytes to the same recipient again are the same message.
    expect(await client(sys.b).send(xml, A, 'status')).toEqual({ ok: true, value: { docId } });
    const forB = await client(sys.b).listReceived();
    expect(forB.ok && forB.value.map((m) => m.docId)).toEqual([]);
    const forA = await client(sys.a).listReceived();
    expect(forA.ok && forA.value.map((m) => ({ docId: m.docId, from: m.from, to: m.to, type: m.messagetype }))).toEqual([
      { docId, from: B, to: A, type: 'status' },
    ]);
    const got = await client(sys.a).get(docId);
    expect(got.ok && got.value.equals(xml)).toBe(true);
    // B cannot read what is A's.
    expect(await client(sys.b).get(docId)).toMatchObject({ ok: false, permanent: true });
    expect((await client(sys.a).acknowledge(docId, 'done')).ok).toBe(true);
    const after = await client(sys.a).listReceived();
    expect(after.ok && after.value).toEqual([]);
    expect(axis.sim.messages({ to: A })).toEqual([expect.objectContaining({ docId, statusCode: '01', ack: expect.objectContaining({ status: 'done' }) })]);
  });

  it('a document goes to the one recipient named; `to` must be in its To list', async () => {
    const xml = documentFromA();
    const r = await client(sys.a).send(xml, B, 'edoc');
    expect(r.ok).toBe(true);
    expect(axis.sim.messages({ from: A }).filter((m) => m.messagetype === 'edoc')).toEqual([
      expect.objectContaining({ to: B, documentId: `${A},2026/12/07,7816/BCT-VP` }),
    ]);
    const notRecipient = await client(sys.a).send(xml, '000.00.00.G99', 'edoc');
    expect(notRecipient).toMatchObject({ ok: false, permanent: true });
    expect(!notRecipient.ok && notRecipient.error).toContain('NOT_A_RECIPIENT');
    // A system speaks only for its own agencies: B cannot send A's document.
    const impostor = await client(sys.b).send(xml, B, 'edoc');
    expect(!impostor.ok && impostor.error).toContain('NOT_YOUR_AGENCY');
    // messagetype must fit the message.
    expect(await client(sys.a).send(xml, B, 'status')).toMatchObject({ ok: false, permanent: true });
  });

  it('refuses a wrong secret, a body that does not match its hash, an old timestamp and a missing header, storing nothing', async () => {
    const before = axis.sim.messages().length;
    const wrong = await client({ systemId: sys.a.systemId, secret: 'not-the-secret-of-agency-a' }).send(documentFromA(), B, 'edoc');
    expect(wrong).toMatchObject({ ok: false, permanent: true });
    expect(!wrong.ok && wrong.error).toContain('BAD_SIGNATURE');
    const unknown = await client({ systemId: 'nobody', secret: sys.a.secret }).listReceived();
    expect(!unknown.ok && unknown.error).toContain('UNKNOWN_SYSTEM');

    const body = statusFromBToA();
    const post = (headers: Record<string, string>, b: Buffer = body) =>
      fetch(`${axis.url}/sendEdoc?to=${A}`, { method: 'POST', headers, body: b as Uint8Array<ArrayBuffer> }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { errorCode: string },
      }));
    const signed = axisHeaders(sys.b, 'application/xml', body);
    const tampered = statusFromBToA('Đã xong');
    expect(await post(signed, tampered)).toEqual({ status: 400, body: expect.objectContaining({ errorCode: 'BAD_HASH' }) });
    // A hash recomputed for the new body does not help without the secret.
    const rehashed = { ...signed, 'XroadVnpt-hash-header': axisHeaders(sys.b, 'application/xml', tampered)['XroadVnpt-hash-header']! };
    expect(await post(rehashed, tampered)).toEqual({ status: 400, body: expect.objectContaining({ errorCode: 'BAD_SIGNATURE' }) });
    const old = axisHeaders(sys.b, 'application/xml', body, Date.now() - 10 * 60_000);
    expect(await post(old)).toEqual({ status: 400, body: expect.objectContaining({ errorCode: 'BAD_TIMESTAMP' }) });
    const { 'XroadVnpt-sign-header': _drop, ...unsigned } = signed;
    expect((await post(unsigned)).status).toBe(400);
    // The content type is signed too.
    expect((await post({ ...signed, 'content-type': 'text/xml' })).body.errorCode).toBe('BAD_SIGNATURE');
    expect(axis.sim.messages().length).toBe(before);
  });

  it('faults: the next sends fail with a 5xx (worth retrying), are refused (permanent), or are dropped', async () => {
    axis.sim.setFaults({ failNext: 2, status: 503 });
    const xml = statusFromBToA('lần 2');
    expect(await client(sys.b).send(xml, A, 'status')).toMatchObject({ ok: false, permanent: false });
    expect(await client(sys.b).send(xml, A, 'status')).toMatchObject({ ok: false, permanent: false });
    expect((await client(sys.b).send(xml, A, 'status')).ok).toBe(true);
    axis.sim.setFaults({ refuseNext: 1 });
    const refused = statusFromBToA('lần 3');
    expect(await client(sys.b).send(refused, A, 'status')).toMatchObject({ ok: false, permanent: true });
    axis.sim.setFaults({ dropNext: 1 });
    const held = axis.sim.messages().length;
    expect((await client(sys.b).send(refused, A, 'status')).ok).toBe(true);
    expect(axis.sim.messages().length).toBe(held);
    expect((await client(sys.b).send(refused, A, 'status')).ok).toBe(true);
    expect(axis.sim.messages().length).toBe(held + 1);
    axis.sim.setFaults({ failPollNext: 1 });
    expect(await client(sys.a).listReceived()).toMatchObject({ ok: false, permanent: false });
    expect((await client(sys.a).listReceived()).ok).toBe(true);
  });

  it('a late axis is given up on within the time limit, as a failure worth retrying', async () => {
    axis.sim.setFaults({ reset: true, delayMs: 2000 });
    const slow = new AxisClient({ url: axis.url, ...sys.a, timeoutMs: 200 });
    const r = await slow.listReceived();
    expect(r).toMatchObject({ ok: false, permanent: false });
    expect(!r.ok && r.error).toContain('no answer within 200 ms');
    axis.sim.setFaults({ reset: true });
  });
});

import { createHash, createHmac } from 'node:crypto';
import { connect } from 'node:net';
import type { TestApp } from '../helpers.ts';

/**
 * A valid CSRF cookie and its token, so that refusals under test are about what they test,
 * not CSRF. The token is bound to the session: pass its id when the request carries one.
 */
export function csrfPair(t: TestApp, sessionId?: string) {
  const cookie = 'securitysuitecsrfcookie0123456789';
  const session = sessionId ? createHash('sha256').update(sessionId).digest('base64url') : '-';
  const token = createHmac('sha256', t.config.secrets.session).update(`csrf:${cookie}:${session}`).digest('base64url');
  return { cookie: `congso_csrf=${cookie}`, token };
}

export interface Sent {
  status: number;
  headers: Headers;
  /** The body as latin1 text: ASCII markers are found in JSON, HTML and PDF alike. */
  text: string;
  /** The body as UTF-8 text. */
  utf8: string;
}

export async function send(t: TestApp, method: string, url: string, init: { headers?: Record<string, string>; body?: BodyInit | null } = {}): Promise<Sent> {
  const r = await fetch(`${t.base}${url}`, { method, headers: init.headers, body: init.body ?? undefined, redirect: 'manual' });
  const buf = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, text: buf.toString('latin1'), utf8: buf.toString('utf8') };
}

/**
 * Sends exact bytes over a socket: for what fetch refuses to send (invalid UTF-8 in the
 * request line, CR/LF in header values, malformed framing). Returns the status and body.
 */
export function rawRequest(t: TestApp, head: Buffer | string, body: Buffer | string = ''): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(t.base);
  return new Promise((resolve, reject) => {
    const sock = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    sock.setTimeout(15_000, () => {
      sock.destroy();
      reject(new Error(`raw request timed out: ${String(head).split('\r\n')[0]}`));
    });
    sock.on('data', (c: Buffer) => chunks.push(c));
    // A server that answers before the request is fully sent (431 for an oversized head) closes
    // with unread input, which resets the connection: the answer already received still counts.
    sock.on('error', (e) => (chunks.length ? sock.destroy() : reject(e)));
    sock.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(all);
      const split = all.indexOf('\r\n\r\n');
      resolve({ status: m ? Number(m[1]) : 0, headers: split >= 0 ? all.slice(0, split) : all, body: split >= 0 ? all.slice(split + 4) : '' });
    });
    sock.write(Buffer.concat([Buffer.isBuffer(head) ? head : Buffer.from(head, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]));
  });
}

/** A request head for rawRequest, with Connection: close so the reply ends the stream. */
export function head(t: TestApp, method: string, target: Buffer | string, headers: Record<string, string | number> = {}): Buffer {
  const { host } = new URL(t.base);
  const lines = Object.entries({ host, connection: 'close', ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([
    Buffer.from(`${method} `, 'latin1'),
    Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'),
    Buffer.from(` HTTP/1.1\r\n${lines}\r\n`, 'latin1'),
  ]);
}

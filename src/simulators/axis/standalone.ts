import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AxisAnswer, type AxisSimulator, type AxisSimulatorOptions, createAxisSimulator } from './simulator.ts';

/**
 * The axis on its own port, outside any congso app, so two congso instances (two agencies) can
 * share one, as real agencies share the national axis. The same endpoints as the mounted one
 * (routes.ts): the contract's four, `GET /messages` and `POST /faults`.
 */
export interface RunningAxis {
  url: string;
  sim: AxisSimulator;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

async function reply(res: ServerResponse, a: AxisAnswer) {
  if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
  const bytes = Buffer.isBuffer(a.body) ? a.body : Buffer.from(JSON.stringify(a.body));
  res.writeHead(a.status, { 'content-type': a.contentType ?? 'application/json', 'content-length': bytes.length });
  res.end(bytes);
}

export async function startAxisSimulator(opts: Partial<AxisSimulatorOptions> & { port?: number; host?: string } = {}): Promise<RunningAxis> {
  const sim = createAxisSimulator({ systems: opts.systems ?? [], acceptUnknownRecipients: opts.acceptUnknownRecipients, now: opts.now });
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://axis');
      const body = await readBody(req);
      if (body === null) return reply(res, { status: 413, body: { status: 'FAIL', errorCode: 'TOO_LARGE', errorDesc: 'body too large' } });
      if (req.method === 'GET' && url.pathname === '/messages') {
        const to = url.searchParams.get('to') ?? undefined;
        const from = url.searchParams.get('from') ?? undefined;
        return reply(res, { status: 200, body: { messages: sim.messages({ to, from }) } });
      }
      if (req.method === 'POST' && url.pathname === '/faults') {
        let f: Record<string, unknown>;
        try {
          f = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          return reply(res, { status: 400, body: { status: 'FAIL', errorCode: 'BAD_REQUEST', errorDesc: 'faults: a JSON object' } });
        }
        return reply(res, { status: 200, body: sim.setFaults(f) });
      }
      if (req.method !== 'POST') return reply(res, { status: 405, body: { status: 'FAIL', errorCode: 'METHOD', errorDesc: 'POST only' } });
      return reply(res, sim.handle(url.pathname, url.searchParams, req.headers, body));
    })().catch((e: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(e.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    sim,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

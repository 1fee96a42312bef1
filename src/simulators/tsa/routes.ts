import type { Module } from '../../platform/http/server.ts';
import { createTsaResponder, TSA_MAX_REQUEST, type TsaResponder } from './server.ts';

/**
 * The demo's Time-Stamp Authority, served by the app itself at POST /tsa (RFC 3161 §3.4:
 * Content-Type application/timestamp-query in, application/timestamp-reply out), so results
 * signed in the demo carry signature time-stamps (PAdES baseline B-T) with nothing else to run.
 * Demo mode only: production points TSA_URL at a real, qualified TSA. The TSA's key and
 * certificate (from a test CA) are made on first use, once per process.
 */

let responder: Promise<TsaResponder> | undefined;
const tsa = () =>
  (responder ??= createTsaResponder().catch((e: unknown) => {
    responder = undefined;
    throw e;
  }));

export const tsaSimulatorModule: Module = {
  name: 'tsa-simulator',
  async routes(app, ctx) {
    if (ctx.config.mode !== 'demo') return;
    // A scoped parser: no other route accepts time-stamp queries.
    await app.register(async (scope) => {
      scope.addContentTypeParser('application/timestamp-query', { parseAs: 'buffer', bodyLimit: TSA_MAX_REQUEST }, (_req, body, done) => done(null, body));
      scope.post('/tsa', {
        config: { access: 'public', csrf: false },
        bodyLimit: TSA_MAX_REQUEST,
        schema: { hide: true },
        handler: async (req, reply) => {
          const body = req.body as Buffer | undefined;
          const a = await (await tsa()).handle(
            req.method,
            req.headers['content-type'],
            Buffer.isBuffer(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array(),
          );
          return reply.code(a.status).headers(a.headers).send(a.body);
        },
      });
    });
  },
};

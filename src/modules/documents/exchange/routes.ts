import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import type { Module } from '../../../platform/http/server.ts';
import { ErrorBody } from '../../../platform/http/schemas.ts';
import { receiveEdxml } from './receive-edxml.ts';

const DocumentAnswer = z.object({ id: z.string(), documentId: z.string(), duplicate: z.boolean() });
const StatusAnswer = z.object({ kind: z.literal('status'), duplicate: z.boolean() });

/**
 * The EDXML inbox (issue 18 item 3): another agency's document-exchange system posts an EDXML
 * message here, as the axis would deliver it. Only an integrating system holding the `edxml`
 * scope may (the demo's is client `lienthong`). The body is the XML itself.
 */
export const exchangeModule: Module = {
  name: 'documents-exchange',
  async routes(app, ctx) {
    const limit = ctx.config.edxml.maxBytes;
    // The XML itself is the body: a scoped parser, so no other route accepts XML.
    await app.register(async (scope) => {
      scope.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));
      scope.post('/api/v1/edxml/inbox', {
        config: { access: ['scope:edxml'] },
        bodyLimit: limit,
        schema: {
          tags: ['documents'],
          summary: 'Deliver an EDXML message (Content-Type: application/xml): a document is registered as incoming, a status updates the document it answers',
          description:
            'A document message addressed to us (our OrganId in its To list) is registered as an incoming document and answered 201 {id, documentId}; ' +
            'the same message again answers 200 with the same document (duplicate: true). A status message (01–06, 15, 16 about a document we sent; 13 ' +
            'about one we received) is recorded and answered 200. 400 EDXML_INVALID: malformed XML, a missing field or a bad attachment (details name ' +
            'where); 400 EDXML_MISADDRESSED: not addressed to this agency; 400 EDXML_UNKNOWN_DOCUMENT: a status about a document we do not hold. ' +
            'Nothing is stored for a refused message.',
          consumes: ['application/xml', 'text/xml'],
          response: { 200: z.union([DocumentAnswer, StatusAnswer]), 201: DocumentAnswer, 400: ErrorBody, 403: ErrorBody, 413: ErrorBody, 415: ErrorBody },
        },
        handler: async (req, reply) => {
          const body = req.body as Buffer | undefined;
          if (!Buffer.isBuffer(body) || !body.length)
            throw new AppError('VALIDATION_FAILED', {
              vi: 'Gửi thông điệp EDXML trong thân yêu cầu (Content-Type: application/xml)',
              en: 'Send the EDXML message as the request body (Content-Type: application/xml)',
            });
          const r = await receiveEdxml(ctx, body, 'inbox');
          if (r.kind === 'status') return reply.code(200).send({ kind: 'status' as const, duplicate: r.duplicate });
          return reply.code(r.duplicate ? 200 : 201).send({ id: r.id, documentId: r.documentId, duplicate: r.duplicate });
        },
      });
    });
  },
};

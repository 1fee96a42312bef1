import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { InboundAnswerSchema, receiveNationalDossier } from './receive-national-dossier.ts';

/**
 * What the National Public Service Portal sends us (issue 16 item 2): dossiers filed there for
 * our procedures. Only an integrating system holding `national-portal:push` may push. The body is
 * checked by the operation (its schema is the portal's record, field names and all), so the
 * errors name the record's fields.
 */
export const nationalPortalInboundModule: Module = {
  name: 'national-portal-inbound',
  routes(app, ctx) {
    app.post('/api/v1/national-portal/dossiers', {
      config: { access: ['scope:national-portal:push'] },
      // A record with up to 100 files named by address (the files are fetched, not sent here) and an e-form.
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        tags: ['national-portal'],
        summary: 'A dossier filed on the National Public Service Portal, pushed to us (DongBoHoSoMC record, TechID, e-form data, TaiLieuNop by address)',
        description:
          'Filed through the same operation as every channel (online). The same MaHoSo pushed again answers 200 with the dossier filed the first time ' +
          "and files nothing; 201 when this push filed it. Errors name the record's fields (body.MaTTHC, body.TaiLieuNop[0].DuongDanTaiTepTin, …). " +
          '502 NATIONAL_FILE_UNAVAILABLE: a file could not be fetched from the portal; push again.',
        response: { 200: InboundAnswerSchema, 201: InboundAnswerSchema, 400: ErrorBody, 413: ErrorBody, 415: ErrorBody, 502: ErrorBody },
      },
      handler: async (req, reply) => {
        const r = await receiveNationalDossier(ctx, req.principal!, req.body);
        reply.code(r.created ? 201 : 200);
        return r;
      },
    });
  },
};

import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { SharedHolderData, SharedQuery, shareHolderData } from './share-holder-data.ts';

/** Our data shared through the data-sharing platform with agencies under a sharing agreement (issue 16 item 5). */
export const dataSharingModule: Module = {
  name: 'data-sharing',
  routes(app, ctx) {
    app.get('/api/v1/shared/dossiers', {
      // Per service account: an agency's system asks about the holders it serves, not the whole register.
      config: { access: ['scope:sharing:dossiers'], limit: 'public' },
      schema: {
        tags: ['data-sharing'],
        summary:
          'The dossiers of a holder (status, procedure, dates) and the results issued to them (codes, document names, issuer, dates, validity), newest first, at most 100 each; for systems with a sharing agreement (scope sharing:dossiers). Nothing the applicant wrote is shared; every call is audited',
        querystring: SharedQuery,
        response: { 200: SharedHolderData, 400: ErrorBody, 429: ErrorBody },
      },
      handler: async (req) => shareHolderData(ctx, req.principal!, req.query.holder),
    });
  },
};

import { z } from 'zod';
import type { Module } from '../../platform/http/server.ts';
import { ErrorBody } from '../../platform/http/schemas.ts';
import { BusinessView, lookUpBusiness } from './look-up-business.ts';

/** The national business registry for forms (issue 16 item 4): signed-in citizens, businesses and officials. */
export const businessRegistryModule: Module = {
  name: 'business-registry',
  routes(app, ctx) {
    app.get('/api/v1/business-registry/:taxCode', {
      // Per account, as anonymous reads are: a form is filled by a person, not by a loop over the registry.
      config: { access: ['citizen', 'staff'], limit: 'public' },
      schema: {
        tags: ['business-registry'],
        summary:
          'A business by its tax code (10 digits, check digit checked; a branch NNNNNNNNNN-NNN) from the national business registry through the data-sharing platform: name, head office, legal representative, first registration date and status (a ceased or suspended business is answered with a notice); unknown codes are 404. Kept a day; every lookup is audited',
        params: z.object({ taxCode: z.string().max(40) }),
        response: { 200: BusinessView, 400: ErrorBody, 404: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
      handler: async (req) => lookUpBusiness(ctx, req.principal!, req.params.taxCode),
    });
  },
};

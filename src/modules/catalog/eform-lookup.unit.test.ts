import { describe, expect, it } from 'vitest';
import { checkEFormSchema } from './check-eform-schema.ts';
import { lookupFieldsOf } from './eform-lookup.ts';

const schema = (marker: unknown, extra: Record<string, unknown> = {}) => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    maSoThue: { type: 'string', 'x-congso-lookup': marker },
    ten: { type: 'string' },
    diaChi: { type: 'string' },
    soLuong: { type: 'integer' },
    ...extra,
  },
});

describe('e-form fields filled from the business registry', () => {
  it('takes a marker that names string fields of the form', () => {
    const s = schema({ service: 'business-registry', fill: { name: 'ten', address: 'diaChi' } });
    expect(checkEFormSchema(s).problems).toEqual([]);
    expect(lookupFieldsOf(s)).toEqual([{ key: 'maSoThue', service: 'business-registry', fill: { name: 'ten', address: 'diaChi' } }]);
  });

  it('refuses at import a marker that cannot be followed, naming where', () => {
    const paths = (s: unknown) => checkEFormSchema(s).problems.map((p) => p.path.join('/'));
    expect(paths(schema({ service: 'land-registry', fill: { name: 'ten' } }))).toEqual(['properties/maSoThue/x-congso-lookup']);
    expect(paths(schema({ service: 'business-registry', fill: { name: 'khongCo', phone: 'ten', address: 'soLuong' } }))).toEqual([
      'properties/maSoThue/x-congso-lookup/fill/name',
      'properties/maSoThue/x-congso-lookup/fill/phone',
      'properties/maSoThue/x-congso-lookup/fill/address',
    ]);
    // Inside a table's row it has no form field to fill.
    const nested = schema(undefined, {
      hang: {
        type: 'array',
        items: { type: 'object', properties: { ms: { type: 'string', 'x-congso-lookup': { service: 'business-registry', fill: { name: 'ten' } } } } },
      },
    });
    delete (nested.properties.maSoThue as Record<string, unknown>)['x-congso-lookup'];
    expect(paths(nested)).toEqual(['properties/hang/items/properties/ms/x-congso-lookup']);
    expect(lookupFieldsOf(schema({ service: 'business-registry', fill: { name: 'khongCo' } }))).toEqual([]);
  });
});

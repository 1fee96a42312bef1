import { describe, expect, it } from 'vitest';
import { formValues } from './eform-values.ts';

const schema = {
  type: 'object',
  properties: {
    ten: { type: 'string' },
    soLuong: { type: 'number' },
    hang: { type: 'array', items: { type: 'object', properties: { moTa: { type: 'string' }, sl: { type: 'number' } } } },
  },
};

describe('formValues', () => {
  it('builds the JSON the schema describes from form fields', () => {
    expect(
      formValues(schema, {
        'f.ten': '  Công ty A ',
        'f.soLuong': '1 200,5',
        'f.hang.0.moTa': 'Gạo',
        'f.hang.0.sl': '3',
        'f.hang.1.moTa': '',
        'f.hang.1.sl': '',
        'f.hang.2.moTa': 'Cà phê',
        'f.hang.2.sl': '',
      }),
    ).toEqual({
      ten: 'Công ty A',
      soLuong: 1200.5,
      hang: [{ moTa: 'Gạo', sl: 3 }, { moTa: 'Cà phê' }],
    });
  });

  it('drops empty fields and keeps a bad number as text for the validator to name', () => {
    expect(formValues(schema, { 'f.ten': '', 'f.soLuong': 'abc' })).toEqual({ soLuong: 'abc' });
    expect(formValues(null, { 'f.ten': 'x' })).toEqual({});
  });

  it('composes decomposed Vietnamese input', () => {
    expect(formValues(schema, { 'f.ten': 'Nguyễn'.normalize('NFD') }).ten).toBe('Nguyễn');
  });
});

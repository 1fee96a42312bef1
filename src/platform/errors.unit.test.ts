import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES } from './errors.ts';

describe('ERROR_CODES', () => {
  it('gives every code an HTTP error status and a sentence for the OpenAPI reader', () => {
    const wrong = Object.entries(ERROR_CODES)
      .filter(([, c]) => !(Number.isInteger(c.status) && c.status >= 400 && c.status <= 599) || !c.about.trim())
      .map(([code]) => code);
    expect(wrong).toEqual([]);
  });

  it('names codes in upper snake case, as clients compare them', () => {
    expect(Object.keys(ERROR_CODES).filter((c) => !/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(c))).toEqual([]);
  });

  it('an AppError takes its status from its code', () => {
    expect(new AppError('IDEMPOTENCY_KEY_REUSED', { vi: 'x', en: 'y' }).status).toBe(409);
    expect(new AppError('SSO_ATTEMPT_EXPIRED', { vi: 'x', en: 'y' }).status).toBe(400);
    expect(new AppError('SCOPE_NOT_GRANTED', { vi: 'x', en: 'y' }).toJSON()).toEqual({ error: { code: 'SCOPE_NOT_GRANTED', message: 'x', messageEn: 'y' } });
  });
});

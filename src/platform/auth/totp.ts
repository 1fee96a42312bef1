import { Secret, TOTP } from 'otpauth';

const PERIOD = 30;

export const newTotpSecret = () => new Secret({ size: 20 }).base32;

function totp(secret: string, label = 'congso') {
  return new TOTP({ issuer: 'congso', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

export const totpUri = (secret: string, username: string) => totp(secret, username).toString();

/** The code for a moment; tests and the demo use it. */
export const totpCode = (secret: string, at = Date.now()) => totp(secret).generate({ timestamp: at });

/**
 * Checks a code allowing one step of clock drift either way. Returns the matched time step
 * so the caller can refuse a replay of the same or an earlier code.
 */
export function matchTotp(secret: string, code: string, lastStep: number | null, at = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: at, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(at / 1000 / PERIOD) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { AppError } from './errors.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'congso-cfg-'));
function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return `${(e as AppError).text.vi}\n${(e as AppError).text.en}`;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('has working defaults in demo mode and keeps generated secrets across starts', () => {
    const dir = tmp();
    const a = loadConfig({ DATA_DIR: dir });
    expect(a).toMatchObject({ mode: 'demo', port: 3000, host: '0.0.0.0', publicUrl: 'http://localhost:3000' });
    expect(a.databaseUrl).toBeUndefined();
    expect(a.oidc).toMatchObject({ issuer: 'http://localhost:3000/sso', simulator: true });
    expect(a.secrets.session.length).toBeGreaterThanOrEqual(32);
    const b = loadConfig({ DATA_DIR: dir });
    expect(b.secrets).toEqual(a.secrets);
    expect(JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8')).session).toBe(a.secrets.session);
  });

  it('names every bad variable at once, with the value it got', () => {
    const msg = problems({ DATA_DIR: tmp(), PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(msg).toMatch(/PORT: .*\(got "abc"\)/);
    expect(msg).toMatch(/DATABASE_URL: must start with postgresql:\/\//);
    expect(msg).toMatch(/LOG_LEVEL/);
    expect(msg).toMatch(/Cấu hình không hợp lệ/);
  });

  it('production mode requires real secrets, a server database and a real SSO, and never prints secrets', () => {
    const msg = problems({ CONGSO_MODE: 'production', DATA_DIR: tmp(), SESSION_SECRET: 'short' });
    for (const k of ['TOKEN_SECRET', 'DATABASE_URL', 'PUBLIC_URL', 'OIDC_ISSUER']) expect(msg).toContain(`${k}: required in production mode`);
    expect(msg).toMatch(/SESSION_SECRET: must be at least 32 characters/);
    expect(msg).not.toContain('short');
    const ok = loadConfig({
      CONGSO_MODE: 'production',
      DATA_DIR: tmp(),
      SESSION_SECRET: 's'.repeat(40),
      TOKEN_SECRET: 't'.repeat(40),
      DATABASE_URL: 'postgresql://db/congso',
      PUBLIC_URL: 'https://dichvucong.example.gov.vn/',
      OIDC_ISSUER: 'https://sso.example.gov.vn',
      OIDC_CLIENT_ID: 'congso',
      OIDC_CLIENT_SECRET: 'x'.repeat(20),
    });
    expect(ok.publicUrl).toBe('https://dichvucong.example.gov.vn');
    expect(ok.oidc.simulator).toBe(false);
  });

  it('S3 and OIDC settings come as complete sets', () => {
    expect(problems({ DATA_DIR: tmp(), S3_BUCKET: 'b' })).toMatch(/S3_ACCESS_KEY_ID/);
    expect(problems({ DATA_DIR: tmp(), OIDC_ISSUER: 'https://sso.example' })).toMatch(/OIDC_CLIENT_ID/);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';

/** The exchange's configuration: defaults, the demo axis, the `lienthong` secret kept in DATA_DIR/secrets.json. */

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'congso-test-exchange-config-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('EDXML configuration', () => {
  it('demo defaults: the ministry G12, its own axis simulator, a poll every 30 s, 30 MiB messages and 20 MiB attachments', () => {
    const dir = tmp();
    const c = loadConfig({ DATA_DIR: dir, PORT: '3999', HOST: '127.0.0.1' });
    expect(c.edxml).toMatchObject({
      organ: { organId: '000.00.00.G12', organName: 'Bộ Công Thương' },
      axis: { url: 'http://127.0.0.1:3999/simulators/axis', systemId: 'congso-000.00.00.G12', timeoutMs: 15_000 },
      pollSeconds: 30,
      maxBytes: 30 * 1024 * 1024,
      maxAttachmentBytes: 20 * 1024 * 1024,
      inbox: { clientId: 'lienthong' },
    });
    const kept = JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(c.edxml.inbox!.clientSecret).toBe(kept.lienthong);
    expect(kept.lienthong).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a secrets file from before the exchange gets a lienthong secret, the same on every read', () => {
    const dir = tmp();
    const old = { session: 's'.repeat(43), token: 't'.repeat(43), oidcClient: 'o'.repeat(43), serviceAccount: 'a'.repeat(43) };
    writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify(old));
    const first = loadConfig({ DATA_DIR: dir }).edxml.inbox!.clientSecret;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8'))).toEqual({ ...old, lienthong: first });
    expect(loadConfig({ DATA_DIR: dir }).edxml.inbox!.clientSecret).toBe(first);
  });

  it('an axis URL needs its systemid and secret; a bad OrganId is refused; production without an axis has none', () => {
    expect(() => loadConfig({ DATA_DIR: tmp(), EDXML_AXIS_URL: 'https://axis.example.gov.vn' })).toThrow(/EDXML_AXIS_SYSTEM_ID/);
    expect(() => loadConfig({ DATA_DIR: tmp(), EDXML_ORGAN_ID: 'G12' })).toThrow(/EDXML_ORGAN_ID/);
    const prod = loadConfig({
      CONGSO_MODE: 'production',
      DATA_DIR: tmp(),
      SESSION_SECRET: 'x'.repeat(32),
      TOKEN_SECRET: 'y'.repeat(32),
      DATABASE_URL: 'postgresql://db/congso',
      PUBLIC_URL: 'https://congso.example.gov.vn',
      OIDC_ISSUER: 'https://sso.example.gov.vn',
      OIDC_CLIENT_ID: 'congso',
      OIDC_CLIENT_SECRET: 'z'.repeat(32),
      EDXML_ORGAN_ID: '000.00.00.G15',
    });
    expect(prod.edxml.axis).toBeUndefined();
    expect(prod.edxml.inbox).toBeUndefined();
    expect(prod.edxml.organ.organId).toBe('000.00.00.G15');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.ts';
import type { Ctx } from '../../platform/context.ts';
import { createTestCa, issueSigningCertificate, parseCertificate, toPkcs12 } from '../../platform/signing/test-ca.ts';
import { p12Keys } from './signing-keys.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-p12-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = {} as Ctx;

describe('production signing keys from the CA’s PKCS#12 files', () => {
  it('loads the signer by username and the seal by unit; a missing file is named in the error', async () => {
    const ca = await createTestCa();
    writeFileSync(
      path.join(dir, 'person-ky.p12'),
      await toPkcs12(await issueSigningCertificate(ca, { commonName: 'Hoàng Văn Thắng', organisation: 'Bộ Công Thương' }), 'mat-khau-p12'),
    );
    const keys = p12Keys(dir, 'mat-khau-p12');
    const signer = await keys.person(ctx, { username: 'ky', name: 'Hoàng Văn Thắng', organisation: 'Bộ Công Thương', unitName: 'Cục Xuất nhập khẩu' });
    const [leaf] = await signer.certificateChain();
    expect(parseCertificate(leaf).subject.typesAndValues.find((tv) => tv.type === '2.5.4.3')?.value.valueBlock.value).toBe('Hoàng Văn Thắng');
    await expect(keys.organisation(ctx, { id: '000.05.00.G12', name: 'Cục Xuất nhập khẩu' })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      text: { en: expect.stringContaining('org-000.05.00.G12.p12') },
    });
    await expect(p12Keys(dir, 'sai-mat-khau').person(ctx, { username: 'ky', name: 'x', organisation: 'x', unitName: 'x' })).rejects.toThrow();
  });

  it('SIGNING_P12_DIR needs its password', () => {
    expect(() => loadConfig({ DATA_DIR: dir, SIGNING_P12_DIR: dir })).toThrow(/SIGNING_P12_PASSWORD/);
    expect(loadConfig({ DATA_DIR: dir, SIGNING_P12_DIR: dir, SIGNING_P12_PASSWORD: 'mat-khau-p12' }).signingP12).toEqual({ dir, password: 'mat-khau-p12' });
  });
});

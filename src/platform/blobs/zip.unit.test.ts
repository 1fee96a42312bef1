import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors.ts';
import { makeZip } from './testing/fixtures.ts';
import { readZipFiles } from './zip.ts';

const LIMITS = { maxEntries: 10, maxUncompressed: 1024 * 1024, maxRatio: 500 };
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as AppError).code;
  }
  return 'none';
};

describe('readZipFiles (the batch reader over the platform ZIP reader)', () => {
  it('reads stored and deflated files in order, skipping folders, macOS metadata and hidden files; names NFC', () => {
    const zip = makeZip([
      { name: 'lo-1/', data: '', method: 0 },
      { name: 'lo-1/a.png', data: 'A', method: 0 },
      { name: '__MACOSX/lo-1/._a.png', data: 'x' },
      { name: 'lo-1/.DS_Store', data: 'x' },
      // "danh-sách" written decomposed (NFD), as macOS names files
      { name: 'lo-1/danh-sa\u0301ch.csv', data: 'B'.repeat(5000) },
    ]);
    expect(readZipFiles(zip, LIMITS).map((f) => [f.name, new TextDecoder().decode(f.bytes).slice(0, 3)])).toEqual([
      ['lo-1/a.png', 'A'],
      ['lo-1/danh-s\u00e1ch.csv', 'BBB'],
    ]);
  });

  it('refuses traversal, truncation, a bad CRC, two names that differ only by case, too many entries and a lying size', () => {
    expect(code(() => readZipFiles(makeZip([{ name: '../etc/passwd', data: 'x' }]), LIMITS))).toBe('VALIDATION_FAILED');
    expect(code(() => readZipFiles(makeZip([{ name: 'a\\..\\b', data: 'x' }]), LIMITS))).toBe('VALIDATION_FAILED');
    const z = makeZip([{ name: 'a.png', data: 'hello', method: 0 }]);
    expect(code(() => readZipFiles(z.subarray(0, z.length - 5), LIMITS))).toBe('VALIDATION_FAILED');
    const corrupt = Buffer.from(z);
    corrupt[30 + 'a.png'.length] ^= 0xff;
    expect(code(() => readZipFiles(corrupt, LIMITS))).toBe('VALIDATION_FAILED');
    expect(
      code(() =>
        readZipFiles(
          makeZip([
            { name: 'A.png', data: 'x' },
            { name: 'a.png', data: 'y' },
          ]),
          LIMITS,
        ),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(code(() => readZipFiles(makeZip(Array.from({ length: 11 }, (_, i) => ({ name: `${i}.png`, data: 'x' }))), LIMITS))).toBe('PAYLOAD_TOO_LARGE');
    // Declares 10 bytes, inflates to 100 000: inflation stops one byte past the claim.
    expect(code(() => readZipFiles(makeZip([{ name: 'big.png', data: Buffer.alloc(100_000), declaredSize: 10 }]), LIMITS))).toBe('PAYLOAD_TOO_LARGE');
    expect(code(() => readZipFiles(makeZip([{ name: 'a.png', data: 'x', flags: 0x1 }]), LIMITS))).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('bounds the whole archive, not only each entry', () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `${i}.png`, data: Buffer.alloc(300 * 1024, i) }));
    expect(code(() => readZipFiles(makeZip(entries), LIMITS))).toBe('PAYLOAD_TOO_LARGE');
    expect(readZipFiles(makeZip(entries.slice(0, 3)), LIMITS)).toHaveLength(3);
  });
});

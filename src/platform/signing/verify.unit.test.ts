import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { verifyPdfSignatures } from './verify.ts';

/** A bare PDF body with one signature dictionary whose /Contents holds `hex`; its byte range covers the rest. */
function withContents(hex: string): Uint8Array {
  const head = '%PDF-1.7\n1 0 obj\n<< /Type /Sig /ByteRange [0000000000 0000000000 0000000000 0000000000] /Contents <';
  const tail = '> >>\nendobj\ntrailer\n<< >>\n%%EOF\n';
  const pdf = Buffer.from(head + hex + tail, 'latin1');
  const start = head.length - 1;
  const end = start + hex.length + 2;
  const range = [0, start, end, pdf.length - end].map((n) => String(n).padStart(10, '0')).join(' ');
  pdf.write(`[${range}]`, head.indexOf('[0000'), 'latin1');
  return pdf;
}

describe('verifyPdfSignatures on files built to be expensive', () => {
  it('a /Contents of a long run of zeros not at its end is read in linear time (the /(00)+$/ pattern took 70 s for 200,000)', async () => {
    // 2,000,001 zeros then a 1: hours of backtracking for the old pattern, milliseconds now.
    const checks = await verifyPdfSignatures(withContents(`${'0'.repeat(2_000_001)}1`));
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ valid: false, signer: null, coversWholeDocument: true });
  });

  it('more signatures than the caller allows is refused before any is checked', async () => {
    const one = Buffer.from(withContents('3000')).toString('latin1');
    const many = Buffer.from(
      one.replace(/1 0 obj[\s\S]*endobj\n/, (o) => o.repeat(4)),
      'latin1',
    );
    expect(await verifyPdfSignatures(many, { maxSignatures: 4 })).toHaveLength(4);
    const e = await verifyPdfSignatures(many, { maxSignatures: 3 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: [{ path: 'file' }] });
    expect((e as AppError).text.en).toBe('The file has too many signatures to verify (4; at most 3)');
  });
});

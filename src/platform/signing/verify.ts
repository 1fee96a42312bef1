import * as pkijs from 'pkijs';
import { AppError } from '../errors.ts';
import { ab, engine } from './crypto.ts';

export interface SignatureCheck {
  /** The signer certificate's common name, as written (Vietnamese names keep their diacritics). */
  signer: string | null;
  /** The CMS signature verifies over the PDF's signed byte ranges. */
  valid: boolean;
  /** The signed ranges reach the end of the file: nothing was appended after this signature. */
  coversWholeDocument: boolean;
  /** Why it is not valid, when it is not. */
  problem?: string;
}

const COMMON_NAME = '2.5.4.3';

/**
 * Checks every PAdES signature in a PDF, in file order: the CMS over its /ByteRange, with
 * the signer's certificate from the CMS. Trust in the certificate chain is a separate
 * question (the caller knows which issuers it trusts); this answers "is it intact".
 */
export async function verifyPdfSignatures(pdf: Uint8Array, opts: { maxSignatures?: number } = {}): Promise<SignatureCheck[]> {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const out: SignatureCheck[] = [];
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  // Each signature hashes up to the whole file: a file of many would be work multiplied.
  if (opts.maxSignatures !== undefined && ranges.length > opts.maxSignatures) {
    const vi = `Tệp có quá nhiều chữ ký số để xác minh (${ranges.length}; tối đa ${opts.maxSignatures})`;
    const en = `The file has too many signatures to verify (${ranges.length}; at most ${opts.maxSignatures})`;
    throw new AppError('PAYLOAD_TOO_LARGE', { vi, en }, [{ path: 'file', message: vi, messageEn: en }]);
  }
  for (const m of ranges) {
    const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
    const coversWholeDocument = c + d === pdf.byteLength;
    if (a !== 0 || b <= 0 || c <= b || c + d > pdf.byteLength) {
      out.push({ signer: null, valid: false, coversWholeDocument, problem: 'byte range outside the file' });
      continue;
    }
    const hex = withoutZeroPadding(text.slice(b + 1, c - 1));
    const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
    try {
      const info = pkijs.ContentInfo.fromBER(ab(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex')));
      const sd = new pkijs.SignedData({ schema: info.content });
      const cert = sd.certificates?.find((x): x is pkijs.Certificate => x instanceof pkijs.Certificate);
      const cn = cert?.subject.typesAndValues.find((tv) => tv.type === COMMON_NAME)?.value.valueBlock.value;
      const ok = await sd.verify({ signer: 0, data: ab(signed), checkChain: false }, engine);
      out.push({
        signer: typeof cn === 'string' ? cn : null,
        valid: ok === true,
        coversWholeDocument,
        ...(ok === true ? {} : { problem: 'signature does not verify' }),
      });
    } catch (e) {
      // A damaged or altered signature is an answer ("not intact"), not a server error.
      out.push({ signer: null, valid: false, coversWholeDocument, problem: (e as Error).message.slice(0, 200) });
    }
  }
  return out;
}

/**
 * The /Contents hex without the trailing "00" pairs that pad it to its reserved size. A loop,
 * not /(00)+$/: on a long run of zeros that does not end the string, that pattern backtracks
 * from every position (200,000 zeros took 70 s).
 */
function withoutZeroPadding(hex: string): string {
  let end = hex.length;
  while (end >= 2 && hex.charCodeAt(end - 1) === 0x30 && hex.charCodeAt(end - 2) === 0x30) end -= 2;
  return hex.slice(0, end);
}

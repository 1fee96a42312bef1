import * as pkijs from 'pkijs';
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
export async function verifyPdfSignatures(pdf: Uint8Array): Promise<SignatureCheck[]> {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const out: SignatureCheck[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
    const coversWholeDocument = c + d === pdf.byteLength;
    if (a !== 0 || b <= 0 || c <= b || c + d > pdf.byteLength) {
      out.push({ signer: null, valid: false, coversWholeDocument, problem: 'byte range outside the file' });
      continue;
    }
    const hex = text.slice(b + 1, c - 1).replace(/(00)+$/, '');
    const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
    try {
      const info = pkijs.ContentInfo.fromBER(ab(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex')));
      const sd = new pkijs.SignedData({ schema: info.content });
      const cert = sd.certificates?.find((x): x is pkijs.Certificate => x instanceof pkijs.Certificate);
      const cn = cert?.subject.typesAndValues.find((tv) => tv.type === COMMON_NAME)?.value.valueBlock.value;
      const ok = await sd.verify({ signer: 0, data: ab(signed), checkChain: false }, engine);
      out.push({ signer: typeof cn === 'string' ? cn : null, valid: ok === true, coversWholeDocument, ...(ok === true ? {} : { problem: 'signature does not verify' }) });
    } catch (e) {
      // A damaged or altered signature is an answer ("not intact"), not a server error.
      out.push({ signer: null, valid: false, coversWholeDocument, problem: (e as Error).message.slice(0, 200) });
    }
  }
  return out;
}

import { deflateSync } from 'node:zlib';
import { samplePdf } from './dossier-fixtures.ts';
import { createTestCa, issueSigningCertificate } from '../src/platform/signing/test-ca.ts';
import { KeySigner } from '../src/platform/signing/signer.ts';
import { signPdf } from '../src/platform/signing/pades.ts';

/**
 * Files that make anonymous verification work hard (issue 10, item 5), built here so the
 * tests show what they contain.
 */

/** A classic PDF of the given objects (numbered from 1), with its cross-reference table. */
export function buildPdf(objects: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let at = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(at);
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), typeof o === 'string' ? Buffer.from(o, 'latin1') : o, Buffer.from('\nendobj\n')]);
    parts.push(b);
    at += b.length;
  });
  const rows = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${rows}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`,
      'latin1',
    ),
  );
  return Buffer.concat(parts);
}

export const pdfStream = (dict: string, data: Buffer) =>
  Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`), data, Buffer.from('\nendstream')]);

const CATALOG = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>'];

/**
 * The decompression bomb of the issue: an object stream holding one small object and then
 * 63 MiB of spaces, deflated at level 9 into about 64 KB. Inflating and reading it held the
 * event loop for seconds.
 */
export function decompressionBomb(): Buffer {
  const head = '4 0 ';
  const body = Buffer.concat([Buffer.from(`${head}<< /Type /Annot >>`), Buffer.alloc(63 * 1024 * 1024, 0x20)]);
  return buildPdf([...CATALOG, pdfStream(`/Type /ObjStm /N 1 /First ${head.length} /Filter /FlateDecode`, deflateSync(body, { level: 9 }))]);
}

let cmsHex: string | undefined;
/** The CMS of a real PAdES signature, as hex: pkijs parses it and hashes what it is said to cover. */
async function realCmsHex(): Promise<string> {
  if (!cmsHex) {
    const ca = await createTestCa();
    const signer = new KeySigner(await issueSigningCertificate(ca, { commonName: 'Nguyễn Văn Thử', organisation: 'Thử nghiệm', keyAlgorithm: 'ECDSA-P256' }));
    const signed = Buffer.from(await signPdf(await samplePdf(), signer)).toString('latin1');
    let hex = /\/Contents\s*<([0-9A-Fa-f]+)>/.exec(signed)![1];
    while (hex.endsWith('00')) hex = hex.slice(0, -2);
    cmsHex = hex;
  }
  return cmsHex;
}

/**
 * A legitimate-looking but expensive file: `signatures` signature dictionaries whose byte
 * ranges each cover the whole file (about `fillerBytes`), so every check hashes it all.
 */
export async function manySignatures(signatures: number, fillerBytes = 19 * 1024 * 1024): Promise<Buffer> {
  const hex = await realCmsHex();
  const sig = `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0000000000 0000000000 0000000000 0000000000] /Contents <${hex}> >>`;
  const pdf = buildPdf([...CATALOG, pdfStream('', Buffer.alloc(fillerBytes, 0x41)), ...Array.from({ length: signatures }, () => sig)]);
  const text = pdf.toString('latin1');
  let at = text.indexOf('/ByteRange [');
  while (at >= 0) {
    const start = text.indexOf('<', text.indexOf('/Contents', at));
    const end = text.indexOf('>', start) + 1;
    const range = [0, start, end, pdf.length - end].map((n) => String(n).padStart(10, '0')).join(' ');
    pdf.write(`[${range}]`, at + '/ByteRange '.length, 'latin1');
    at = text.indexOf('/ByteRange [', end);
  }
  return pdf;
}

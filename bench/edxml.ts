/**
 * npm run bench -- --edxml [--rounds R]
 *
 * The EDXML codec on messages as the exchange carries them (issue 18): a document message with
 * one attachment of 0.1, 1, 5 and 20 MiB (the largest the default limit accepts), built, signed
 * (RSA-SHA256, exclusive c14n) and parsed with the signature checked, R rounds each, medians.
 * The baseline, in the same run on the same files: Debian's xmlsec1 verifying the signature
 * (another implementation doing the one step that dominates: canonicalising and hashing the
 * whole message). Reports ours / xmlsec1. No target is set by the issue; the figures size the
 * work a worker does per received message. Writes bench/results/edxml-DATE.md.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildEdxml, documentIdOf, type EdxmlDocumentMessage, parseEdxml, signEdxml } from '../src/modules/documents/edxml/index.ts';
import { createTestCa, issueSigningCertificate } from '../src/platform/signing/test-ca.ts';

const run = promisify(execFile);
const MIB = 1024 * 1024;

function message(bytes: number): EdxmlDocumentMessage {
  const content = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) content[i] = (i * 2654435761) >>> 24;
  return {
    kind: 'document',
    from: { organId: '000.00.00.G12', organName: 'Bộ Công Thương' },
    to: [{ organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' }],
    documentId: documentIdOf('000.00.00.G12', '2026-12-07', '05/QĐ-BCT'),
    code: { number: '05', notation: 'QĐ-BCT' },
    promulgation: { place: 'Hà Nội', date: '2026-12-07' },
    documentType: { type: 2, typeDetail: 0, typeName: 'Quyết định' },
    subject: 'Về việc ban hành quy chế liên thông văn bản điện tử',
    signer: { fullName: 'Nguyễn Văn A', position: 'Bộ trưởng' },
    toPlaces: [],
    otherInfo: { appendixes: [] },
    responseFor: [],
    business: { type: 0, replacementInfo: [] },
    trace: [{ organId: '000.00.00.G12', timestamp: '2026-12-07T09:00:00+07:00' }],
    attachments: [{ contentId: 'cid:1', name: 'quyet-dinh.pdf', contentType: 'application/pdf', content }],
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0: number) => performance.now() - t0;

export async function benchEdxml(o: { args: string[]; root: string; log: (m: string) => void }): Promise<number> {
  const rounds = o.args.includes('--rounds') ? Number(o.args[o.args.indexOf('--rounds') + 1]) : 5;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-bench-edxml-'));
  try {
    const ca = await createTestCa();
    const key = await issueSigningCertificate(ca, { commonName: 'Văn thư Bộ Công Thương', organisation: 'Bộ Công Thương' });
    const certPem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(key.certificate).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    writeFileSync(path.join(dir, 'cert.pem'), certPem);
    const rows: string[] = [];
    for (const size of [0.1, 1, 5, 20]) {
      const m = message(Math.round(size * MIB));
      const t: Record<'build' | 'sign' | 'parse' | 'xmlsec1', number[]> = { build: [], sign: [], parse: [], xmlsec1: [] };
      let xmlBytes = 0;
      for (let r = 0; r < rounds; r++) {
        let t0 = performance.now();
        const xml = buildEdxml(m);
        t.build.push(ms(t0));
        t0 = performance.now();
        const signed = signEdxml(xml, { privateKey: key.privateKey, certificateDer: key.certificate });
        t.sign.push(ms(t0));
        xmlBytes = Buffer.byteLength(signed);
        const file = path.join(dir, 'm.xml');
        writeFileSync(file, signed);
        // Alternate which goes first, so the machine's drift touches both.
        const ours = () => {
          const t1 = performance.now();
          const p = parseEdxml(signed);
          t.parse.push(ms(t1));
          if (!p.signature.valid) throw new Error(`our own signature did not verify: ${p.signature.reason}`);
        };
        const theirs = async () => {
          const t1 = performance.now();
          await run('xmlsec1', ['--verify', '--pubkey-cert-pem', path.join(dir, 'cert.pem'), file], { maxBuffer: 1 << 20 });
          t.xmlsec1.push(ms(t1));
        };
        if (r % 2 === 0) {
          ours();
          await theirs();
        } else {
          await theirs();
          ours();
        }
      }
      const [b, s, p, x] = [median(t.build), median(t.sign), median(t.parse), median(t.xmlsec1)];
      o.log(`edxml ${size} MiB: build ${b.toFixed(0)} ms, sign ${s.toFixed(0)} ms, parse+verify ${p.toFixed(0)} ms, xmlsec1 ${x.toFixed(0)} ms`);
      rows.push(
        `| ${size} MiB | ${(xmlBytes / MIB).toFixed(1)} MiB | ${b.toFixed(0)} | ${s.toFixed(0)} | ${p.toFixed(0)} | ${x.toFixed(0)} | ${(p / x).toFixed(2)} |`,
      );
    }
    const md = [
      `# EDXML codec, ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} cores, medians of ${rounds} rounds)`,
      '',
      '| attachment | message | build ms | sign ms | parse + verify ms | xmlsec1 --verify ms | ours / xmlsec1 |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows,
      '',
    ].join('\n');
    process.stdout.write(`${md}\n`);
    mkdirSync(path.join(o.root, 'bench/results'), { recursive: true });
    writeFileSync(path.join(o.root, `bench/results/edxml-${new Date().toISOString().slice(0, 10)}.md`), md);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

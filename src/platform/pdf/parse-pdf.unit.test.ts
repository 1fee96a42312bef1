import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { AppError } from '../errors.ts';
import {
  appendRevision,
  ascii85Encode,
  asciiHexEncode,
  ATTACK_PDFS,
  benignPackedPdf,
  enc,
  hybridPdf,
  lzwEncode,
  makePdf,
  packedPdf,
  pageObjects,
  pngPredictMixed,
  rawPdf,
  runLengthEncode,
  tiffPredict,
} from '../blobs/testing/fixtures.ts';
import { assertNoActiveContent, findActiveContent } from './find-active-content.ts';
import { parsePdf } from './parse-pdf.ts';
import { PdfDict, PdfName, PdfStream, type PdfString } from './pdf-objects.ts';
import { rewritePdf } from './rewrite-pdf.ts';
import { describeWithTool } from '../../../test/tools.ts';

const refusal = (f: () => unknown): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('accepted');
};
const found = (b: Uint8Array) => findActiveContent(parsePdf(b)).map((f) => f.what);
const catalogOf = (b: Uint8Array) => {
  const p = parsePdf(b);
  const root = p.resolve(p.trailer.get('Root'));
  if (!(root instanceof PdfDict)) throw new Error('no catalog');
  return { p, root };
};
const jsAction = (tag: string) => `<< /S /JavaScript /JS (app.alert\\('${tag}'\\)) >>`;
/** A document whose names tree runs object 6 (a script poppler prints with pdfinfo -js). */
const scripted = (tag: string) => pageObjects({ catalog: '/Names << /JavaScript << /Names [(a) 6 0 R] >> >>', extra: [jsAction(tag)] });

describe('parsePdf reads the structures writers produce', () => {
  it('pdf-lib files, with and without object streams', async () => {
    for (const objectStreams of [true, false]) {
      const { p, root } = catalogOf(await makePdf({ objectStreams }));
      expect(p.resolve(root.get('Type'))).toEqual(new PdfName('Catalog'));
      expect(p.objects.some((o) => o.container !== undefined)).toBe(objectStreams);
      expect(found(await makePdf({ objectStreams }))).toEqual([]);
    }
  });

  it('an object stream and a cross-reference stream compressed with FlateDecode and PNG predictors, as modern tools write them', () => {
    const { p, root } = catalogOf(benignPackedPdf('Ban goc'));
    expect(p.live.get(1)?.container).toBe(7);
    const info = p.resolve(p.trailer.get('Info'));
    expect(info instanceof PdfDict && (info.get('Title') as PdfString).bytes.toString('latin1')).toBe('Ban chinh');
    expect(p.resolve(root.get('Pages'))).toBeInstanceOf(PdfDict);
    expect(p.inflated).toBeGreaterThan(0);
  });

  it('an object stream whose /Filter and /DecodeParms are indirect references', () => {
    const { root } = catalogOf(packedPdf(pageObjects(), { objStm: 'indirect' }));
    expect(root.get('Pages')).toBeDefined();
  });

  it('filter chains: ASCII85 over LZW with the TIFF predictor, ASCIIHex over RunLength, FlateDecode with every PNG row filter', () => {
    const chains = [
      {
        entries: '/Filter [/ASCII85Decode /LZWDecode] /DecodeParms [null << /Predictor 2 /Columns 8 >>]',
        encode: (b: Buffer) => ascii85Encode(lzwEncode(tiffPredict(b, 8))),
      },
      { entries: '/Filter [/AHx /RL]', encode: (b: Buffer) => asciiHexEncode(runLengthEncode(b)) },
      { entries: '/Filter /Fl /DecodeParms << /Predictor 15 /Columns 11 >>', encode: (b: Buffer) => deflateSync(pngPredictMixed(b, 11)) },
      { entries: '/Filter /LZWDecode', encode: (b: Buffer) => lzwEncode(Buffer.concat([b, Buffer.alloc(6000, 'abcabcabd')])) },
    ];
    for (const objStm of chains) {
      const b = packedPdf(scripted('chain'), { objStm });
      expect([objStm.entries, found(b)]).toEqual([objStm.entries, expect.arrayContaining(['/JS', '/JavaScript', '/S /JavaScript'])]);
    }
  });

  it('a hybrid file: the classic table, then the cross-reference stream named by /XRefStm', () => {
    const b = hybridPdf(pageObjects({ catalog: '/Lang (vi)' }), [1, 2, 3]);
    const { p, root } = catalogOf(b);
    expect(p.live.get(1)?.container).toBe(6);
    expect((root.get('Lang') as PdfString).bytes.toString()).toBe('vi');
  });

  it('the /Prev chain of incremental updates: the newest version is live, the older ones are still examined', () => {
    const first = rawPdf(pageObjects({ catalog: '/OpenAction 6 0 R', extra: [jsAction('v1')] }));
    const b = appendRevision(first, { 1: '<< /Type /Catalog /Pages 2 0 R >>' }, 7);
    const { p, root } = catalogOf(b);
    expect(root.get('OpenAction')).toBeUndefined();
    expect(p.versions.get(1)).toHaveLength(2);
    expect(found(b)).toContain('/S /JavaScript');
  });

  it('a stream whose /Length is an indirect object defined after it', () => {
    const b = rawPdf([
      ...pageObjects()
        .slice(0, 3)
        .map((o) => o.replace('/Contents 4 0 R', '/Contents 6 0 R')),
      'null',
      '<< >>',
      '<< /Length 7 0 R >>\nstream\nBT ET endstream-looking text\nendstream',
      '28',
    ]);
    const s = parsePdf(b).live.get(6)?.value;
    expect(s instanceof PdfStream && s.data.toString('latin1')).toBe('BT ET endstream-looking text');
  });
});

describe('nothing hides from it', () => {
  it('an object inside another stream’s data, found as a repairing reader finds it', () => {
    const b = rawPdf([...pageObjects().slice(0, 4), stream('', `q Q\n9 0 obj\n${jsAction('hidden')}\nendobj\n`)]);
    expect(found(b)).toContain('/S /JavaScript');
  });

  it('a damaged object inside a stream still counts by the names it holds', () => {
    const b = rawPdf([...pageObjects().slice(0, 4), stream('', '9 0 obj << /S /Launch /F (calc.exe) ] >> endobj')]);
    expect(found(b)).toContain('/Launch?');
  });

  it('an object after the declared members of an object stream, seen by a reader that reads them in turn', () => {
    const b = packedPdf(pageObjects(), {
      objStm: { entries: '/Filter /FlateDecode', encode: (plain: Buffer) => deflateSync(Buffer.concat([plain, enc(jsAction('gap'))])) },
    });
    expect(parsePdf(b).objects.some((o) => o.value instanceof PdfDict && o.value.get('JS'))).toBe(false);
    expect(found(b)).toContain('/S /JavaScript');
  });

  it('names written with #xx escapes, duplicate keys, and an action type given by reference', () => {
    expect(found(rawPdf([...pageObjects().slice(0, 5), '<< /S /JavaScript /J#53 (x) >>']))).toContain('/JS');
    expect(found(rawPdf([...pageObjects().slice(0, 5), '<< /S /GoTo /D [3 0 R /Fit] /S /Launch >>']))).toContain('/S /Launch');
    expect(found(rawPdf([...pageObjects().slice(0, 5), '<< /Type /Action /S 7 0 R >>', '/URI']))).toContain('/S /URI');
    expect(found(rawPdf([...pageObjects().slice(0, 5), '<< /Type /Action /S /ECMAScript >>']))).toContain('/S /ECMAScript');
  });

  it('what is harmless stays allowed: an internal GoTo link, destinations, structure types, border and label styles', () => {
    const b = rawPdf(
      pageObjects({
        catalog: '/OpenAction [3 0 R /Fit] /PageLabels << /Nums [0 << /S /D >>] >> /StructTreeRoot 7 0 R /Dests << /intro [3 0 R /XYZ 0 0 0] >>',
        page: '/Annots [6 0 R]',
        extra: [
          '<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /BS << /S /S /W 0 >> /A << /Type /Action /S /GoTo /D [3 0 R /Fit] >> >>',
          '<< /Type /StructTreeRoot /K 8 0 R >>',
          '<< /Type /StructElem /S /Link /P 7 0 R >>',
        ],
      }),
    );
    expect(found(b)).toEqual([]);
  });
});

describe('bounds and damage: a 4xx AppError, never another exception', () => {
  it('decompressed bytes are bounded by a budget shared by the whole document', () => {
    const bomb = packedPdf(scripted('x'), {
      objStm: { entries: '/Filter /FlateDecode', encode: (plain) => deflateSync(Buffer.concat([plain, Buffer.alloc(8 * 1024 * 1024, 0x20)])) },
    });
    expect(refusal(() => parsePdf(bomb, { maxInflated: 1024 * 1024 })).code).toBe('PAYLOAD_TOO_LARGE');
    expect(parsePdf(bomb).inflated).toBeGreaterThan(8 * 1024 * 1024);
  });

  it('nesting depth and object count are bounded', () => {
    const deep = rawPdf([...RAW(), `${'['.repeat(200)}${']'.repeat(200)}`]);
    expect(refusal(() => parsePdf(deep)).text.en).toMatch(/nested too deeply/);
    expect(refusal(() => parsePdf(rawPdf([...RAW(), '1', '2', '3']), { maxObjects: 4 })).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a broken cross-reference chain is rebuilt from the objects, as readers do; with no trailer at all the file is damaged', () => {
    const b = rawPdf(pageObjects({ extra: [jsAction('lost')] }));
    const lost = Buffer.from(b.toString('latin1').replace(/startxref\n\d+/, 'startxref\n9'), 'latin1');
    expect(catalogOf(lost).root.get('Pages')).toBeDefined();
    expect(found(lost)).toContain('/S /JavaScript');
    const packed = benignPackedPdf();
    const packedLost = Buffer.from(packed.toString('latin1').replace(/startxref\n\d+/, 'startxref\n9'), 'latin1');
    expect(catalogOf(packedLost).root.get('Pages')).toBeDefined();
    expect(refusal(() => parsePdf(enc('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n9\n%%EOF\n'))).text.en).toMatch(/no readable trailer/);
  });

  it('damage is named: a string never closed, a corrupt object stream, an unknown filter, encryption', () => {
    expect(refusal(() => parsePdf(rawPdf([...RAW(), '<< /Title (never closed >>']))).text.en).toMatch(/never closed/);
    const b = rawPdf(RAW());
    expect(
      refusal(() => parsePdf(packedPdf(pageObjects(), { objStm: { entries: '/Filter /FlateDecode', encode: () => Buffer.from('not deflate') } }))).code,
    ).toBe('VALIDATION_FAILED');
    expect(refusal(() => parsePdf(packedPdf(pageObjects(), { objStm: { entries: '/Filter /JBIG2Decode', encode: (p) => p } }))).code).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(refusal(() => parsePdf(Buffer.from(b.toString('latin1').replace('trailer\n<<', 'trailer\n<< /Encrypt 9 0 R'), 'latin1'))).text.en).toMatch(
      /Encrypted/,
    );
  });

  it('property: truncated, flipped, spliced or shuffled PDFs give a result or an AppError, never a TypeError or a RangeError', async () => {
    const seeds = [
      await makePdf(),
      await makePdf({ objectStreams: false }),
      benignPackedPdf(),
      packedPdf(pageObjects(), { objStm: 'indirect' }),
      hybridPdf(pageObjects(), [1, 2]),
      appendRevision(rawPdf(pageObjects()), { 1: '<< /Type /Catalog /Pages 2 0 R >>' }, 6),
      ...Object.values(ATTACK_PDFS).map((a) => a.build()),
    ];
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }) }),
      fc.record({
        kind: fc.constant('splice' as const),
        at: fc.nat(),
        text: fc.constantFrom(
          '<<',
          '>>',
          '[',
          ']',
          '(',
          ')',
          '<',
          ' R ',
          ' 0 obj ',
          'endobj',
          'stream\n',
          'endstream',
          '/Length 99999 ',
          '/Filter /FlateDecode ',
          '/DecodeParms << /Predictor 12 /Columns 0 >> ',
          'xref\n0 99999999\n',
          'trailer << /Prev 0 >>',
          '%',
          '\\',
          '#',
          '9999999999 0 R',
        ),
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...seeds), mutation, (seed, m) => {
        let b: Buffer;
        if (m.kind === 'cut') b = seed.subarray(0, m.at % seed.length);
        else if (m.kind === 'flip') {
          b = Buffer.from(seed);
          for (const [at, v] of m.edits) b[at % b.length] = v;
        } else b = Buffer.concat([seed.subarray(0, m.at % seed.length), enc(m.text), seed.subarray(m.at % seed.length)]);
        try {
          findActiveContent(parsePdf(b, { maxInflated: 4 * 1024 * 1024 }));
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).status).toBeLessThan(500);
          expect((e as AppError).text.en).not.toMatch(/structure could not be read/);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('rewritePdf: the same document without object streams, which pdf-lib reads', () => {
  it('pdf-lib cannot read a predictor-compressed object stream; it reads the rewrite, page and text intact', async () => {
    const packed = benignPackedPdf('Ban goc can sao');
    await expect((async () => (await PDFDocument.load(packed)).addPage())()).rejects.toThrow();
    const doc = await PDFDocument.load(rewritePdf(parsePdf(packed)));
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe('Ban chinh');
    const out = await doc.save({ useObjectStreams: false });
    expect(found(out)).toEqual([]);
  });
});

const RAW = () => pageObjects().slice(0, 3);
function stream(dict: string, data: string) {
  return `<< ${dict} /Length ${enc(data).length} >>\nstream\n${data}\nendstream`;
}

// ---------------------------------------------------------------------------------------
// The attack files are real: poppler (another parser entirely) finds in them what they claim.

function tool(cmd: string, args: string[], pdf: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-poppler-'));
  try {
    const file = path.join(dir, 'a.pdf');
    writeFileSync(file, pdf);
    return execFileSync(cmd, [...args, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeWithTool(['pdfinfo', 'pdfdetach'], 'poppler sees what each attack file carries', () => {
  it.each(Object.entries(ATTACK_PDFS))('%s', (_, a) => {
    const plain = a.build();
    expect(tool('pdfinfo', [], plain)).toMatch(/Pages:\s+1/);
    const shown = a.build(a.poppler.witness);
    if (a.poppler.js) expect(tool('pdfinfo', ['-js'], shown)).toContain(a.poppler.js);
    if (a.poppler.url) expect(tool('pdfinfo', ['-url'], shown)).toContain(a.poppler.url);
    if (a.poppler.attachment) expect(tool('pdfdetach', ['-list'], shown)).toContain(a.poppler.attachment);
    if (a.poppler.form) expect(tool('pdfinfo', [], shown)).toMatch(new RegExp(`Form:\\s+${a.poppler.form}`));
    // and our parser refuses both variants, naming what it found
    for (const b of [plain, shown]) expect(refusal(() => assertNoActiveContent(b)).text.en).toMatch(a.names);
  });

  it('the filter chains and the hybrid file decode in poppler as they do here', () => {
    const files = [
      packedPdf(scripted('a85-lzw-tiff'), {
        objStm: {
          entries: '/Filter [/ASCII85Decode /LZWDecode] /DecodeParms [null << /Predictor 2 /Columns 8 >>]',
          encode: (b) => ascii85Encode(lzwEncode(tiffPredict(b, 8))),
        },
      }),
      packedPdf(scripted('ahx-rl'), { objStm: { entries: '/Filter [/ASCIIHexDecode /RunLengthDecode]', encode: (b) => asciiHexEncode(runLengthEncode(b)) } }),
      packedPdf(scripted('png-mixed'), {
        objStm: { entries: '/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 11 >>', encode: (b) => deflateSync(pngPredictMixed(b, 11)) },
      }),
      hybridPdf(scripted('hybrid'), [1, 2, 3, 6]),
    ];
    for (const [b, tag] of files.map((f, i) => [f, ['a85-lzw-tiff', 'ahx-rl', 'png-mixed', 'hybrid'][i]] as const)) {
      expect(tool('pdfinfo', ['-js'], b)).toContain(`app.alert('${tag}')`);
      expect(found(b)).toContain('/S /JavaScript');
    }
  });

  it('the clean packed document is clean for poppler too', () => {
    const out = tool('pdfinfo', [], benignPackedPdf());
    expect(out).toMatch(/JavaScript:\s+no/);
    expect(out).toMatch(/Pages:\s+1/);
  });
});

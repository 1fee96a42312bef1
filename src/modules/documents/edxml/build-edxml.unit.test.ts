import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { buildEdxml } from './build-edxml.ts';
import { documentIdOf, documentIdParts, toWireTimestamp, vietnamNow } from './contract.ts';
import type { EdxmlDocumentMessage, EdxmlMessage, EdxmlStatusCode, EdxmlStatusMessage } from './model.ts';
import { parseEdxml } from './parse-edxml.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/edxml');
const FILES = readdirSync(FIXTURES).filter((f) => f.endsWith('.edxml'));

/** Every element name in the XML, as written. */
const elementNames = (xml: string) => [...xml.matchAll(/<\/?([A-Za-z_][\w.:-]*)[\s/>]/g)].map((m) => m[1]!);

describe('buildEdxml', () => {
  it('has all 11 fixtures to round-trip', () => expect(FILES).toHaveLength(11));

  it.each(FILES)('round-trips %s: parse → build → parse gives the same model', (file) => {
    const first = parseEdxml(readFileSync(path.join(FIXTURES, file))).message;
    const xml = buildEdxml(first);
    expect(parseEdxml(xml).message).toStrictEqual(first);
    expect(parseEdxml(Buffer.from(xml)).signature).toEqual({ present: false, valid: null, weak: false });
  });

  it('writes the edXML: prefix on every element, in the contract order', () => {
    const revocation = parseEdxml(readFileSync(path.join(FIXTURES, 'edoc_revocation.edxml'))).message;
    const xml = buildEdxml(revocation);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">')).toBe(true);
    const names = elementNames(xml);
    expect(names.length).toBeGreaterThan(100);
    expect(names.filter((n) => !n.startsWith('edXML:'))).toEqual([]);
    // MessageHeader's direct children in order (the revocation fixture has ResponseFor after OtherInfo too).
    const header = /<edXML:MessageHeader>([\s\S]*)<\/edXML:MessageHeader>/.exec(xml)![1]!;
    const top = [...header.matchAll(/^ {8}<edXML:(\w+)>/gm)].map((m) => m[1]);
    expect(top).toEqual([
      'From',
      'To',
      'To',
      'To',
      'DocumentId',
      'Code',
      'PromulgationInfo',
      'DocumentType',
      'Subject',
      'Content',
      'SignerInfo',
      'DueDate',
      'OtherInfo',
      'ResponseFor',
      'SteeringType',
      'ToPlaces',
    ]);
    // Attachments beside the envelope, referenced from the manifest by cid.
    expect(xml).toMatch(/<edXML:edXMLManifest version="1.0">\s*<edXML:Reference>\s*<edXML:ContentId>cid:209<\/edXML:ContentId>/);
    expect(xml).toMatch(/<\/edXML:edXMLEnvelope>\s*<edXML:AttachmentEncoded>\s*<edXML:Attachment>\s*<edXML:ContentId>cid:209</);
  });

  it('escapes markup and keeps carriage returns', () => {
    const m = parseEdxml(readFileSync(path.join(FIXTURES, 'status_inbox_01.edxml'))).message as EdxmlStatusMessage;
    const tricky = { ...m, description: 'a < b && c > d ]]> "q" \'s\'\r\nline 2' };
    const xml = buildEdxml(tricky);
    expect(xml).toContain('a &lt; b &amp;&amp; c &gt; d ]]&gt; "q" \'s\'&#13;\nline 2');
    expect(parseEdxml(xml).message).toStrictEqual(tricky);
  });

  it('refuses values the wire cannot carry, naming the field', () => {
    const m = parseEdxml(readFileSync(path.join(FIXTURES, 'status_inbox_01.edxml'))).message as EdxmlStatusMessage;
    const refused = (x: EdxmlMessage) => {
      try {
        buildEdxml(x);
      } catch (e) {
        if (e instanceof AppError) return e;
      }
      throw new Error('expected a refusal');
    };
    const control = refused({ ...m, description: 'bell \u0007' });
    expect(control.code).toBe('EDXML_INVALID');
    expect(control.details?.[0]?.path).toBe('description');
    expect(refused({ ...m, timestamp: 'yesterday' }).details?.[0]?.path).toBe('timestamp');
    expect(refused({ ...m, responseFor: { ...m.responseFor, promulgationDate: '2015-02-30' } }).details?.[0]?.path).toBe('responseFor.promulgationDate');
  });
});

describe('the contract', () => {
  it('writes DocumentId as OrganId,yyyy/MM/dd,number/notation', () => {
    expect(documentIdOf('000.00.00.G22', '2015-09-30', '7816/VPCP-TTĐT')).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(documentIdParts('000.00.00.G22,2014/02/30,7806/VPCP-TTĐT')).toEqual({ organId: '000.00.00.G22', date: '2014/02/30', code: '7806/VPCP-TTĐT' });
    expect(documentIdParts('no commas')).toBeNull();
    expect(() => documentIdOf('000.00.00.G22', '2015-02-30', '1/X')).toThrow(RangeError);
  });

  it('writes times in Vietnam time', () => {
    expect(toWireTimestamp('2026-12-31T17:30:05Z')).toBe('2027/01/01 00:30:05');
    expect(toWireTimestamp('2026-01-01T00:30:00+07:00')).toBe('2026/01/01 00:30:00');
    expect(vietnamNow(new Date('2026-12-07T21:22:16Z'))).toBe('2026-12-08T04:22:16+07:00');
  });
});

// Values as a receiver reads them back: trimmed, non-empty, any character XML can carry
// (Vietnamese, markup characters, line ends inside, astral characters).
const CHARS = ['a', 'Z', '0', ' ', 'ạ', 'Đ', 'ữ', 'ệ', '&', '<', '>', '"', "'", ']]>', '\n', '\r', '\r\n', '\t', '/', ',', '😀', '&amp;', '\u00a0'];
/** fast-check builds records without a prototype; the parser builds plain objects. */
function plain<T>(v: T): T {
  if (Array.isArray(v)) return v.map(plain) as T;
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) as T;
}

const text = fc
  .array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 12 })
  .map((a) => a.join('').trim())
  .filter((s) => s.length > 0);
const organId = fc.stringMatching(/^[0-9A-Z]{2,3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$/);
const day = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const instant = fc.integer({ min: 631_152_000, max: 4_102_444_800 }).map((s) => vietnamNow(new Date(s * 1000)));
const small = fc.integer({ min: 0, max: 999 });
const organ = fc.record(
  { organId, organName: text, organizationInCharge: text, organAdd: text, email: text, telephone: text, fax: text, website: text },
  { requiredKeys: ['organId', 'organName'] },
);
const staff = fc.record({ department: text, staff: text, mobile: text, email: text }, { requiredKeys: [] });
const docId = fc.tuple(organId, day, text).map(([o, d, c]) => documentIdOf(o, d, c));
const responseFor = fc.record({ organId, code: text, promulgationDate: day, documentId: docId }, { requiredKeys: ['organId', 'code', 'documentId'] });

const documentMessage: fc.Arbitrary<EdxmlDocumentMessage> = fc
  .record(
    {
      from: organ,
      to: fc.array(organ, { minLength: 1, maxLength: 3 }),
      documentId: docId,
      code: fc.record({ number: text, notation: text }),
      promulgation: fc.record({ place: text, date: day }),
      documentType: fc.record({ type: small, typeDetail: small, typeName: text }),
      subject: text,
      content: text,
      signer: fc.record({ competence: text, position: text, fullName: text }, { requiredKeys: ['fullName'] }),
      dueDate: day,
      steeringType: small,
      toPlaces: fc.array(text, { maxLength: 3 }),
      otherInfo: fc.record(
        {
          priority: small,
          sphereOfPromulgation: text,
          typerNotation: text,
          promulgationAmount: small,
          pageAmount: small,
          direction: fc.boolean(),
          appendixes: fc.array(text, { maxLength: 3 }),
        },
        { requiredKeys: ['appendixes'] },
      ),
      responseFor: fc.array(responseFor, { maxLength: 2 }),
      business: fc.record(
        {
          type: fc.constantFrom(0, 1, 2, 3),
          reason: text,
          documentId: docId,
          paper: fc.constantFrom(0, 1),
          staff,
          replacementInfo: fc.array(fc.record({ documentId: docId, organIds: fc.array(organId, { maxLength: 3 }) }), { maxLength: 2 }),
        },
        { requiredKeys: ['type', 'replacementInfo'] },
      ),
      trace: fc.array(fc.record({ organId, timestamp: instant }), { maxLength: 3 }),
      attachments: fc.array(
        fc.record(
          {
            name: text,
            description: text,
            contentType: fc.constantFrom('application/pdf', 'application/zip'),
            content: fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
          },
          { requiredKeys: ['name', 'contentType', 'content'] },
        ),
        { maxLength: 3 },
      ),
    },
    {
      requiredKeys: [
        'from',
        'to',
        'documentId',
        'code',
        'promulgation',
        'documentType',
        'subject',
        'signer',
        'toPlaces',
        'otherInfo',
        'responseFor',
        'business',
        'trace',
        'attachments',
      ],
    },
  )
  .map((r) => plain({ kind: 'document' as const, ...r, attachments: r.attachments.map((a, i) => ({ contentId: `cid:${i + 1}`, ...a })) }));

const statusMessage: fc.Arbitrary<EdxmlStatusMessage> = fc
  .record(
    {
      from: organ,
      responseFor,
      staff,
      statusCode: fc.constantFrom<EdxmlStatusCode>('01', '02', '03', '04', '05', '06', '13', '15', '16'),
      description: text,
      timestamp: instant,
    },
    { requiredKeys: ['from', 'responseFor', 'statusCode', 'description', 'timestamp'] },
  )
  .map((r) => plain({ kind: 'status' as const, ...r }));

describe('buildEdxml: property', () => {
  it('any model value round-trips build → parse', () => {
    fc.assert(
      fc.property(fc.oneof(documentMessage, statusMessage), (m) => {
        expect(parseEdxml(buildEdxml(m)).message).toStrictEqual(m);
      }),
      { numRuns: 300 },
    );
  });
});

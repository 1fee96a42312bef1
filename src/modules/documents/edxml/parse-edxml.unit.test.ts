import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { buildEdxml } from './build-edxml.ts';
import type { EdxmlDocumentMessage, EdxmlStatusMessage } from './model.ts';
import { parseEdxml } from './parse-edxml.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/edxml');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));
const NEW_DOC = 'dc0bdef0-c7a3-4aaf-b717-777303442973.edxml';
const MiB = 1024 * 1024;

function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const doc = (name: string) => parseEdxml(fixture(name)).message as EdxmlDocumentMessage;

describe('parseEdxml: the fixtures', () => {
  it('reads the new document (dc0bdef0…)', () => {
    const { message, signature } = parseEdxml(fixture(NEW_DOC));
    const m = message as EdxmlDocumentMessage;
    expect(m.kind).toBe('document');
    expect(m.from).toMatchObject({ organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ', fax: '048989898789' });
    expect(m.to.map((t) => t.organId)).toEqual(['000.00.00.H41', '000.00.00.H14', '000.00.00.G17']);
    expect(m.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(m.code).toEqual({ number: '7816', notation: 'VPCP-TTĐT' });
    expect(m.promulgation).toEqual({ place: 'Hà Nội', date: '2019-04-11' });
    expect(m.documentType).toEqual({ type: 1, typeDetail: 0, typeName: 'Công văn' });
    expect(m.subject).toBe('V/v kết nối, liên thông phần mềm quản lý văn bản');
    expect(m.signer).toEqual({ competence: 'TL. BO TRUONG', position: 'Cuc truong cuc ung dung cong nghe thong tin', fullName: 'Nguyen Thanh Phuc' });
    expect(m.dueDate).toBe('2019-04-11');
    expect(m.steeringType).toBe(1);
    expect(m.toPlaces).toEqual(['Cac bo va co quan ngang bo', 'Uy ban nhan dan cac tinh, TP']);
    expect(m.otherInfo).toEqual({
      priority: 0,
      sphereOfPromulgation: 'Liên thông văn bản quốc gia',
      typerNotation: 'TVC',
      promulgationAmount: 2,
      pageAmount: 22,
      direction: false,
      appendixes: ['Công văn về việc kết nối, liên thông phần mềm quản lý văn bản'],
    });
    expect(m.responseFor).toEqual([]);
    expect(m.business).toEqual({
      type: 0,
      reason: 'Văn bản điện tử mới',
      documentId: '000.00.00.G22,2014/02/30,7806/VPCP-TTĐT',
      paper: 0,
      staff: { department: 'Văn thư văn phòng', staff: 'Nguyễn Thị Ngọc Trâm', email: 'vanthuvanphong@gov.vn', mobile: '84912000001' },
      replacementInfo: [],
    });
    expect(m.trace).toEqual([{ organId: '000.00.00.G22', timestamp: '2019-04-11T00:00:00+07:00' }]);
    expect(m.attachments).toHaveLength(1);
    const a = m.attachments[0]!;
    expect(a).toMatchObject({
      contentId: 'cid:209',
      name: '1896_QD-TTg_m_294779.doc',
      description: '1896_QD-TTg_m_294779.doc',
      contentType: 'application/zip',
    });
    expect(a.content.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004'); // a ZIP, as declared
    expect(a.content.length).toBe(4151); // as Python's strict base64 decoder counts it
    // Signed in the edXML namespace with an 11-character certificate: present, never valid, no crash.
    expect(signature).toMatchObject({ present: true, valid: false, algorithm: 'rsa-sha1', weak: true, signer: 'CN=user05' });
    expect(signature.reason).toMatch(/certificate/);
    expect(signature.reason).toMatch(/namespace/);
  });

  it('reads the revocation (business type 1) with its ResponseFor and a 270 KB attachment', () => {
    const { message, signature } = parseEdxml(fixture('edoc_revocation.edxml'));
    const m = message as EdxmlDocumentMessage;
    expect(m.business).toMatchObject({ type: 1, reason: 'Thu hồi văn bản điện tử', paper: 0 });
    expect(m.business.documentId).toBeUndefined();
    expect(m.responseFor).toEqual([
      { organId: '000.00.00.H14', code: '267/VPCP-TTĐT', documentId: '000.00.04.G14,2012/08/06,267/VPCP-TTĐT', promulgationDate: '2018-09-28' },
    ]);
    expect(m.trace).toEqual([{ organId: '000.00.00.G22', timestamp: '2018-09-28T00:00:00+07:00' }]);
    expect(m.attachments[0]!.content.length).toBe(270_823);
    expect(m.attachments[0]!.content.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(signature).toMatchObject({ present: true, valid: false, weak: true });
  });

  it.each([
    ['status_inbox_01.edxml', '01', '000.00.00.H41', '000.00.00.G22'],
    ['status_rejection_02.edxml', '02', '000.00.00.H41', '000.00.00.G22'],
    ['status_acceptance_03.edxml', '03', '000.00.00.H41', '000.00.00.G22'],
    ['status_assignment_04.edxml', '04', '000.00.00.H41', '000.00.00.G22'],
    ['status_processing_05.edxml', '05', '000.00.00.H41', '000.00.00.G22'],
    ['status_finish_06.edxml', '06', '000.00.00.H41', '000.00.00.G22'],
    ['status_cancellation_13.edxml', '13', '000.00.00.G22', '000.00.00.H41'],
    ['status_change-acceptance_15.edxml', '15', '000.00.00.H41', '000.00.00.G22'],
    ['status_change-rejection_16.edxml', '16', '000.00.00.H41', '000.00.00.G22'],
  ])('reads %s', (file, code, from, addressedTo) => {
    const { message, signature } = parseEdxml(fixture(file));
    const s = message as EdxmlStatusMessage;
    expect(s.kind).toBe('status');
    expect(s.statusCode).toBe(code);
    expect(s.from.organId).toBe(from);
    expect(s.responseFor).toEqual({
      organId: addressedTo,
      code: '7816/VPCP-TTĐT',
      promulgationDate: '2015-09-30',
      documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
    });
    expect(s.staff).toEqual({ department: 'Phong hanh chinh', staff: 'Nguyen thi ngoc tram', mobile: '84912000001', email: 'ngoctram@nghean.vn' });
    expect(s.description.length).toBeGreaterThan(5);
    expect(s.timestamp).toBe('2015-09-20T11:08:36+07:00');
    expect(signature).toEqual({ present: false, valid: null, weak: false });
  });
});

describe('parseEdxml: tolerance', () => {
  it('takes elements in any order, with whitespace around values, and without the prefix', () => {
    const original = fixture('status_acceptance_03.edxml').toString('utf8');
    const moved = original
      .replace(/\s*<edXML:StatusCode>03<\/edXML:StatusCode>/, '')
      .replace('<edXML:MessageHeader>', '<edXML:MessageHeader>\n<edXML:StatusCode>\n\t 03 \n</edXML:StatusCode>');
    expect(moved).not.toBe(original);
    expect(parseEdxml(moved).message).toStrictEqual(parseEdxml(original).message);
    const unprefixed = original.replace(/edXML:/g, '').replace(/ xmlns:edXML="[^"]*"/, '');
    expect(parseEdxml(unprefixed).message).toStrictEqual(parseEdxml(original).message);
    const otherPrefix = original
      .replace(/edXML:/g, 'ns2:')
      .replace('xmlns:ns2=', 'xmlns:ns2=')
      .replace(' xmlns:edXML=', ' xmlns:ns2=');
    expect(parseEdxml(otherPrefix).message).toStrictEqual(parseEdxml(original).message);
  });

  it('ignores unknown elements and elements of other namespaces', () => {
    const original = fixture('status_inbox_01.edxml').toString('utf8');
    const extra = original.replace(
      '<edXML:StatusCode>',
      '<x:Note xmlns:x="urn:other"><x:StatusCode>99</x:StatusCode></x:Note><edXML:Future>1</edXML:Future><edXML:StatusCode>',
    );
    expect(parseEdxml(extra).message).toStrictEqual(parseEdxml(original).message);
  });
});

describe('parseEdxml: refusals name where', () => {
  const status = fixture('status_acceptance_03.edxml').toString('utf8');
  const newDoc = fixture(NEW_DOC).toString('utf8');

  it('a missing required field', () => {
    const e = appError(() => parseEdxml(newDoc.replace(/<edXML:DocumentId>000\.00\.00\.G22,2015[^<]*<\/edXML:DocumentId>/, '')));
    expect(e.code).toBe('EDXML_INVALID');
    expect(e.status).toBe(400);
    expect(e.details?.[0]?.path).toBe('edXML/edXMLEnvelope/edXMLHeader/MessageHeader/DocumentId');
    expect(e.text.en).toContain('edXML/edXMLEnvelope/edXMLHeader/MessageHeader/DocumentId');
    expect(e.text.vi).toContain('MessageHeader/DocumentId');
  });

  it('an unknown status code, a bad date, a bad number, a second To without OrganId', () => {
    expect(appError(() => parseEdxml(status.replace('>03<', '>07<'))).details?.[0]?.path).toBe('edXML/edXMLEnvelope/edXMLHeader/MessageHeader/StatusCode');
    expect(appError(() => parseEdxml(status.replace('2015/09/20 11:08:36', '2015/02/30 11:08:36'))).details?.[0]?.path).toBe(
      'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Timestamp',
    );
    expect(appError(() => parseEdxml(newDoc.replace('<edXML:PageAmount>22<', '<edXML:PageAmount>many<'))).details?.[0]?.path).toBe(
      'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/OtherInfo/PageAmount',
    );
    expect(appError(() => parseEdxml(newDoc.replace('<edXML:OrganId>000.00.00.H14</edXML:OrganId>', ''))).details?.[0]?.path).toBe(
      'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To[2]/OrganId',
    );
  });

  it('malformed XML by line and column', () => {
    const e = appError(() => parseEdxml(status.replace('</edXML:Description>', '</edXML:Descriptio>')));
    expect(e.code).toBe('EDXML_INVALID');
    expect(e.details?.[0]?.path).toMatch(/^line 29, column \d+$/);
  });

  it('malformed base64, naming the attachment', () => {
    const b64 = /(<edXML:ContentTransferEncoded[^>]*>)([^<]+)</.exec(newDoc)!;
    const bad = newDoc.replace(b64[2]!, `${b64[2]!.slice(0, 100)}!${b64[2]!.slice(101)}`);
    const e = appError(() => parseEdxml(bad));
    expect(e.code).toBe('EDXML_INVALID');
    expect(e.details?.[0]?.path).toBe('Attachment cid:209');
    expect(e.text.en).toMatch(/base64.*"!" at position 101/);
    const urlSafe = newDoc.replace(b64[2]!, b64[2]!.replace(/\+/g, '-'));
    expect(appError(() => parseEdxml(urlSafe)).details?.[0]?.path).toBe('Attachment cid:209');
    const padded = newDoc.replace(b64[2]!, `${b64[2]!.slice(0, 100)}=${b64[2]!.slice(101)}`);
    expect(appError(() => parseEdxml(padded)).text.en).toMatch(/padding/);
    // Line-wrapped base64 is fine.
    const wrapped = newDoc.replace(b64[2]!, b64[2]!.replace(/(.{76})/g, '$1\r\n'));
    expect((parseEdxml(wrapped).message as EdxmlDocumentMessage).attachments[0]!.content).toEqual(doc(NEW_DOC).attachments[0]!.content);
  });

  it('an attachment the manifest names but nobody carries, and one nobody names', () => {
    const missing = newDoc.replace(
      /<edXML:ContentId>cid:209<\/edXML:ContentId>\s*<edXML:ContentType>/,
      '<edXML:ContentId>cid:210</edXML:ContentId><edXML:ContentType>',
    );
    const e = appError(() => parseEdxml(missing));
    expect(e.details?.[0]?.path).toBe('Attachment cid:210');
    const unnamed = newDoc.replace(/<edXML:edXMLBody>[\s\S]*<\/edXML:edXMLBody>/, '');
    expect(appError(() => parseEdxml(unnamed)).text.en).toMatch(/Attachment cid:209: the attachment is not in the manifest/);
  });

  it('XML bombs, 2,000 of them, each EDXML_INVALID and without memory growth', () => {
    const gc = (() => {
      const existing = (globalThis as { gc?: () => void }).gc;
      if (existing) return existing;
      setFlagsFromString('--expose-gc');
      return runInNewContext('gc') as () => void;
    })();
    const lol = (n: number) => `&lol${n - 1};`.repeat(10);
    const entities = Array.from({ length: 8 }, (_, i) => `<!ENTITY lol${i + 2} "${lol(i + 2)}">`).join('');
    const bombs = [
      `<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY lol1 "lol">${entities}]>${status.replace('Phong hanh chinh', '&lol9;').replace(/^<\?xml[^>]*>/, '')}`,
      `<!DOCTYPE edXML [<!ENTITY a "${'x'.repeat(100_000)}">]><edXML>${'&a;'.repeat(5_000)}</edXML>`,
      `<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><edXML>&xxe;</edXML>`,
      `<!DOCTYPE edXML [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]><edXML/>`,
    ];
    const attempt = () => {
      for (const b of bombs) expect(appError(() => parseEdxml(Buffer.from(b))).code).toBe('EDXML_INVALID');
    };
    attempt();
    gc();
    const before = process.memoryUsage();
    for (let i = 0; i < 500; i++) attempt();
    gc();
    const after = process.memoryUsage();
    console.info(
      `EDXML bombs: heapUsed +${((after.heapUsed - before.heapUsed) / MiB).toFixed(1)} MiB, rss +${((after.rss - before.rss) / MiB).toFixed(1)} MiB`,
    );
    expect(after.heapUsed - before.heapUsed).toBeLessThan(50 * MiB);
    expect(after.rss - before.rss).toBeLessThan(100 * MiB);
  });

  it('DOCTYPE and entities (no XXE, no billion laughs)', () => {
    const xxe = status.replace('<edXML xmlns', '<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<edXML xmlns').replace('Phong hanh chinh', '&x;');
    expect(appError(() => parseEdxml(xxe)).code).toBe('EDXML_INVALID');
    expect(appError(() => parseEdxml(status.replace('Phong hanh chinh', '&x;'))).code).toBe('EDXML_INVALID');
  });
});

describe('parseEdxml: limits', () => {
  const base = doc(NEW_DOC);
  const withAttachments = (sizes: number[]): EdxmlDocumentMessage => ({
    ...base,
    attachments: sizes.map((size, i) => ({
      contentId: `cid:${300 + i}`,
      name: `tep-${i}.pdf`,
      contentType: 'application/pdf',
      content: Buffer.alloc(size, i + 1),
    })),
  });

  it('accepts a 20 MiB attachment (the limit) and refuses 20 MiB + 1 byte, naming the attachment', () => {
    const exact = buildEdxml(withAttachments([20 * MiB]));
    const started = performance.now();
    const parsed = parseEdxml(exact).message as EdxmlDocumentMessage;
    console.info(
      `parseEdxml of a message with a 20 MiB attachment (${(exact.length / MiB).toFixed(1)} MiB of XML): ${Math.round(performance.now() - started)} ms`,
    );
    expect(parsed.attachments[0]!.content.length).toBe(20 * MiB);
    expect(parsed.attachments[0]!.content.equals(Buffer.alloc(20 * MiB, 1))).toBe(true);
    const over = appError(() => parseEdxml(buildEdxml(withAttachments([20 * MiB + 1]))));
    expect(over.code).toBe('EDXML_TOO_LARGE');
    expect(over.status).toBe(413);
    expect(over.details?.[0]?.path).toBe('Attachment cid:300');
    expect(over.text.en).toContain(String(20 * MiB));
  });

  it('takes the attachment limit from the caller', () => {
    const xml = buildEdxml(withAttachments([1000]));
    expect(() => parseEdxml(xml, { maxAttachmentBytes: 1000 })).not.toThrow();
    expect(appError(() => parseEdxml(xml, { maxAttachmentBytes: 999 })).code).toBe('EDXML_TOO_LARGE');
  });

  it('limits the number of attachments', () => {
    expect((parseEdxml(buildEdxml(withAttachments([1, 2, 3])), { maxAttachments: 3 }).message as EdxmlDocumentMessage).attachments).toHaveLength(3);
    const e = appError(() => parseEdxml(buildEdxml(withAttachments([1, 2, 3, 4])), { maxAttachments: 3 }));
    expect(e.code).toBe('EDXML_TOO_LARGE');
    expect(e.details?.[0]?.path).toBe('edXML/AttachmentEncoded/Attachment[4]');
    expect(appError(() => parseEdxml(buildEdxml(withAttachments(Array(51).fill(1))))).code).toBe('EDXML_TOO_LARGE');
  });

  it('limits the size of the whole message', () => {
    const xml = fixture(NEW_DOC);
    expect(() => parseEdxml(xml, { maxBytes: xml.length })).not.toThrow();
    const e = appError(() => parseEdxml(xml, { maxBytes: xml.length - 1 }));
    expect(e.code).toBe('EDXML_TOO_LARGE');
    expect(e.text.en).toContain(String(xml.length - 1));
  });

  it('limits depth', () => {
    const status = fixture('status_acceptance_03.edxml').toString('utf8');
    // StatusCode is at depth 5; 27 more levels make 32 (accepted), 28 make 33.
    const nested = (n: number) => status.replace('<edXML:StatusCode>', `${'<edXML:Deep>'.repeat(n)}${'</edXML:Deep>'.repeat(n)}<edXML:StatusCode>`);
    expect(() => parseEdxml(nested(28))).not.toThrow();
    const e = appError(() => parseEdxml(nested(29)));
    expect(e.code).toBe('EDXML_INVALID');
    expect(e.text.en).toMatch(/deeper than 32/);
    expect(appError(() => parseEdxml(nested(5), { maxDepth: 8 })).code).toBe('EDXML_INVALID');
  });
});

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseXmlSafely, type XmlElement, XmlRefusal } from './safe-xml.ts';

const LIMITS = { maxBytes: 1024 * 1024, maxDepth: 8 };

function refusal(fn: () => unknown): XmlRefusal {
  try {
    fn();
  } catch (e) {
    if (e instanceof XmlRefusal) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** The garbage collector, exposed at run time when node was not started with --expose-gc. */
function collector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><Subject>&lol9;</Subject></edXML>`;

// One 100 KB entity referenced 5,000 times: 500 MB if expanded, 130 KB as sent.
const QUADRATIC = `<?xml version="1.0"?><!DOCTYPE kaboom [<!ENTITY a "${'x'.repeat(100_000)}">]><root>${'&a;'.repeat(5_000)}</root>`;
const EXTERNAL = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><root>&xxe;</root>`;
const PARAMETER = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><root>&e;</root>`;
const LOWERCASE_DOCTYPE = `<?xml version="1.0"?><!doctype foo [<!entity x "y">]><root>&x;</root>`;

describe('parseXmlSafely', () => {
  it('reads elements, namespaces, attributes, entities, character references and CDATA', () => {
    const { root } = parseXmlSafely(
      `<?xml version="1.0" encoding="UTF-8"?>\n<a:r xmlns:a="urn:a" xmlns="urn:d" k="1 &amp; 2"><b>x &lt; y &#x1EA1;&#273;</b><a:c><![CDATA[<not> &amp; markup]]></a:c><d/></a:r>`,
      LIMITS,
    );
    expect(root).toMatchObject({ local: 'r', ns: 'urn:a', attrs: { k: '1 & 2' } });
    const [b, c, d] = root.children as [XmlElement, XmlElement, XmlElement];
    expect(b).toMatchObject({ local: 'b', ns: 'urn:d', text: 'x < y ạđ' });
    expect(c).toMatchObject({ local: 'c', ns: 'urn:a', text: '<not> &amp; markup' });
    expect(d).toMatchObject({ local: 'd', ns: 'urn:d', text: '' });
  });

  it('reads text-only elements raw, with CDATA, and refuses markup inside them', () => {
    const xml = '<r><t>a &amp; <![CDATA[<b>]]><!-- c --> z</t></r>';
    expect(parseXmlSafely(xml, LIMITS, { textOnly: ['t'] }).root.children[0]!.text).toBe('a & <b> z');
    expect(refusal(() => parseXmlSafely('<r><t>a<u>b</u></t></r>', LIMITS, { textOnly: ['t'] })).where.path).toBe('r/t');
    // An end tag inside a CDATA section or a comment does not end the element (as xmldom reads it too).
    expect(parseXmlSafely('<r><t><![CDATA[</t>]]></t></r>', LIMITS, { textOnly: ['t'] }).root.children[0]!.text).toBe('</t>');
    expect(parseXmlSafely('<r><t>a<!-- </t> -->b</t></r>', LIMITS, { textOnly: ['t'] }).root.children[0]!.text).toBe('ab');
  });

  it.each([
    ['billion laughs', BILLION_LAUGHS],
    ['quadratic blowup', QUADRATIC],
    ['external entity (file:///etc/passwd)', EXTERNAL],
    ['parameter entity', PARAMETER],
    ['a lower-case doctype', LOWERCASE_DOCTYPE],
  ])('refuses %s before parsing', (_name, xml) => {
    const r = refusal(() => parseXmlSafely(xml, LIMITS));
    expect(r.kind).toBe('dtd');
    expect(r.where.line).toBeGreaterThanOrEqual(1);
  });

  it('refuses an entity that was never declared', () => {
    expect(refusal(() => parseXmlSafely('<r>&lol9;</r>', LIMITS)).kind).toBe('malformed');
    expect(refusal(() => parseXmlSafely('<r a="&x;"/>', LIMITS)).kind).toBe('malformed');
    expect(refusal(() => parseXmlSafely('<r>&#0;</r>', LIMITS)).kind).toBe('malformed');
  });

  it('refuses XML bombs without memory growth', () => {
    const gc = collector();
    const attempt = () => {
      for (const xml of [BILLION_LAUGHS, QUADRATIC, EXTERNAL, PARAMETER]) {
        for (const input of [xml, Buffer.from(xml)]) expect(refusal(() => parseXmlSafely(input, LIMITS)).kind).toBe('dtd');
      }
    };
    attempt(); // warm up: modules, regular expressions, JIT
    gc();
    const before = process.memoryUsage();
    for (let i = 0; i < 250; i++) attempt();
    gc();
    const after = process.memoryUsage();
    const MiB = 1024 * 1024;
    console.info(
      `XML bombs, 2,000 attempts: heapUsed ${((after.heapUsed - before.heapUsed) / MiB).toFixed(1)} MiB, rss ${((after.rss - before.rss) / MiB).toFixed(1)} MiB`,
    );
    // Expanded, one quadratic bomb alone is 500 MB and the billion laughs 3 GB.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(50 * MiB);
    expect(after.rss - before.rss).toBeLessThan(100 * MiB);
  });

  it('names line and column of XML that is not well-formed', () => {
    const r = refusal(() => parseXmlSafely('<r>\n  <a>\n    <b></a>\n</r>', LIMITS));
    expect(r.kind).toBe('malformed');
    expect(r.where).toMatchObject({ line: 3 });
    expect(r.where.column).toBeGreaterThan(0);
  });

  it('bounds depth exactly, naming the path', () => {
    const nest = (n: number) => '<e>'.repeat(n) + '</e>'.repeat(n);
    expect(() => parseXmlSafely(nest(8), LIMITS)).not.toThrow();
    const r = refusal(() => parseXmlSafely(nest(9), LIMITS));
    expect(r.kind).toBe('too-deep');
    expect(r.where.path).toBe('e/e/e/e/e/e/e/e/e');
    expect(refusal(() => parseXmlSafely(nest(100_000), LIMITS)).kind).toBe('too-deep');
  });

  it('limits size on the bytes, and takes UTF-8 only', () => {
    const big = `<r>${'đ'.repeat(300)}</r>`; // 607 bytes, 307 characters
    expect(refusal(() => parseXmlSafely(big, { ...LIMITS, maxBytes: 606 })).kind).toBe('too-large');
    expect(() => parseXmlSafely(big, { ...LIMITS, maxBytes: 607 })).not.toThrow();
    expect(refusal(() => parseXmlSafely(Buffer.from([0x3c, 0x72, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x72, 0x3e]), LIMITS)).kind).toBe('not-utf8');
    expect(refusal(() => parseXmlSafely('<?xml version="1.0" encoding="ISO-8859-1"?><r/>', LIMITS)).kind).toBe('not-utf8');
    expect(parseXmlSafely(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<r>ạ</r>')]), LIMITS).root.text).toBe('ạ');
  });

  it('refuses an undeclared namespace prefix and a second root', () => {
    expect(refusal(() => parseXmlSafely('<x:r/>', LIMITS)).where.path).toBe('r');
    expect(refusal(() => parseXmlSafely('<r/><r/>', LIMITS)).kind).toBe('malformed');
  });
});

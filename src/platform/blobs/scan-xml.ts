/**
 * A small XML reader for the parts of Office documents: start tags with their attributes,
 * end tags and text, names without their namespace prefix. It never reads a DTD: any
 * `<!DOCTYPE`, `<!ENTITY` or other declaration is refused (Office parts have none, and they
 * are how entity bombs and external entities start), and only the five predefined entities
 * and character references are expanded.
 */
export class XmlProblem extends Error {
  constructor(
    readonly kind: 'declaration' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'XmlProblem';
  }
}

export interface XmlHandlers {
  start?(name: string, attrs: Map<string, string>): void;
  end?(name: string): void;
  /** Text between tags, entities expanded; only called when given. */
  text?(text: string): void;
}

const local = (qname: string) => qname.slice(qname.indexOf(':') + 1);
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]{0,12});?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new XmlProblem('malformed', 'a bare “&”');
    if (ref in PREDEFINED) return PREDEFINED[ref];
    const code = /^#x([0-9a-fA-F]{1,6})$/.exec(ref) ? parseInt(ref.slice(2), 16) : /^#([0-9]{1,7})$/.test(ref) ? parseInt(ref.slice(1), 10) : -1;
    if (code < 0) throw new XmlProblem('malformed', `an undefined entity &${ref.slice(0, 12)};`);
    if (code > 0x10ffff) throw new XmlProblem('malformed', 'a character reference out of range');
    return String.fromCodePoint(code);
  });
}

/** The text of an XML part: UTF-8 unless a byte order mark says UTF-16. */
export function xmlText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

export function scanXml(xml: string, h: XmlHandlers): void {
  const n = xml.length;
  let i = 0;
  const need = (at: number, what: string) => {
    if (at < 0) throw new XmlProblem('malformed', `${what} is never closed`);
    return at;
  };
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (h.text && textEnd > i) h.text(decodeEntities(xml.slice(i, textEnd)));
    if (lt < 0) return;
    if (xml.startsWith('<!--', lt)) {
      i = need(xml.indexOf('-->', lt + 4), 'a comment') + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const e = need(xml.indexOf(']]>', lt + 9), 'a CDATA section');
      if (h.text) h.text(xml.slice(lt + 9, e));
      i = e + 3;
      continue;
    }
    if (xml.startsWith('<!', lt)) throw new XmlProblem('declaration', 'a DOCTYPE or entity declaration');
    if (xml.startsWith('<?', lt)) {
      i = need(xml.indexOf('?>', lt + 2), 'a processing instruction') + 2;
      continue;
    }
    if (xml.charCodeAt(lt + 1) === 47) {
      const e = need(xml.indexOf('>', lt), 'an end tag');
      h.end?.(local(xml.slice(lt + 2, e).trim()));
      i = e + 1;
      continue;
    }
    // A start tag: its name, then attributes (a '>' may stand inside a quoted value).
    let p = lt + 1;
    while (p < n && !isSpace(xml.charCodeAt(p)) && xml[p] !== '>' && xml[p] !== '/') p++;
    const name = local(xml.slice(lt + 1, p));
    if (!name) throw new XmlProblem('malformed', 'a tag without a name');
    const attrs = new Map<string, string>();
    let selfClosing = false;
    for (;;) {
      while (p < n && isSpace(xml.charCodeAt(p))) p++;
      if (p >= n) throw new XmlProblem('malformed', 'a tag is never closed');
      if (xml[p] === '>') {
        p++;
        break;
      }
      if (xml[p] === '/' && xml[p + 1] === '>') {
        selfClosing = true;
        p += 2;
        break;
      }
      const a = p;
      while (p < n && xml[p] !== '=' && !isSpace(xml.charCodeAt(p)) && xml[p] !== '>' && xml[p] !== '/') p++;
      const attr = xml.slice(a, p);
      while (p < n && isSpace(xml.charCodeAt(p))) p++;
      if (!attr || xml[p] !== '=') throw new XmlProblem('malformed', 'an attribute without a value');
      p++;
      while (p < n && isSpace(xml.charCodeAt(p))) p++;
      const q = xml[p];
      if (q !== '"' && q !== "'") throw new XmlProblem('malformed', 'an unquoted attribute value');
      const e = need(xml.indexOf(q, p + 1), 'an attribute value');
      const raw = xml.slice(p + 1, e);
      if (raw.includes('<')) throw new XmlProblem('malformed', 'a “<” inside an attribute value');
      attrs.set(local(attr), decodeEntities(raw));
      p = e + 1;
    }
    h.start?.(name, attrs);
    if (selfClosing) h.end?.(name);
    i = p;
  }
}

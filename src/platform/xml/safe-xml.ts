import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The one front for XML that anyone may send us (EDXML from other agencies, the axis): a
 * namespace-aware element tree read with fast-xml-parser, behind checks that keep hostile input
 * cheap to refuse.
 *
 * - Size first, on the bytes, before anything is decoded.
 * - No document type declaration at all: `<!DOCTYPE`, `<!ENTITY` (and the other DTD declarations)
 *   are refused by a plain scan before any parser sees the text, so there is no external entity to
 *   fetch (XXE) and no entity to expand (billion laughs, quadratic blowup). The parser runs with
 *   entities off; the five predefined entities and character references are decoded here, and any
 *   other `&name;` is refused as the undeclared entity it is.
 * - Well-formedness is checked by fast-xml-parser's validator (it gives line and column) before the
 *   tree is built, since the parser itself accepts mismatched tags; the signature check parses the
 *   same text with xmldom, and both must see the same tree.
 * - Depth is bounded (the parser's own guard, then an exact check naming the path).
 * - Elements named in `textOnly` are read as raw text (fast-xml-parser's stop nodes): the parser
 *   otherwise builds text one character at a time, 7 s for a 27 MiB base64 attachment against 0.1 s.
 */

export interface XmlElement {
  /** As written, e.g. `edXML:From`. */
  qname: string;
  local: string;
  /** The namespace URI, null when in no namespace. */
  ns: string | null;
  /** Attributes by qualified name, values decoded (namespace declarations included). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (character data and CDATA, entities decoded), untrimmed. */
  text: string;
}

export interface SafeXmlLimits {
  /** Bytes of the document (UTF-8). */
  maxBytes: number;
  /** Element nesting; the root is depth 1. */
  maxDepth: number;
}

export type XmlRefusalKind = 'too-large' | 'not-utf8' | 'dtd' | 'malformed' | 'too-deep';

/** Why a document was refused, and where when known (line and column from 1, or the element path). */
export class XmlRefusal extends Error {
  constructor(
    readonly kind: XmlRefusalKind,
    message: string,
    readonly where: { line?: number; column?: number; path?: string } = {},
  ) {
    super(message);
    this.name = 'XmlRefusal';
  }
}

const DTD_DECLARATION = /<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Line and column (from 1) of an offset. Only called for a refusal, so a scan is fine. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Bytes (Buffer: checked UTF-8, BOM dropped) → text, with the size limit applied to the bytes. */
export function decodeXmlInput(input: Buffer | string, maxBytes: number): string {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) throw new XmlRefusal('too-large', `the document is ${size} bytes, more than the limit of ${maxBytes}`);
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if ((input[0] === 0xfe && input[1] === 0xff) || (input[0] === 0xff && input[1] === 0xfe)) {
    throw new XmlRefusal('not-utf8', 'the document is UTF-16; only UTF-8 is accepted');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new XmlRefusal('not-utf8', 'the document is not valid UTF-8');
  }
}

function checkProlog(text: string): void {
  const dtd = DTD_DECLARATION.exec(text);
  if (dtd) {
    throw new XmlRefusal('dtd', 'document type declarations (DOCTYPE, ENTITY) are not accepted', lineColumn(text, dtd.index));
  }
  const decl = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/.exec(text.slice(0, 512));
  if (decl && !/^utf-?8$/i.test(decl[1]!)) {
    throw new XmlRefusal('not-utf8', `the declared encoding ${decl[1]} is not accepted; only UTF-8 is`, lineColumn(text, 0));
  }
}

function validCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Character data as written (entities not yet decoded) → its value: line ends normalised, references decoded. */
function decodeCharData(raw: string, path: string): string {
  let s = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (!s.includes('&')) return s;
  s = s.replace(/&([^;&<\s]{0,40});|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new XmlRefusal('malformed', 'a bare "&" (write &amp;)', { path });
    if (ref in PREDEFINED) return PREDEFINED[ref]!;
    const num = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (num) {
      const cp = num[1] ? Number.parseInt(num[1], 16) : Number(num[2]);
      if (!validCodePoint(cp)) throw new XmlRefusal('malformed', `the character reference ${m} is not an XML character`, { path });
      return String.fromCodePoint(cp);
    }
    throw new XmlRefusal('malformed', `the entity ${m} is not declared (no entities are accepted)`, { path });
  });
  return s;
}

/** A stop node's raw content: CDATA sections kept as they are, comments dropped, anything else that is markup refused. */
function decodeRawText(raw: string, path: string): string {
  if (!raw.includes('<')) return decodeCharData(raw, path);
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const lt = raw.indexOf('<', i);
    if (lt === -1) {
      out += decodeCharData(raw.slice(i), path);
      break;
    }
    out += decodeCharData(raw.slice(i, lt), path);
    // Were the parser to end a stop node early (at an end tag inside a CDATA section or comment:
    // fast-xml-parser 5.12 skips those), the section would be cut short here. Refused, so we never
    // read another tree than xmldom, which the signature is checked on, does.
    const [open, close] = raw.startsWith('<![CDATA[', lt)
      ? ['<![CDATA[', ']]>']
      : raw.startsWith('<!--', lt)
        ? ['<!--', '-->']
        : raw.startsWith('<?', lt)
          ? ['<?', '?>']
          : [];
    if (!open || !close) throw new XmlRefusal('malformed', 'holds an element where only text is expected', { path });
    const end = raw.indexOf(close, lt + open.length);
    if (end === -1) throw new XmlRefusal('malformed', "a CDATA section, comment or instruction in the text holds the element's end tag", { path });
    if (open === '<![CDATA[') out += raw.slice(lt + open.length, end).replace(/\r\n?/g, '\n');
    i = end + close.length;
  }
  return out;
}

type FxpNode = Record<string, unknown>;

function nsPrefixes(text: string): string[] {
  // Every prefix used on an element, so the stop nodes can name `prefix:Local` (the matcher sees
  // qualified names). Prefixes the matcher's syntax cannot spell are left to the slow path.
  const found = new Set<string>();
  const re = /<([A-Za-z_][A-Za-z0-9_-]*):[A-Za-z_]/g;
  for (let m = re.exec(text); m && found.size < 16; m = re.exec(text)) found.add(m[1]!);
  return [...found];
}

/**
 * Parses `input` into an element tree (with the decoded text, for a second reader such as the
 * signature check), or throws `XmlRefusal`. `textOnly`: local names of elements
 * that may hold text only (read raw; an element inside one is refused).
 */
export function parseXmlSafely(
  input: Buffer | string,
  limits: SafeXmlLimits,
  options: { textOnly?: readonly string[] } = {},
): { root: XmlElement; text: string } {
  const text = decodeXmlInput(input, limits.maxBytes);
  checkProlog(text);
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new XmlRefusal('malformed', `not well-formed XML: ${msg}`, { line, column: col });
  }
  const textOnly = new Set(options.textOnly ?? []);
  const prefixes = nsPrefixes(text);
  const stopNodes = [...textOnly].flatMap((name) => [`..${name}`, ...prefixes.map((p) => `..${p}:${name}`)]);
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    htmlEntities: false,
    trimValues: false,
    cdataPropName: '#cdata',
    commentPropName: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    removeNSPrefix: false,
    allowBooleanAttributes: false,
    // The parser's own guard against deep nesting; the exact check, with the path, is below.
    maxNestedTags: limits.maxDepth + 2,
    stopNodes,
  });
  let nodes: FxpNode[];
  try {
    nodes = parser.parse(text) as FxpNode[];
  } catch (e) {
    const message = (e as Error).message;
    if (/nested/i.test(message)) throw new XmlRefusal('too-deep', `elements are nested deeper than ${limits.maxDepth} levels`);
    throw new XmlRefusal('malformed', `not well-formed XML: ${message}`);
  }
  const roots = nodes.filter((n) => elementName(n) !== null);
  if (roots.length !== 1) throw new XmlRefusal('malformed', 'not well-formed XML: a document has exactly one root element');
  const root = roots[0]!;
  const rootName = elementName(root)!;
  return { root: toElement(root, new Map([['xml', XML_NS]]), rootName.slice(rootName.indexOf(':') + 1), 1, limits.maxDepth, textOnly), text };
}

function elementName(n: FxpNode): string | null {
  for (const k of Object.keys(n)) if (k !== ':@' && k !== '#text' && k !== '#cdata') return k;
  return null;
}

/** `path`: the element's own path from the root, `edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To[2]`. */
function toElement(node: FxpNode, scope: Map<string, string>, path: string, depth: number, maxDepth: number, textOnly: Set<string>): XmlElement {
  const qname = elementName(node)!;
  const colon = qname.indexOf(':');
  const prefix = colon === -1 ? '' : qname.slice(0, colon);
  const local = colon === -1 ? qname : qname.slice(colon + 1);
  if (depth > maxDepth) throw new XmlRefusal('too-deep', `elements are nested deeper than ${maxDepth} levels`, { path });
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  const attrs: Record<string, string> = {};
  let inner = scope;
  for (const [name, raw] of Object.entries(rawAttrs)) {
    const value = decodeCharData(String(raw).replace(/[\t\n\r]/g, ' '), `${path}/@${name}`);
    attrs[name] = value;
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (inner === scope) inner = new Map(scope);
      inner.set(name === 'xmlns' ? '' : name.slice(6), value);
    }
  }
  const ns = inner.get(prefix);
  if (prefix && ns === undefined) throw new XmlRefusal('malformed', `the namespace prefix "${prefix}" is not declared`, { path });
  const element: XmlElement = { qname, local, ns: ns || null, attrs, children: [], text: '' };
  const content = node[qname] as FxpNode[];
  const counts = new Map<string, number>();
  const parts: string[] = [];
  for (const child of content) {
    if ('#text' in child) {
      parts.push(textOnly.has(local) ? decodeRawText(String(child['#text']), path) : decodeCharData(String(child['#text']), path));
    } else if ('#cdata' in child) {
      for (const c of child['#cdata'] as FxpNode[]) parts.push(String(c['#text'] ?? '').replace(/\r\n?/g, '\n'));
    } else if (elementName(child) !== null) {
      const childName = elementName(child)!;
      const childLocal = childName.slice(childName.indexOf(':') + 1);
      const n = (counts.get(childLocal) ?? 0) + 1;
      counts.set(childLocal, n);
      const childPath = n > 1 ? `${path}/${childLocal}[${n}]` : `${path}/${childLocal}`;
      element.children.push(toElement(child, inner, childPath, depth + 1, maxDepth, textOnly));
    }
  }
  element.text = parts.length === 1 ? parts[0]! : parts.join('');
  return element;
}

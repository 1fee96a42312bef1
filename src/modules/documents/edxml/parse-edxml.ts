import { AppError } from '../../../platform/errors.ts';
import { parseXmlSafely, type XmlElement, XmlRefusal } from '../../../platform/xml/safe-xml.ts';
import { verifyXmlSignature } from '../../../platform/xml/xmldsig.ts';
import { BUSINESS_TYPES, E, EDXML_NS, fromWireDate, fromWireTimestamp, LEAF_ELEMENTS, ORGAN_FIELDS, STAFF_FIELDS, STATUS_CODES } from './contract.ts';
import type {
  BusinessDocType,
  EdxmlAttachment,
  EdxmlDocumentMessage,
  EdxmlMessage,
  EdxmlOrgan,
  EdxmlResponseFor,
  EdxmlStaff,
  EdxmlStatusCode,
  EdxmlStatusMessage,
  SignatureReport,
} from './model.ts';

export interface EdxmlLimits {
  /** The whole message, bytes. */
  maxBytes: number;
  /** Element nesting (the root is 1); the deepest real path is 7. */
  maxDepth: number;
  /** Attachments in one message. */
  maxAttachments: number;
  /** One attachment, decoded bytes. */
  maxAttachmentBytes: number;
}

const MiB = 1024 * 1024;

/** 20 MiB is what the axis carries for one file; base64 makes it 26.7 MiB, hence 30 MiB for the whole message. */
export const EDXML_DEFAULT_LIMITS: Readonly<EdxmlLimits> = Object.freeze({
  maxBytes: 30 * MiB,
  maxDepth: 32,
  maxAttachments: 50,
  maxAttachmentBytes: 20 * MiB,
});

/** EDXML_INVALID (400), or EDXML_TOO_LARGE (413) for a size limit; `where` is the element path or `Attachment cid:…`. */
function refuse(where: string, vi: string, en: string, code: 'EDXML_INVALID' | 'EDXML_TOO_LARGE' = 'EDXML_INVALID'): never {
  throw new AppError(code, { vi: `EDXML không hợp lệ tại ${where}: ${vi}`, en: `Invalid EDXML at ${where}: ${en}` }, [
    { path: where, message: vi, messageEn: en },
  ]);
}

function fromRefusal(r: XmlRefusal, maxBytes: number): never {
  const where = r.where.line !== undefined ? `line ${r.where.line}, column ${r.where.column}` : (r.where.path ?? 'the document');
  const vi: Record<XmlRefusal['kind'], string> = {
    'too-large': `thông điệp vượt quá giới hạn ${maxBytes} byte`,
    'not-utf8': 'thông điệp phải mã hoá UTF-8',
    dtd: 'không chấp nhận khai báo DOCTYPE/ENTITY',
    malformed: 'XML sai cú pháp',
    'too-deep': 'các phần tử lồng nhau quá sâu',
  };
  refuse(where, `${vi[r.kind]} (${r.message})`, r.message, r.kind === 'too-large' ? 'EDXML_TOO_LARGE' : 'EDXML_INVALID');
}

/** Reading one element's children by local name, in any order, with paths for errors. */
class Node {
  constructor(
    readonly el: XmlElement,
    readonly path: string,
  ) {}

  /** Children in the edXML namespace (or in none: tolerated) with this local name. */
  all(name: string): Node[] {
    const out: Node[] = [];
    for (const c of this.el.children) {
      if (c.local !== name || (c.ns !== EDXML_NS && c.ns !== null)) continue;
      out.push(new Node(c, `${this.path}/${name}${out.length ? `[${out.length + 1}]` : ''}`));
    }
    return out;
  }

  one(name: string): Node | undefined {
    const found = this.all(name);
    if (found.length > 1) refuse(found[1]!.path, `phần tử ${name} chỉ được có một lần`, `${name} may appear only once`);
    return found[0];
  }

  need(name: string): Node {
    return this.one(name) ?? refuse(`${this.path}/${name}`, 'thiếu phần tử bắt buộc', 'a required element is missing');
  }

  /** Trimmed text of a child; undefined when absent or empty. */
  text(name: string): string | undefined {
    const n = this.one(name);
    if (!n) return undefined;
    if (n.el.children.length) refuse(n.path, 'chỉ được chứa văn bản', 'must hold text only');
    const t = n.el.text.trim();
    return t === '' ? undefined : t;
  }

  needText(name: string): string {
    return this.text(name) ?? refuse(`${this.path}/${name}`, 'thiếu giá trị bắt buộc', 'a required value is missing or empty');
  }

  int(name: string, required?: false): number | undefined;
  int(name: string, required: true): number;
  int(name: string, required = false): number | undefined {
    const t = required ? this.needText(name) : this.text(name);
    if (t === undefined) return undefined;
    if (!/^-?\d{1,9}$/.test(t)) refuse(`${this.path}/${name}`, `"${t}" không phải số nguyên`, `"${t}" is not an integer`);
    return Number(t);
  }

  date(name: string, required?: false): string | undefined;
  date(name: string, required: true): string;
  date(name: string, required = false): string | undefined {
    const t = required ? this.needText(name) : this.text(name);
    if (t === undefined) return undefined;
    return fromWireDate(t) ?? refuse(`${this.path}/${name}`, `"${t}" không phải ngày yyyy/MM/dd`, `"${t}" is not a yyyy/MM/dd date`);
  }

  timestamp(name: string): string {
    const t = this.needText(name);
    return (
      fromWireTimestamp(t) ?? refuse(`${this.path}/${name}`, `"${t}" không phải thời điểm yyyy/MM/dd HH:mm:ss`, `"${t}" is not a yyyy/MM/dd HH:mm:ss time`)
    );
  }
}

/** Sets only the keys whose values are defined, so a parsed model deep-equals a built-and-parsed one. */
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function organ(n: Node): EdxmlOrgan {
  const o: Record<string, string | undefined> = {};
  for (const [el, key] of ORGAN_FIELDS) o[key] = key === 'organId' || key === 'organName' ? n.needText(el) : n.text(el);
  return defined(o) as unknown as EdxmlOrgan;
}

function staff(n: Node | undefined): EdxmlStaff | undefined {
  if (!n) return undefined;
  const s: Record<string, string | undefined> = {};
  for (const [el, key] of STAFF_FIELDS) s[key] = n.text(el);
  return defined(s) as EdxmlStaff;
}

function responseFor(n: Node): EdxmlResponseFor {
  return defined({
    organId: n.needText('OrganId'),
    code: n.needText('Code'),
    promulgationDate: n.date('PromulgationDate'),
    documentId: documentId(n, 'DocumentId', true),
  });
}

function documentId(n: Node, name: string, required: true): string;
function documentId(n: Node, name: string, required: false): string | undefined;
function documentId(n: Node, name: string, required: boolean): string | undefined {
  const t = required ? n.needText(name) : n.text(name);
  // The date inside is an identifier (real messages carry 2014/02/30), so only the form is checked.
  if (t !== undefined && !/^[^,]+,\d{4}\/\d{2}\/\d{2},.+$/s.test(t)) {
    refuse(`${n.path}/${name}`, `"${t}" không có dạng Mã cơ quan,yyyy/MM/dd,Số/Ký hiệu`, `"${t}" is not of the form OrganId,yyyy/MM/dd,number/notation`);
  }
  return t;
}

function parseBoolean(n: Node, name: string): boolean | undefined {
  const t = n.text(name);
  if (t === undefined) return undefined;
  if (/^(true|1)$/i.test(t)) return true;
  if (/^(false|0)$/i.test(t)) return false;
  return refuse(`${n.path}/${name}`, `"${t}" không phải true/false`, `"${t}" is not true or false`);
}

function malformedBase64(compact: string, where: string): never {
  const bad = compact.search(/[^A-Za-z0-9+/=]/);
  if (bad !== -1) {
    refuse(
      where,
      `base64 không hợp lệ: ký tự "${compact[bad]}" ở vị trí ${bad + 1}`,
      `malformed base64: the character "${compact[bad]}" at position ${bad + 1}`,
    );
  }
  refuse(where, 'base64 không hợp lệ: dấu "=" chỉ được ở cuối', 'malformed base64: "=" padding may only end the data');
}

/**
 * Strict base64 (the standard alphabet, padding; whitespace allowed), decoded within the size limit.
 * Node's decoder is lenient (it skips or stops at foreign characters and takes the URL-safe
 * alphabet), so the strict check is: no `-`/`_`, `=` only at the end, and exactly the number of
 * bytes the length promises; any other foreign character makes the output shorter. A regular
 * expression over 27 MiB took longer than the decoding.
 */
function decodeBase64(text: string, where: string, maxBytes: number): Buffer {
  const spaced = text.includes('\n') || text.includes(' ') || text.includes('\r') || text.includes('\t');
  const compact = spaced ? text.replace(/[ \t\r\n]+/g, '') : text;
  if (compact.length % 4 !== 0) refuse(where, 'base64 không hợp lệ: độ dài không chia hết cho 4', 'malformed base64: its length is not a multiple of 4');
  const eq = compact.indexOf('=');
  const padding = eq === -1 ? 0 : compact.length - eq;
  if (padding > 2 || (padding === 2 && compact[compact.length - 1] !== '=') || compact.includes('-') || compact.includes('_')) {
    malformedBase64(compact, where);
  }
  const size = (compact.length / 4) * 3 - padding;
  if (size > maxBytes) {
    refuse(where, `tệp ${size} byte vượt giới hạn ${maxBytes} byte`, `the file is ${size} bytes, more than the limit of ${maxBytes}`, 'EDXML_TOO_LARGE');
  }
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length !== size) malformedBase64(compact, where);
  return bytes;
}

function attachments(root: Node, envelope: Node, limits: EdxmlLimits): EdxmlAttachment[] {
  const refs = envelope.one(E.body)?.one(E.manifest)?.all(E.reference) ?? [];
  // The fixtures put AttachmentEncoded beside the envelope; tolerate it inside too.
  const encodedLists = [...root.all(E.attachmentEncoded), ...envelope.all(E.attachmentEncoded)];
  const encoded = encodedLists.flatMap((l) => l.all(E.attachment));
  const count = Math.max(refs.length, encoded.length);
  if (count > limits.maxAttachments) {
    refuse(
      encoded[limits.maxAttachments]?.path ?? refs[limits.maxAttachments]!.path,
      `quá ${limits.maxAttachments} tệp đính kèm`,
      `more than ${limits.maxAttachments} attachments`,
      'EDXML_TOO_LARGE',
    );
  }
  const byId = new Map<string, Node>();
  for (const a of encoded) {
    const id = a.needText('ContentId');
    if (byId.has(id)) refuse(`Attachment ${id}`, 'ContentId bị trùng', 'the ContentId appears twice');
    byId.set(id, a);
  }
  const seen = new Set<string>();
  const out: EdxmlAttachment[] = [];
  for (const r of refs) {
    const contentId = r.needText('ContentId');
    if (seen.has(contentId)) refuse(`Attachment ${contentId}`, 'ContentId bị trùng trong danh mục', 'the ContentId appears twice in the manifest');
    seen.add(contentId);
    const a =
      byId.get(contentId) ??
      refuse(`Attachment ${contentId}`, 'danh mục có tệp nhưng không có nội dung', 'the manifest names it but no AttachmentEncoded/Attachment holds it');
    const data = a.one('ContentTransferEncoded') ?? refuse(`Attachment ${contentId}`, 'thiếu ContentTransferEncoded', 'ContentTransferEncoded is missing');
    out.push(
      defined({
        contentId,
        name: r.text('AttachmentName') ?? a.text('AttachmentName') ?? refuse(`Attachment ${contentId}`, 'thiếu AttachmentName', 'AttachmentName is missing'),
        description: r.text('Description') ?? a.text('Description'),
        contentType: r.text('ContentType') ?? a.text('ContentType') ?? 'application/octet-stream',
        content: decodeBase64(data.el.text, `Attachment ${contentId}`, limits.maxAttachmentBytes),
      }),
    );
  }
  for (const id of byId.keys()) {
    if (!seen.has(id)) refuse(`Attachment ${id}`, 'tệp không có trong danh mục (edXMLManifest)', 'the attachment is not in the manifest (edXMLManifest)');
  }
  return out;
}

function documentMessage(mh: Node, header: Node, root: Node, envelope: Node, limits: EdxmlLimits): EdxmlDocumentMessage {
  const to = mh.all('To').map(organ);
  if (!to.length) refuse(`${mh.path}/To`, 'thiếu nơi nhận', 'a required element is missing');
  const code = mh.need('Code');
  const prom = mh.need('PromulgationInfo');
  const type = mh.need('DocumentType');
  const signer = mh.need('SignerInfo');
  const other = mh.one('OtherInfo');
  const trace = header.one(E.traceHeaderList);
  const biz = trace?.one('Bussiness');
  const bizType = biz ? biz.int('BussinessDocType', true) : 0;
  if (!(BUSINESS_TYPES as readonly number[]).includes(bizType)) {
    refuse(`${biz!.path}/BussinessDocType`, `"${bizType}" không phải 0, 1, 2 hay 3`, `"${bizType}" is not 0, 1, 2 or 3`);
  }
  return defined({
    kind: 'document' as const,
    from: organ(mh.need('From')),
    to,
    documentId: documentId(mh, 'DocumentId', true),
    code: { number: code.needText('CodeNumber'), notation: code.needText('CodeNotation') },
    promulgation: { place: prom.needText('Place'), date: prom.date('PromulgationDate', true) },
    documentType: { type: type.int('Type', true), typeDetail: type.int('TypeDetail', true), typeName: type.needText('TypeName') },
    subject: mh.needText('Subject'),
    content: mh.text('Content'),
    signer: defined({ competence: signer.text('Competence'), position: signer.text('Position'), fullName: signer.needText('FullName') }),
    dueDate: mh.date('DueDate'),
    steeringType: mh.int('SteeringType'),
    toPlaces: (mh.one('ToPlaces')?.all('Place') ?? []).map((p) => p.el.text.trim()).filter(Boolean),
    otherInfo: defined({
      priority: other?.int('Priority'),
      sphereOfPromulgation: other?.text('SphereOfPromulgation'),
      typerNotation: other?.text('TyperNotation'),
      promulgationAmount: other?.int('PromulgationAmount'),
      pageAmount: other?.int('PageAmount'),
      direction: other ? parseBoolean(other, 'Direction') : undefined,
      appendixes: (other?.one('Appendixes')?.all('Appendix') ?? []).map((a) => a.el.text.trim()).filter(Boolean),
    }),
    responseFor: mh.all('ResponseFor').map(responseFor),
    business: defined({
      type: bizType as BusinessDocType,
      reason: biz?.text('BussinessDocReason'),
      documentId: biz ? documentId(biz, 'DocumentId', false) : undefined,
      paper: biz?.int('Paper'),
      staff: staff(biz?.one('StaffInfo')),
      replacementInfo: (biz?.one('ReplacementInfoList')?.all('ReplacementInfo') ?? []).map((r) => ({
        documentId: documentId(r, 'DocumentId', true),
        organIds: (r.one('OrganIdList')?.all('OrganId') ?? []).map((o) => o.el.text.trim()).filter(Boolean),
      })),
    }),
    trace: (trace?.all('TraceHeader') ?? []).map((t) => ({ organId: t.needText('OrganId'), timestamp: t.timestamp('Timestamp') })),
    attachments: attachments(root, envelope, limits),
  });
}

function statusMessage(mh: Node): EdxmlStatusMessage {
  const code = mh.needText('StatusCode');
  if (!(STATUS_CODES as readonly string[]).includes(code)) {
    refuse(`${mh.path}/StatusCode`, `"${code}" không phải mã trạng thái ${STATUS_CODES.join(', ')}`, `"${code}" is not one of ${STATUS_CODES.join(', ')}`);
  }
  return defined({
    kind: 'status' as const,
    from: organ(mh.need('From')),
    responseFor: responseFor(mh.need('ResponseFor')),
    staff: staff(mh.one('StaffInfo')),
    statusCode: code as EdxmlStatusCode,
    description: mh.needText('Description'),
    timestamp: mh.timestamp('Timestamp'),
  });
}

/**
 * Reads an EDXML message (a document or a status) into the domain model and checks its XML
 * signature. Elements may come in any order; unknown elements, and elements of other namespaces,
 * are ignored. Throws `EDXML_INVALID` (400) naming the element path or attachment and what is
 * wrong (line and column for XML that is not well-formed), or `EDXML_TOO_LARGE` (413) for the
 * message, an attachment or the number of attachments over `limits`.
 */
export function parseEdxml(input: Buffer | string, limits: Partial<EdxmlLimits> = {}): { message: EdxmlMessage; signature: SignatureReport } {
  const lim: EdxmlLimits = { ...EDXML_DEFAULT_LIMITS, ...limits };
  let tree: XmlElement;
  let text: string;
  try {
    ({ root: tree, text } = parseXmlSafely(input, { maxBytes: lim.maxBytes, maxDepth: lim.maxDepth }, { textOnly: LEAF_ELEMENTS }));
  } catch (e) {
    if (e instanceof XmlRefusal) fromRefusal(e, lim.maxBytes);
    throw e;
  }
  if (tree.local !== E.root || (tree.ns !== EDXML_NS && tree.ns !== null)) {
    refuse(tree.local, `phần tử gốc phải là edXML trong không gian tên ${EDXML_NS}`, `the root element must be edXML in the namespace ${EDXML_NS}`);
  }
  const root = new Node(tree, E.root);
  const envelope = root.need(E.envelope);
  const header = envelope.need(E.header);
  const mh = header.need(E.messageHeader);
  const message: EdxmlMessage = mh.one('StatusCode') && !mh.one('DocumentId') ? statusMessage(mh) : documentMessage(mh, header, root, envelope, lim);
  // The fixtures' signatures are in the edXML namespace: reported as present, never valid.
  const signature: SignatureReport = verifyXmlSignature(text, { misplacedNamespaces: [EDXML_NS] });
  return { message, signature };
}

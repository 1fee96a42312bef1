import { AppError } from '../../../platform/errors.ts';
import {
  ATTACHMENT_ORDER,
  E,
  EDXML_NS,
  EDXML_PREFIX,
  MANIFEST_REFERENCE_ORDER,
  MANIFEST_VERSION,
  ORGAN_FIELDS,
  STAFF_FIELDS,
  toWireDate,
  toWireTimestamp,
} from './contract.ts';
import type { EdxmlDocumentMessage, EdxmlMessage, EdxmlOrgan, EdxmlResponseFor, EdxmlStaff, EdxmlStatusMessage } from './model.ts';

/** Characters XML 1.0 cannot carry at all (controls other than tab and line ends, lone surrogates, U+FFFE/FFFF). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to find
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function bad(field: string, en: string, vi: string): never {
  throw new AppError('EDXML_INVALID', { vi: `Không lập được EDXML: ${field} ${vi}`, en: `Cannot build EDXML: ${field} ${en}` }, [
    { path: field, message: vi, messageEn: en },
  ]);
}

/** Escapes text for element content; `\r` as a reference, since a parser turns a raw one into `\n`. */
function esc(s: string, field: string): string {
  if (NOT_XML_CHAR.test(s)) bad(field, 'holds a character XML cannot carry', 'chứa ký tự XML không cho phép');
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** A little writer: every element prefixed, indented two spaces, text escaped. */
class Writer {
  private readonly parts: string[] = [];
  /** Starts inside the root element. */
  private depth = 1;

  open(name: string, attrs = ''): this {
    this.parts.push(`${'  '.repeat(this.depth)}<${EDXML_PREFIX}:${name}${attrs}>\n`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.parts.push(`${'  '.repeat(this.depth)}</${EDXML_PREFIX}:${name}>\n`);
    return this;
  }

  /** A text element; skipped when the value is undefined. */
  leaf(name: string, value: string | number | boolean | undefined, field: string): this {
    if (value === undefined) return this;
    const text = typeof value === 'string' ? esc(value, field) : String(value);
    this.parts.push(`${'  '.repeat(this.depth)}<${EDXML_PREFIX}:${name}>${text}</${EDXML_PREFIX}:${name}>\n`);
    return this;
  }

  toString(): string {
    return this.parts.join('');
  }
}

function organ(w: Writer, name: string, o: EdxmlOrgan, field: string) {
  w.open(name);
  for (const [el, key] of ORGAN_FIELDS) w.leaf(el, o[key], `${field}.${key}`);
  w.close(name);
}

function staff(w: Writer, s: EdxmlStaff | undefined, field: string) {
  if (!s) return;
  w.open('StaffInfo');
  for (const [el, key] of STAFF_FIELDS) w.leaf(el, s[key], `${field}.${key}`);
  w.close('StaffInfo');
}

function date(d: string | undefined, field: string): string | undefined {
  if (d === undefined) return undefined;
  try {
    return toWireDate(d);
  } catch {
    return bad(field, `"${d}" is not a YYYY-MM-DD date`, `"${d}" không phải ngày YYYY-MM-DD`);
  }
}

function timestamp(t: string, field: string): string {
  try {
    return toWireTimestamp(t);
  } catch {
    return bad(field, `"${t}" is not an ISO 8601 time`, `"${t}" không phải thời điểm ISO 8601`);
  }
}

function responseFor(w: Writer, r: EdxmlResponseFor, field: string) {
  w.open('ResponseFor')
    .leaf('OrganId', r.organId, `${field}.organId`)
    .leaf('Code', r.code, `${field}.code`)
    .leaf('PromulgationDate', date(r.promulgationDate, `${field}.promulgationDate`), `${field}.promulgationDate`)
    .leaf('DocumentId', r.documentId, `${field}.documentId`)
    .close('ResponseFor');
}

function documentHeader(w: Writer, m: EdxmlDocumentMessage) {
  w.open('MessageHeader');
  organ(w, 'From', m.from, 'from');
  m.to.forEach((t, i) => organ(w, 'To', t, `to[${i}]`));
  w.leaf('DocumentId', m.documentId, 'documentId');
  w.open('Code').leaf('CodeNumber', m.code.number, 'code.number').leaf('CodeNotation', m.code.notation, 'code.notation').close('Code');
  w.open('PromulgationInfo')
    .leaf('Place', m.promulgation.place, 'promulgation.place')
    .leaf('PromulgationDate', date(m.promulgation.date, 'promulgation.date'), 'promulgation.date')
    .close('PromulgationInfo');
  w.open('DocumentType')
    .leaf('Type', m.documentType.type, 'documentType.type')
    .leaf('TypeDetail', m.documentType.typeDetail, 'documentType.typeDetail')
    .leaf('TypeName', m.documentType.typeName, 'documentType.typeName')
    .close('DocumentType');
  w.leaf('Subject', m.subject, 'subject').leaf('Content', m.content, 'content');
  w.open('SignerInfo')
    .leaf('Competence', m.signer.competence, 'signer.competence')
    .leaf('Position', m.signer.position, 'signer.position')
    .leaf('FullName', m.signer.fullName, 'signer.fullName')
    .close('SignerInfo');
  w.leaf('DueDate', date(m.dueDate, 'dueDate'), 'dueDate');
  const o = m.otherInfo;
  w.open('OtherInfo')
    .leaf('Priority', o.priority, 'otherInfo.priority')
    .leaf('SphereOfPromulgation', o.sphereOfPromulgation, 'otherInfo.sphereOfPromulgation')
    .leaf('TyperNotation', o.typerNotation, 'otherInfo.typerNotation')
    .leaf('PromulgationAmount', o.promulgationAmount, 'otherInfo.promulgationAmount')
    .leaf('PageAmount', o.pageAmount, 'otherInfo.pageAmount')
    .leaf('Direction', o.direction, 'otherInfo.direction');
  if (o.appendixes.length) {
    w.open('Appendixes');
    o.appendixes.forEach((a, i) => w.leaf('Appendix', a, `otherInfo.appendixes[${i}]`));
    w.close('Appendixes');
  }
  w.close('OtherInfo');
  m.responseFor.forEach((r, i) => responseFor(w, r, `responseFor[${i}]`));
  w.leaf('SteeringType', m.steeringType, 'steeringType');
  if (m.toPlaces.length) {
    w.open('ToPlaces');
    m.toPlaces.forEach((p, i) => w.leaf('Place', p, `toPlaces[${i}]`));
    w.close('ToPlaces');
  }
  w.close('MessageHeader');

  const b = m.business;
  w.open(E.traceHeaderList);
  w.open('Bussiness')
    .leaf('DocumentId', b.documentId, 'business.documentId')
    .leaf('BussinessDocType', b.type, 'business.type')
    .leaf('BussinessDocReason', b.reason, 'business.reason')
    .leaf('Paper', b.paper, 'business.paper');
  staff(w, b.staff, 'business.staff');
  if (b.replacementInfo.length) {
    w.open('ReplacementInfoList');
    b.replacementInfo.forEach((r, i) => {
      w.open('ReplacementInfo').leaf('DocumentId', r.documentId, `business.replacementInfo[${i}].documentId`).open('OrganIdList');
      r.organIds.forEach((id, j) => w.leaf('OrganId', id, `business.replacementInfo[${i}].organIds[${j}]`));
      w.close('OrganIdList').close('ReplacementInfo');
    });
    w.close('ReplacementInfoList');
  }
  w.close('Bussiness');
  m.trace.forEach((t, i) =>
    w
      .open('TraceHeader')
      .leaf('OrganId', t.organId, `trace[${i}].organId`)
      .leaf('Timestamp', timestamp(t.timestamp, `trace[${i}].timestamp`), `trace[${i}].timestamp`)
      .close('TraceHeader'),
  );
  w.close(E.traceHeaderList);
}

function statusHeader(w: Writer, s: EdxmlStatusMessage) {
  w.open('MessageHeader');
  organ(w, 'From', s.from, 'from');
  responseFor(w, s.responseFor, 'responseFor');
  staff(w, s.staff, 'staff');
  w.leaf('StatusCode', s.statusCode, 'statusCode')
    .leaf('Description', s.description, 'description')
    .leaf('Timestamp', timestamp(s.timestamp, 'timestamp'), 'timestamp')
    .close('MessageHeader');
}

/** The attachments beside the envelope, as the fixtures place them. Written as one part per attachment, so no string is copied twice. */
function attachmentParts(m: EdxmlDocumentMessage, indent: string): string[] {
  const p = EDXML_PREFIX;
  const parts: string[] = [`${indent}<${p}:${E.attachmentEncoded}>\n`];
  m.attachments.forEach((a, i) => {
    const field = `attachments[${i}]`;
    const fields: Record<(typeof ATTACHMENT_ORDER)[number], string | undefined> = {
      ContentId: a.contentId,
      AttachmentName: a.name,
      Description: a.description,
      ContentType: a.contentType,
      ContentTransferEncoded: undefined,
    };
    parts.push(`${indent}  <${p}:${E.attachment}>\n`);
    for (const name of ATTACHMENT_ORDER) {
      if (name === 'ContentTransferEncoded') {
        parts.push(`${indent}    <${p}:${name}>`, a.content.toString('base64'), `</${p}:${name}>\n`);
      } else if (fields[name] !== undefined) {
        parts.push(`${indent}    <${p}:${name}>${esc(fields[name]!, `${field}.${name}`)}</${p}:${name}>\n`);
      }
    }
    parts.push(`${indent}  </${p}:${E.attachment}>\n`);
  });
  parts.push(`${indent}</${p}:${E.attachmentEncoded}>\n`);
  return parts;
}

function checkAttachments(m: EdxmlDocumentMessage) {
  const seen = new Set<string>();
  m.attachments.forEach((a, i) => {
    if (!/^cid:\S+$/.test(a.contentId)) bad(`attachments[${i}].contentId`, `"${a.contentId}" is not of the form cid:…`, `"${a.contentId}" không có dạng cid:…`);
    if (seen.has(a.contentId)) bad(`attachments[${i}].contentId`, `"${a.contentId}" is used twice`, `"${a.contentId}" bị trùng`);
    seen.add(a.contentId);
  });
}

/**
 * The EDXML of a message, unsigned, UTF-8: every element carries the `edXML:` prefix, in the
 * contract's order; a document's attachments are base64 in AttachmentEncoded/Attachment, named
 * from the manifest by `cid:`. Sign the result with `signEdxml`. Throws `EDXML_INVALID` naming
 * the model field for a value the wire cannot carry (a malformed date, a control character).
 */
export function buildEdxml(message: EdxmlMessage): string {
  const p = EDXML_PREFIX;
  const w = new Writer();
  w.open(E.envelope).open(E.header);
  if (message.kind === 'document') {
    checkAttachments(message);
    documentHeader(w, message);
  } else {
    statusHeader(w, message);
  }
  w.close(E.header);
  if (message.kind === 'document' && message.attachments.length) {
    w.open(E.body).open(E.manifest, ` version="${MANIFEST_VERSION}"`);
    message.attachments.forEach((a, i) => {
      const values: Record<(typeof MANIFEST_REFERENCE_ORDER)[number], string | undefined> = {
        ContentId: a.contentId,
        ContentType: a.contentType,
        Description: a.description,
        AttachmentName: a.name,
      };
      w.open(E.reference);
      for (const name of MANIFEST_REFERENCE_ORDER) w.leaf(name, values[name], `attachments[${i}].${name}`);
      w.close(E.reference);
    });
    w.close(E.manifest).close(E.body);
  }
  w.close(E.envelope);
  const parts = [`<?xml version="1.0" encoding="UTF-8"?>\n<${p}:${E.root} xmlns:${p}="${EDXML_NS}">\n`, w.toString()];
  if (message.kind === 'document' && message.attachments.length) parts.push(...attachmentParts(message, '  '));
  parts.push(`</${p}:${E.root}>\n`);
  return parts.join('');
}

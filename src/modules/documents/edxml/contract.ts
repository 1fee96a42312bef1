/**
 * The EDXML wire contract (QCVN 102:2016, amended 2022) in one place: the namespace, every element
 * name, the order we write them in, the codes, the date and time formats and the DocumentId.
 *
 * No public XSD exists; the real messages in `test/fixtures/edxml/` (copied from the shared fixtures, unchanged) are the reference, so the
 * order below is theirs (where two fixtures differ, the new-document fixture's). We read elements
 * in any order and write them in this one. Every element we write carries the `edXML:` prefix: a
 * government validator rejects output without it.
 */

export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const EDXML_PREFIX = 'edXML';
/** The fixtures' signatures are (wrongly) in the edXML namespace; ours are in this one. */
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** The document's skeleton: root → envelope → header (+ signature) and body (manifest); attachments beside the envelope. */
export const E = {
  root: 'edXML',
  envelope: 'edXMLEnvelope',
  header: 'edXMLHeader',
  messageHeader: 'MessageHeader',
  traceHeaderList: 'TraceHeaderList',
  body: 'edXMLBody',
  manifest: 'edXMLManifest',
  reference: 'Reference',
  attachmentEncoded: 'AttachmentEncoded',
  attachment: 'Attachment',
  signature: 'Signature',
} as const;

/** The manifest's `version` attribute as the fixtures write it. */
export const MANIFEST_VERSION = '1.0';

/** Organ (From, To): OrganId, OrganizationInCharge, OrganName, OrganAdd, Email, Telephone, Fax, Website. */
export const ORGAN_FIELDS = [
  ['OrganId', 'organId'],
  ['OrganizationInCharge', 'organizationInCharge'],
  ['OrganName', 'organName'],
  ['OrganAdd', 'organAdd'],
  ['Email', 'email'],
  ['Telephone', 'telephone'],
  ['Fax', 'fax'],
  ['Website', 'website'],
] as const;

/** StaffInfo (in Bussiness and in status messages). */
export const STAFF_FIELDS = [
  ['Department', 'department'],
  ['Staff', 'staff'],
  ['Email', 'email'],
  ['Mobile', 'mobile'],
] as const;

/** ResponseFor: the document a message answers or acts on. Code is one string, "7816/VPCP-TTĐT". */
export const RESPONSE_FOR = ['OrganId', 'Code', 'PromulgationDate', 'DocumentId'] as const;

/** MessageHeader of a document message, in the order we write it. */
export const DOCUMENT_HEADER_ORDER = [
  'From',
  'To',
  'DocumentId',
  'Code', // CodeNumber, CodeNotation
  'PromulgationInfo', // Place, PromulgationDate
  'DocumentType', // Type, TypeDetail, TypeName
  'Subject',
  'Content',
  'SignerInfo', // Competence, Position, FullName
  'DueDate',
  'OtherInfo', // see OTHER_INFO_ORDER
  'ResponseFor',
  'SteeringType',
  'ToPlaces', // Place*
] as const;

export const OTHER_INFO_ORDER = ['Priority', 'SphereOfPromulgation', 'TyperNotation', 'PromulgationAmount', 'PageAmount', 'Direction', 'Appendixes'] as const;

/** MessageHeader of a status message. */
export const STATUS_HEADER_ORDER = ['From', 'ResponseFor', 'StaffInfo', 'StatusCode', 'Description', 'Timestamp'] as const;

/**
 * TraceHeaderList: Bussiness, then TraceHeader* (OrganId, Timestamp). Bussiness: DocumentId,
 * BussinessDocType, BussinessDocReason, Paper, StaffInfo, ReplacementInfoList (ReplacementInfo*:
 * DocumentId, OrganIdList/OrganId*). The misspelling "Bussiness" is the standard's.
 */
export const BUSINESS_ORDER = ['DocumentId', 'BussinessDocType', 'BussinessDocReason', 'Paper', 'StaffInfo', 'ReplacementInfoList'] as const;

/** Manifest Reference and AttachmentEncoded/Attachment children. */
export const MANIFEST_REFERENCE_ORDER = ['ContentId', 'ContentType', 'Description', 'AttachmentName'] as const;
export const ATTACHMENT_ORDER = ['ContentId', 'AttachmentName', 'Description', 'ContentType', 'ContentTransferEncoded'] as const;

/**
 * Elements that hold text only. The parser reads them as raw text (fast for a 27 MiB base64
 * attachment, and exact for CDATA) and refuses child elements inside them.
 */
export const LEAF_ELEMENTS = [
  ...ORGAN_FIELDS.map(([name]) => name),
  ...STAFF_FIELDS.map(([name]) => name),
  // Not Code: a container in MessageHeader (CodeNumber, CodeNotation), text in ResponseFor.
  'CodeNumber',
  'CodeNotation',
  'DocumentId',
  'Place',
  'PromulgationDate',
  'Type',
  'TypeDetail',
  'TypeName',
  'Subject',
  'Content',
  'Competence',
  'Position',
  'FullName',
  'DueDate',
  'Priority',
  'SphereOfPromulgation',
  'TyperNotation',
  'PromulgationAmount',
  'PageAmount',
  'Direction',
  'Appendix',
  'SteeringType',
  'BussinessDocType',
  'BussinessDocReason',
  'Paper',
  'Timestamp',
  'StatusCode',
  'Description',
  'ContentId',
  'ContentType',
  'AttachmentName',
  'ContentTransferEncoded',
] as const;

/** Codes. */
export const STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;
export const BUSINESS_TYPES = [0, 1, 2, 3] as const;

/** Vietnam has kept UTC+7 without daylight saving since 1975. */
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The model's `YYYY-MM-DD` → the wire's `yyyy/MM/dd`. */
export function toWireDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m || !realDate(+m[1]!, +m[2]!, +m[3]!)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return `${m[1]}/${m[2]}/${m[3]}`;
}

/** The wire's `yyyy/MM/dd` (also `yyyy-MM-dd`) → `YYYY-MM-DD`, or null when it is not a real date. */
export function fromWireDate(text: string): string | null {
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})$/.exec(text);
  if (!m || !realDate(+m[1]!, +m[2]!, +m[3]!)) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** An ISO 8601 instant (any offset) → the wire's `yyyy/MM/dd HH:mm:ss` in Vietnam time. */
export function toWireTimestamp(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`not an ISO 8601 time: ${iso}`);
  const v = new Date(t + VN_OFFSET_MS);
  return (
    `${pad(v.getUTCFullYear(), 4)}/${pad(v.getUTCMonth() + 1)}/${pad(v.getUTCDate())} ` +
    `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}`
  );
}

/** The wire's `yyyy/MM/dd HH:mm:ss` (Vietnam time; also `-` and `T`) → ISO 8601 with `+07:00`, or null. */
export function fromWireTimestamp(text: string): string | null {
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m || !realDate(+m[1]!, +m[2]!, +m[3]!) || +m[4]! > 23 || +m[5]! > 59 || +m[6]! > 59) return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+07:00`;
}

/** Vietnam's current time as the model writes it (`2026-12-08T05:22:16+07:00`). */
export function vietnamNow(at: Date = new Date()): string {
  const w = toWireTimestamp(at.toISOString());
  return `${w.slice(0, 10).replaceAll('/', '-')}T${w.slice(11)}+07:00`;
}

/**
 * DocumentId = "{OrganId},{yyyy/MM/dd},{number}/{notation}", the sender's OrganId first: how a
 * status names the document it is about, and what every later message (recall, update, replacement)
 * refers to.
 * @param date the promulgation date, `YYYY-MM-DD`
 * @param code "5/QĐ-BCT"
 */
export function documentIdOf(organId: string, date: string, code: string): string {
  if (!organId || organId.includes(',')) throw new RangeError(`not an OrganId: ${organId}`);
  return `${organId},${toWireDate(date)},${code}`;
}

/**
 * A DocumentId's parts, or null when it does not have the form. The date is kept as written
 * (`yyyy/MM/dd`): real messages carry dates such as 2014/02/30 in it, so it is an identifier, not a date.
 */
export function documentIdParts(documentId: string): { organId: string; date: string; code: string } | null {
  const m = /^([^,]+),(\d{4}\/\d{2}\/\d{2}),(.+)$/s.exec(documentId);
  return m ? { organId: m[1]!, date: m[2]!, code: m[3]! } : null;
}

/** "7816/VPCP-TTĐT" from CodeNumber and CodeNotation. */
export const codeOf = (code: { number: string; notation: string }) => `${code.number}/${code.notation}`;

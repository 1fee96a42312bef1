/**
 * The domain model of an EDXML message (QCVN 102:2016, amended 2022), as parsed from and built
 * into XML by `parse-edxml.ts` / `build-edxml.ts`. Element names, order, codes and formats live in
 * `contract.ts`; this file is what the rest of congso sees. Dates are `YYYY-MM-DD` (the wire's
 * `yyyy/MM/dd`), times ISO 8601 with `+07:00` (the wire's `yyyy/MM/dd HH:mm:ss`, Vietnam time).
 */

export interface EdxmlOrgan {
  organId: string;
  organName: string;
  organizationInCharge?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

export interface EdxmlStaff {
  department?: string;
  staff?: string;
  mobile?: string;
  email?: string;
}

/** TraceHeaderList/Bussiness/BussinessDocType. */
export const BUSINESS_DOC_TYPES = { new: 0, revocation: 1, update: 2, replacement: 3 } as const;
export type BusinessDocType = (typeof BUSINESS_DOC_TYPES)[keyof typeof BUSINESS_DOC_TYPES];

/** The document a message answers or acts on (ResponseFor). */
export interface EdxmlResponseFor {
  organId: string;
  /** "7816/VPCP-TTĐT" */
  code: string;
  promulgationDate?: string;
  documentId: string;
}

export interface EdxmlReplacementInfo {
  /** The DocumentId of the document replaced. */
  documentId: string;
  /** The agencies that must replace it. */
  organIds: string[];
}

export interface EdxmlAttachment {
  /** "cid:209" as in the manifest. */
  contentId: string;
  name: string;
  description?: string;
  contentType: string;
  content: Buffer;
}

export interface EdxmlDocumentMessage {
  kind: 'document';
  from: EdxmlOrgan;
  to: EdxmlOrgan[];
  /** "{OrganId},{yyyy/MM/dd},{number}/{notation}" */
  documentId: string;
  code: { number: string; notation: string };
  promulgation: { place: string; date: string };
  documentType: { type: number; typeDetail: number; typeName: string };
  subject: string;
  content?: string;
  signer: { competence?: string; position?: string; fullName: string };
  dueDate?: string;
  /** 0 none, 1 for action, 2 for information… as the sender's system uses it. */
  steeringType?: number;
  toPlaces: string[];
  otherInfo: {
    priority?: number;
    sphereOfPromulgation?: string;
    typerNotation?: string;
    promulgationAmount?: number;
    pageAmount?: number;
    direction?: boolean;
    appendixes: string[];
  };
  responseFor: EdxmlResponseFor[];
  business: {
    type: BusinessDocType;
    reason?: string;
    documentId?: string;
    paper?: number;
    staff?: EdxmlStaff;
    replacementInfo: EdxmlReplacementInfo[];
  };
  trace: { organId: string; timestamp: string }[];
  attachments: EdxmlAttachment[];
}

/** Status codes of the exchange (QCVN 102 as amended): what the receiver did with a document. */
export const EDXML_STATUS = {
  '01': { vi: 'Đã đến', en: 'Arrived' },
  '02': { vi: 'Từ chối tiếp nhận', en: 'Refused' },
  '03': { vi: 'Đã tiếp nhận', en: 'Accepted' },
  '04': { vi: 'Phân công', en: 'Assigned' },
  '05': { vi: 'Đang xử lý', en: 'Processing' },
  '06': { vi: 'Hoàn thành', en: 'Done' },
  '13': { vi: 'Lấy lại (thu hồi)', en: 'Recall requested' },
  '15': { vi: 'Đồng ý lấy lại, cập nhật, thay thế', en: 'Recall or change agreed' },
  '16': { vi: 'Từ chối lấy lại, cập nhật, thay thế', en: 'Recall or change refused' },
} as const;
export type EdxmlStatusCode = keyof typeof EDXML_STATUS;

export interface EdxmlStatusMessage {
  kind: 'status';
  from: EdxmlOrgan;
  responseFor: EdxmlResponseFor;
  staff?: EdxmlStaff;
  statusCode: EdxmlStatusCode;
  description: string;
  timestamp: string;
}

export type EdxmlMessage = EdxmlDocumentMessage | EdxmlStatusMessage;

/** What the XML signature of a received message says. */
export interface SignatureReport {
  present: boolean;
  /** null when there is no signature. */
  valid: boolean | null;
  /** e.g. "rsa-sha256", "rsa-sha1". */
  algorithm?: string;
  /** SHA-1 in the signature or digest: accepted when receiving, reported. */
  weak: boolean;
  /** The certificate's subject, as KeyInfo carries it. */
  signer?: string;
  /** Why it did not verify, in English (for logs and the page's detail line). */
  reason?: string;
}

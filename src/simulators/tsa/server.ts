/**
 * TSA simulator: a local RFC 3161 Time-Stamp Authority over HTTP (RFC 3161 §3.4), standing in
 * for a real qualified TSA in the demo and in tests. POST a DER TimeStampReq with
 * Content-Type application/timestamp-query; the answer is a DER TimeStampResp with
 * Content-Type application/timestamp-reply. The token is a CMS SignedData over a TSTInfo
 * (policy, the request's messageImprint and nonce echoed, a random serial number, genTime in
 * whole seconds with an accuracy of one second, the TSA's name), signed with a TEST
 * certificate (critical extendedKeyUsage id-kp-timeStamping) issued by a test CA; the
 * certificate is included when the request asks for it (certReq). All state is in memory.
 */
import { webcrypto } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, ab, bytes, sha256, subtle } from '../../platform/signing/crypto.ts';
import { parseCertificate, type TestCa } from '../../platform/signing/test-ca.ts';
import { issueTsaCertificate, type TsaCredentials } from './certificate.ts';

export const ID_CT_TST_INFO = '1.2.840.113549.1.9.16.1.4';
/**
 * The simulator's TSA policy: the example OID of OpenSSL's default TSA configuration
 * (tsa_policy1). Not a UUID-arc OID: asn1js cannot print sub-identifiers beyond 2^53.
 */
export const TEST_TSA_POLICY = '1.2.3.4.1';

const SHA384 = '2.16.840.1.101.3.4.2.2';
const SHA512 = '2.16.840.1.101.3.4.2.3';
const DIGEST_LENGTH: Record<string, number> = { [OID.sha256]: 32, [SHA384]: 48, [SHA512]: 64 };

/** PKIFailureInfo named bits (RFC 3161 §2.4.2). */
const FAIL = { badAlg: 0, badRequest: 2, badDataFormat: 5, unacceptedPolicy: 15, unacceptedExtension: 16, systemFailure: 25 } as const;

const MAX_REQUEST = 64 * 1024;

export interface TsaOptions {
  /** TCP port; a free one by default. */
  port?: number;
  /** 127.0.0.1 by default. */
  host?: string;
  /** An existing test CA to issue the TSA certificate from; a fresh one by default. */
  ca?: TestCa;
  /** The TSA's policy OID; TEST_TSA_POLICY by default. */
  policy?: string;
  /** The TSA's clock; the system clock by default. */
  now?: () => Date;
}

export interface Tsa {
  /** The URL to POST time-stamp queries to. */
  url: string;
  close(): Promise<void>;
  /** DER of the TSA's certificate. */
  certificate: Uint8Array;
  /** DER of the test CA that issued it. */
  caCertificate: Uint8Array;
  /** Number of tokens issued so far. */
  issued(): number;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function failure(bit: number, text: string): pkijs.TimeStampResp {
  const failInfo = new Uint8Array((bit >> 3) + 1);
  failInfo[bit >> 3] = 0x80 >> (bit & 7);
  return new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({
      status: pkijs.PKIStatus.rejection,
      statusStrings: [new asn1js.Utf8String({ value: text })],
      failInfo: new asn1js.BitString({ valueHex: ab(failInfo), unusedBits: 7 - (bit & 7) }),
    }),
  });
}

function randomSerial(): asn1js.Integer {
  const s = webcrypto.getRandomValues(new Uint8Array(16));
  s[0] = (s[0]! & 0x7f) | 0x01;
  return new asn1js.Integer({ valueHex: ab(s) });
}

async function signingCertificateV2(certDer: Uint8Array): Promise<pkijs.Attribute> {
  const cert = parseCertificate(certDer);
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new pkijs.GeneralName({ type: 4, value: cert.issuer }).toSchema()] }),
      new asn1js.Integer({ valueHex: ab(bytes(cert.serialNumber.valueBlock.valueHexView)) }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: ab(await sha256(certDer)) }), issuerSerial] });
  return new pkijs.Attribute({ type: OID.signingCertificateV2, values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })] });
}

/** Answers one DER TimeStampReq with a TimeStampResp (granted or rejection). */
export async function respond(tsa: TsaCredentials, requestDer: Uint8Array, options: { policy: string; now: () => Date }): Promise<pkijs.TimeStampResp> {
  let req: pkijs.TimeStampReq;
  try {
    req = pkijs.TimeStampReq.fromBER(ab(requestDer));
  } catch {
    return failure(FAIL.badDataFormat, 'not a DER TimeStampReq');
  }
  if (req.version !== 1) return failure(FAIL.badRequest, `unsupported TimeStampReq version ${req.version}`);
  const algorithm = req.messageImprint.hashAlgorithm.algorithmId;
  const imprint = bytes(req.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (DIGEST_LENGTH[algorithm] === undefined) return failure(FAIL.badAlg, `unsupported hash algorithm ${algorithm}`);
  if (imprint.length !== DIGEST_LENGTH[algorithm]) return failure(FAIL.badDataFormat, 'message imprint of the wrong length');
  if (req.reqPolicy && req.reqPolicy !== options.policy) return failure(FAIL.unacceptedPolicy, `policy ${req.reqPolicy} not offered`);
  if (req.extensions?.length) return failure(FAIL.unacceptedExtension, 'no extensions are supported');

  const tsaCert = parseCertificate(tsa.certificate);
  const genTime = new Date(Math.floor(options.now().getTime() / 1000) * 1000); // whole seconds: no non-DER fractions
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: options.policy,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: algorithm }),
      hashedMessage: new asn1js.OctetString({ valueHex: ab(imprint) }),
    }),
    serialNumber: randomSerial(),
    genTime,
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ...(req.nonce ? { nonce: new asn1js.Integer({ valueHex: ab(bytes(req.nonce.valueBlock.valueHexView)) }) } : {}),
    tsa: new pkijs.GeneralName({ type: 4, value: tsaCert.subject }),
  });
  const tstInfoDer = bytes(tstInfo.toSchema().toBER(false));

  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: ID_CT_TST_INFO })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: ab(await sha256(tstInfoDer)) })] }),
    await signingCertificateV2(tsa.certificate),
  ];
  const sorted = attributes
    .map((a) => ({ a, der: bytes(a.toSchema().toBER(false)) }))
    .sort((x, y) => compare(x.der, y.der))
    .map((e) => e.a);
  const signedAttrsDer = bytes(new asn1js.Set({ value: sorted.map((a) => a.toSchema()) }).toBER(false));
  const signature = bytes(await subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, tsa.privateKey, ab(signedAttrsDer)));

  const signedData = new pkijs.SignedData({
    version: 3,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: ID_CT_TST_INFO, eContent: new asn1js.OctetString({ valueHex: ab(tstInfoDer) }) }),
    ...(req.certReq ? { certificates: [tsaCert] } : {}),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: tsaCert.issuer, serialNumber: tsaCert.serialNumber }),
        digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted }),
        signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSA, algorithmParams: new asn1js.Null() }),
        signature: new asn1js.OctetString({ valueHex: ab(signature) }),
      }),
    ],
  });
  return new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }),
    timeStampToken: new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) }),
  });
}

function readBody(req: IncomingMessage): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export interface TsaResponderOptions {
  /** An existing test CA to issue the TSA certificate from; a fresh one by default. */
  ca?: TestCa;
  /** Ready-made TSA credentials (then `ca` is not used). */
  credentials?: TsaCredentials;
  /** The TSA's policy OID; TEST_TSA_POLICY by default. */
  policy?: string;
  /** The TSA's clock; the system clock by default. */
  now?: () => Date;
}

/** The outcome of one HTTP exchange with the TSA, for whichever server carries it. */
export interface TsaAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface TsaResponder {
  credentials: TsaCredentials;
  /** Number of tokens issued so far. */
  issued(): number;
  /**
   * One HTTP request (RFC 3161 §3.4): its method, Content-Type header and body (null when
   * it exceeded MAX_REQUEST) to the answer to send. Never throws.
   */
  handle(method: string, contentType: string | undefined, body: Uint8Array | null): Promise<TsaAnswer>;
}

/** Largest TimeStampReq accepted, in bytes. */
export const TSA_MAX_REQUEST = MAX_REQUEST;

const plainAnswer = (status: number, text: string, headers: Record<string, string> = {}): TsaAnswer => ({
  status,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
  body: Buffer.from(text),
});

/** The TSA's request handling, independent of the HTTP server (node:http here, Fastify in routes.ts). */
export async function createTsaResponder(options: TsaResponderOptions = {}): Promise<TsaResponder> {
  const creds = options.credentials ?? (await issueTsaCertificate(options.ca ? { ca: options.ca } : {}));
  const policy = options.policy ?? TEST_TSA_POLICY;
  const now = options.now ?? (() => new Date());
  let issued = 0;
  return {
    credentials: creds,
    issued: () => issued,
    async handle(method, contentType, body) {
      if (method !== 'POST') return plainAnswer(405, 'POST an application/timestamp-query\n', { Allow: 'POST' });
      const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/timestamp-query') return plainAnswer(415, 'Content-Type must be application/timestamp-query\n');
      if (!body) return plainAnswer(413, 'request too large\n', { Connection: 'close' });
      let answer: pkijs.TimeStampResp;
      try {
        answer = await respond(creds, body, { policy, now });
      } catch {
        answer = failure(FAIL.systemFailure, 'internal error');
      }
      if (answer.timeStampToken) issued++;
      const der = Buffer.from(answer.toSchema().toBER(false));
      return { status: 200, headers: { 'Content-Type': 'application/timestamp-reply', 'Content-Length': String(der.length) }, body: der };
    },
  };
}

/** Starts the TSA simulator. */
export async function startTsa(options: TsaOptions = {}): Promise<Tsa> {
  const responder = await createTsaResponder(options);
  const creds = responder.credentials;

  const server = createServer((req, res) => {
    void (async () => {
      // Only a POST of the right type has its body read.
      const type = req.headers['content-type'];
      const wanted = req.method === 'POST' && (type ?? '').split(';')[0]!.trim().toLowerCase() === 'application/timestamp-query';
      const body = wanted ? await readBody(req) : new Uint8Array();
      const a = await responder.handle(req.method ?? '', type, body);
      res.writeHead(a.status, a.headers).end(a.body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('internal error\n');
      else res.destroy();
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    certificate: creds.certificate,
    caCertificate: creds.ca.certificate,
    issued: responder.issued,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

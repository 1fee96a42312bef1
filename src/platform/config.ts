import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.ts';

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => v.replace(/\/+$/, ''))
  .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }))
  .optional();

const secret = z.string().min(32, 'must be at least 32 characters').optional();

const VnpostStatusCodes = z.record(z.string().min(1).max(20), z.enum(['registered', 'collected', 'in_transit', 'delivered', 'returned', 'cancelled']));
const VnpostFeeTable = z
  .array(z.object({ upToGrams: z.number().int().min(1), sameProvince: z.number().int().min(0), otherProvince: z.number().int().min(0) }))
  .min(1);
function vnpostJson(v: string, schema: z.ZodType): boolean {
  try {
    return schema.safeParse(JSON.parse(v)).success;
  } catch {
    return false; // not JSON: the refinement's message says what is expected
  }
}

/** VNPost's adapter settings (`Config.vnpost`). */
export interface VnpostConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  customerCode: string;
  /** The one-stop desk as the sender of results and the receiver of paper dossiers. */
  sender: { address: string; province: string; tel: string };
  /** VNPOST_STATUS_CODES: tracking codes merged over the module's defaults. */
  statusCodes: Record<string, string>;
  /** VNPOST_FEE_TABLE; absent: the module's default table. */
  feeTable?: { upToGrams: number; sameProvince: number; otherProvince: number }[];
  timeoutMs: number;
}

const EnvSchema = z
  .object({
    CONGSO_MODE: z.enum(['demo', 'production'], { message: 'must be "demo" or "production"' }).default('demo'),
    PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535, 'must be 0–65535').default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgresql:// (leave unset for the embedded database)')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    DATABASE_REPLICA_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgresql:// (a streaming replica of DATABASE_URL)')
      .optional(),
    DATABASE_REPLICA_MAX_LAG_SECONDS: z.coerce.number({ message: 'must be a number' }).min(0).max(3600).default(10),
    PUBLIC_URL: optionalUrl,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    S3_ENDPOINT: optionalUrl,
    S3_REGION: z.string().optional(),
    S3_BUCKET: z.string().optional(),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    OIDC_ISSUER: optionalUrl,
    OIDC_CLIENT_ID: z.string().optional(),
    OIDC_CLIENT_SECRET: z.string().optional(),
    SESSION_SECRET: secret,
    TOKEN_SECRET: secret,
    AUDIT_SECRET: secret,
    SSO_SIMULATOR: z.enum(['on', 'off']).optional(),
    TSA_URL: optionalUrl,
    PAYMENT_URL: optionalUrl,
    PAYMENT_PARTNER_CODE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,50}$/, 'must be the partner code the payment platform issued (letters, digits, _ . -; at most 50)')
      .optional(),
    PAYMENT_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
    PAYMENT_PENDING_QUERY_AFTER_SECONDS: z.coerce.number({ message: 'must be a number' }).min(0).max(86_400).default(300),
    PAYMENT_EXPIRES_AFTER_MINUTES: z.coerce.number({ message: 'must be a number' }).gt(0, 'must be more than 0').max(10_080).default(30),
    EMC_URL: optionalUrl,
    EMC_SITE_ID: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,60}$/, 'must be the site id the measuring system (EMC) issued (letters, digits, _ . -; at most 60)')
      .optional(),
    EMC_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
    GATEWAY_URL: optionalUrl,
    GATEWAY_CLIENT_ID: z.string().trim().min(1).max(200).optional(),
    GATEWAY_CLIENT_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
    GATEWAY_SIGNING_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    VNPOST_URL: optionalUrl,
    VNPOST_CLIENT_ID: z.string().trim().min(1).max(200).optional(),
    VNPOST_CLIENT_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
    VNPOST_CUSTOMER_CODE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,50}$/, 'must be the customer code VNPost issued (letters, digits, _ . -; at most 50)')
      .optional(),
    VNPOST_SENDER_ADDRESS: z.string().trim().min(5).max(500).optional(),
    VNPOST_SENDER_PROVINCE: z
      .string()
      .trim()
      .regex(/^\d{2}$/, 'must be a two-digit province code, e.g. 01 for Hà Nội')
      .optional(),
    VNPOST_SENDER_TEL: z
      .string()
      .trim()
      .regex(/^\+?[0-9 .-]{8,15}$/, 'must be a phone number')
      .optional(),
    VNPOST_STATUS_CODES: z
      .string()
      .refine((v) => vnpostJson(v, VnpostStatusCodes), 'must be a JSON object of VNPost status code → collected, in_transit, delivered, returned, …')
      .optional(),
    VNPOST_FEE_TABLE: z
      .string()
      .refine((v) => vnpostJson(v, VnpostFeeTable), 'must be a JSON array of { upToGrams, sameProvince, otherProvince }')
      .optional(),
    VNPOST_TIMEOUT_MS: z.coerce.number({ message: 'must be a number' }).int().min(100).max(120_000).default(10_000),
    NATIONAL_PORTAL_URL: optionalUrl,
    NATIONAL_PORTAL_USERNAME: z.string().trim().min(1).max(200).optional(),
    NATIONAL_PORTAL_PASSWORD: z.string().min(1).max(500).optional(),
    NATIONAL_PORTAL_UNIT_CODE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,60}$/, 'must be the unit code (madonvi) the national portal issued')
      .optional(),
    NATIONAL_PORTAL_DSTCODE: z.string().trim().min(1).max(200).optional(),
    NATIONAL_PORTAL_TIMEOUT_MS: z.coerce.number({ message: 'must be a number' }).int().min(50).max(120_000).default(6000),
    NATIONAL_PORTAL_FILE_ORIGINS: z
      .string()
      .trim()
      .refine(
        (v) => v.split(',').every((x) => /^https?:\/\/[^/\s]+$/.test(x.trim()) && URL.canParse(x.trim())),
        'must be comma-separated origins such as https://files.dichvucong.gov.vn',
      )
      .optional(),
    EDXML_ORGAN_ID: z
      .string()
      .trim()
      .regex(/^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z0-9]{2,4}$/, 'must be the agency code of the exchange (OrganId), e.g. 000.00.00.G12')
      .optional(),
    EDXML_ORGAN_NAME: z.string().trim().min(1).max(300).optional(),
    EDXML_AXIS_URL: optionalUrl,
    EDXML_AXIS_SYSTEM_ID: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be the systemid the national axis issued (letters, digits, _ . -)')
      .optional(),
    EDXML_AXIS_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
    EDXML_AXIS_TIMEOUT_MS: z.coerce.number({ message: 'must be a number' }).int().min(100).max(120_000).default(15_000),
    EDXML_POLL_SECONDS: z.coerce.number({ message: 'must be a number' }).min(1).max(3600).default(30),
    EDXML_MAX_BYTES: z.coerce
      .number({ message: 'must be a number' })
      .int()
      .min(1024)
      .max(512 * 1024 * 1024)
      .default(30 * 1024 * 1024),
    EDXML_MAX_ATTACHMENT_BYTES: z.coerce
      .number({ message: 'must be a number' })
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(20 * 1024 * 1024),
    SIGNING_P12_DIR: z.string().trim().min(1).optional(),
    SIGNING_P12_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
    SMTP_URL: z
      .string()
      .trim()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://, e.g. smtp://user:pass@host:587')
      .refine((v) => URL.canParse(v) && new URL(v).hostname !== '', 'must be a URL with a host, e.g. smtp://user:pass@host:587')
      .optional(),
    MAIL_FROM: z
      .string()
      .trim()
      .regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an e-mail address, optionally as "Name <address>"')
      .optional(),
    TRUSTED_PROXIES: z
      .string()
      .trim()
      .refine(
        (v) => v.split(',').every((x) => isIpOrCidr(x.trim())),
        'must be a comma-separated list of IP addresses or CIDR ranges of the load balancers in front, e.g. 10.0.0.5,10.0.1.0/24',
      )
      .optional(),
    METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
    REQUEST_TIMEOUT_SECONDS: z.coerce.number({ message: 'must be a number' }).int().min(1).max(3600).default(120),
    SHUTDOWN_GRACE_SECONDS: z.coerce.number({ message: 'must be a number' }).min(0).max(600).default(5),
    RATE_LIMIT_SIGN_IN: z.coerce.number({ message: 'must be a number' }).int().min(1).default(20),
    RATE_LIMIT_VERIFY: z.coerce.number({ message: 'must be a number' }).int().min(1).default(10),
    RATE_LIMIT_PUBLIC: z.coerce.number({ message: 'must be a number' }).int().min(1).default(300),
    CLOCK_OFFSET_MS: z.coerce.number({ message: 'must be a number' }).int().default(0),
    WORKERS: z.coerce.number({ message: 'must be a number' }).int().min(0).default(1),
  })
  .superRefine((env, ctx) => {
    if (env.S3_BUCKET && !(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['S3_ACCESS_KEY_ID'], message: 'S3_BUCKET is set: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required' });
    }
    if (env.OIDC_ISSUER && !(env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_ID'], message: 'OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required' });
    }
    if (env.SIGNING_P12_DIR && !env.SIGNING_P12_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['SIGNING_P12_PASSWORD'], message: 'SIGNING_P12_DIR is set: SIGNING_P12_PASSWORD is required' });
    }
    if (env.PAYMENT_URL) {
      for (const k of ['PAYMENT_PARTNER_CODE', 'PAYMENT_SECRET'] as const) {
        if (!env[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'PAYMENT_URL is set: PAYMENT_PARTNER_CODE and PAYMENT_SECRET are required' });
      }
    }
    if (env.EMC_URL) {
      for (const k of ['EMC_SITE_ID', 'EMC_TOKEN'] as const) {
        if (!env[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'EMC_URL is set: EMC_SITE_ID and EMC_TOKEN are required' });
      }
    }
    if (env.GATEWAY_URL) {
      for (const k of ['GATEWAY_CLIENT_ID', 'GATEWAY_CLIENT_SECRET', 'GATEWAY_SIGNING_KEY'] as const) {
        if (!env[k]) {
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: 'GATEWAY_URL is set: GATEWAY_CLIENT_ID, GATEWAY_CLIENT_SECRET and GATEWAY_SIGNING_KEY are required',
          });
        }
      }
    }
    if (env.VNPOST_URL) {
      for (const k of [
        'VNPOST_CLIENT_ID',
        'VNPOST_CLIENT_SECRET',
        'VNPOST_CUSTOMER_CODE',
        'VNPOST_SENDER_ADDRESS',
        'VNPOST_SENDER_PROVINCE',
        'VNPOST_SENDER_TEL',
      ] as const) {
        if (!env[k])
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: 'VNPOST_URL is set: its client id and secret, customer code and sender address, province and phone are required',
          });
      }
    }
    if (env.NATIONAL_PORTAL_URL) {
      for (const k of ['NATIONAL_PORTAL_USERNAME', 'NATIONAL_PORTAL_PASSWORD', 'NATIONAL_PORTAL_UNIT_CODE', 'NATIONAL_PORTAL_DSTCODE'] as const) {
        if (!env[k])
          ctx.addIssue({ code: 'custom', path: [k], message: 'NATIONAL_PORTAL_URL is set: its username, password, unit code and dstcode are required' });
      }
    }
    if (env.EDXML_AXIS_URL) {
      for (const k of ['EDXML_AXIS_SYSTEM_ID', 'EDXML_AXIS_SECRET'] as const) {
        if (!env[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'EDXML_AXIS_URL is set: EDXML_AXIS_SYSTEM_ID and EDXML_AXIS_SECRET are required' });
      }
    }
    if (env.DATABASE_REPLICA_URL && !env.DATABASE_URL) {
      // The embedded database has no replica: a replica URL alone would read one database and write another.
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_REPLICA_URL'],
        message: 'needs DATABASE_URL: a replica is a standby of a PostgreSQL primary, not of the embedded database',
      });
    }
    if (env.CONGSO_MODE === 'production' && env.CLOCK_OFFSET_MS !== 0) {
      ctx.addIssue({ code: 'custom', path: ['CLOCK_OFFSET_MS'], message: 'is for tests only: refused in production mode' });
    }
    if (env.CONGSO_MODE === 'production') {
      for (const k of ['SESSION_SECRET', 'TOKEN_SECRET', 'DATABASE_URL', 'PUBLIC_URL', 'OIDC_ISSUER'] as const) {
        if (!env[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'required in production mode' });
      }
    }
  });

export interface Config {
  mode: 'demo' | 'production';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  databasePoolSize: number;
  /**
   * DATABASE_REPLICA_URL (with DATABASE_URL only): a streaming replica that serves the reads that
   * may lag (dashboards, statistics, open data, registers, exports, search; src/platform/db/replica.ts).
   * DATABASE_REPLICA_MAX_LAG_SECONDS (default 10): a replica further behind is skipped.
   */
  databaseReplica?: { url: string; maxLagSeconds: number };
  publicUrl: string;
  logLevel: string;
  s3?: { endpoint?: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string };
  /** Absent issuer means the built-in VNeID simulator at `${publicUrl}/sso`. */
  oidc: { issuer: string; clientId: string; clientSecret: string; simulator: boolean };
  /**
   * `audit` signs the audit trail's checkpoints (src/platform/audit/checkpoint.ts), so it must
   * never be in the database: AUDIT_SECRET, or derived from the token secret (which every
   * node shares).
   */
  secrets: { session: string; token: string; audit: string };
  /** Absent means no mail server: e-mail notifications stay in the outbox (demo). */
  smtp?: { url: string; from: string };
  /**
   * The RFC 3161 time-stamping authority that time-stamps result signatures (PAdES B-T).
   * The demo defaults to its own TSA simulator at `${publicUrl}/tsa`; absent (production
   * without TSA_URL) means signatures without a time-stamp (baseline B).
   */
  tsaUrl?: string;
  /**
   * PKCS#12 files issued by the CA for production signing: `person-<username>.p12` for each
   * signing leader (and receiving officer who certifies copies), `org-<unit id>.p12` for each
   * issuing unit's seal, all under one password. Absent in demo mode: test keys are made.
   */
  signingP12?: { dir: string; password: string };
  /**
   * The national payment platform (INTEGRATIONS §2; src/modules/payments/gateway). The demo
   * defaults to its own simulator at `${publicUrl}/simulators/payment`, partner code
   * `CONGSO-DEMO` and a generated secret; absent (production without PAYMENT_URL) means
   * online payment is unavailable, and the pages and API say so.
   */
  payment?: PaymentConfig;
  /**
   * The national measuring system (EMC, INTEGRATIONS §4; src/modules/analytics/emc) that receives
   * an event per dossier action. The demo defaults to its own simulator at
   * `${publicUrl}/simulators/emc`; absent (production without EMC_URL) means no event is sent,
   * and the usage page says so.
   */
  emc?: { url: string; siteId: string; token: string };
  /**
   * The data-sharing platform (NDXP / provincial LGSP, INTEGRATIONS §7; src/platform/gateway): the
   * national business registry and later services are called through it. The demo defaults to
   * its own simulator at `${publicUrl}/simulators/registry` (acting as the LGSP), client
   * `congso-demo` and keys derived from the token secret; absent (production without GATEWAY_URL)
   * means the services behind it are unavailable, and the pages say so.
   */
  gateway?: { url: string; clientId: string; clientSecret: string; signingKey: string };
  /**
   * VNPost (INTEGRATIONS §3; src/modules/postal): orders for postal pickup of paper dossiers and
   * delivery of results, and their tracking. The demo defaults to its own simulator at
   * `${publicUrl}/simulators/vnpost`; absent (production without VNPOST_URL) means the postal
   * options are not offered and the API refuses them.
   */
  vnpost?: VnpostConfig;
  /**
   * The National Public Service Portal (INTEGRATIONS §1; src/modules/national-portal): every
   * dossier and step is pushed there through the outbox. The demo defaults to its own simulator
   * at `${publicUrl}/simulators/dvcqg`; absent (production without NATIONAL_PORTAL_URL) means
   * nothing is sent, and the operations page says so.
   */
  nationalPortal?: { url: string; username: string; password: string; unitCode: string; dstcode: string; timeoutMs: number };
  /**
   * Dossiers the National Public Service Portal pushes to us (issue 16; national-portal/receive-national-dossier.ts):
   * their files are fetched only from these origins (NATIONAL_PORTAL_FILE_ORIGINS; the demo: its own simulator's),
   * none means a pushed dossier with files is refused. `simulator`: the demo's portal pushes with the demo
   * service account (demo mode only).
   */
  nationalInbound: { fileOrigins: string[]; fileTimeoutMs: number; simulator?: { clientId: string; clientSecret: string } };
  /**
   * Official documents exchanged in EDXML (issue 18; src/modules/documents/exchange): `organ` is this
   * agency as the exchange names it (EDXML_ORGAN_ID, default the demo ministry's 000.00.00.G12;
   * EDXML_ORGAN_NAME). `axis`: the national document-exchange axis (INTEGRATIONS §6), EDXML_AXIS_URL
   * with its systemid and secret; the demo defaults to its own simulator at `${publicUrl}/simulators/axis`;
   * absent (production without EDXML_AXIS_URL) means documents go out only through the inbox of the
   * other side and nothing is polled. `pollSeconds` (EDXML_POLL_SECONDS, default 30): how often worker
   * nodes ask the axis for new messages. `maxBytes` (EDXML_MAX_BYTES, default 30 MiB: a 20 MiB attachment in base64 and its envelope) bounds one message,
   * `maxAttachmentBytes` (EDXML_MAX_ATTACHMENT_BYTES, default 20 MiB) one decoded attachment.
   * `inbox`: the demo's integrating account for POST /api/v1/edxml/inbox (client `lienthong`).
   */
  edxml: {
    organ: { organId: string; organName: string };
    axis?: { url: string; systemId: string; secret: string; timeoutMs: number };
    pollSeconds: number;
    maxBytes: number;
    maxAttachmentBytes: number;
    inbox?: { clientId: string; clientSecret: string };
  };
  http: {
    /**
     * The load balancers whose X-Forwarded-For is believed; none by default, because a
     * client-sent header would otherwise become the address in the audit trail and the key
     * of every rate limit.
     */
    trustedProxies: string[];
    /** Secure, `__Host-`-prefixed cookies: production always, or any https address. */
    secureCookies: boolean;
    /** A request whose body has not arrived by then is cut off (slow-body attacks). */
    requestTimeoutMs: number;
    /** Bearer token for /metrics; in production /metrics is closed without it. */
    metricsToken?: string;
  };
  /** Requests per minute per client address (per account when signed in). */
  rateLimits: { signIn: number; verify: number; public: number };
  /**
   * SHUTDOWN_GRACE_SECONDS (default 5): on SIGTERM or SIGINT the server stops accepting
   * connections and gives requests in flight (and jobs running) this long to finish; what is
   * still running then is cut off, and the job workers and the database are closed.
   */
  shutdownGraceMs: number;
  /**
   * WORKERS (default 1): 0 makes `serve` a web node only (no job workers, no schedules; what it
   * enqueues waits for `worker` processes). `worker` always works jobs.
   */
  workers: number;
  /**
   * CLOCK_OFFSET_MS (tests only, refused in production; default 0): added to the time a filing
   * reads, so a test can file a minute before midnight in Vietnam whenever it runs. Read at
   * every filing, so a test may also move it forward.
   */
  clockOffsetMs: number;
}

export interface PaymentConfig {
  /** The platform's base URL; each message is POSTed to a path under it. */
  url: string;
  /** MaDoiTac: our partner code with the platform. */
  partnerCode: string;
  /** The key the platform issued: the last field of every MaXacThuc. */
  secret: string;
  /** Where the platform sends the payer's browser back (`${publicUrl}/thanh-toan/ket-qua`). */
  returnUrl: string;
  /** Where the platform POSTs its CONFIRM (`${publicUrl}/api/v1/payments/callback`). */
  callbackUrl: string;
  /** PAYMENT_PENDING_QUERY_AFTER_SECONDS (default 300): a payment still pending this long is asked about (QUERY) by the job. */
  pendingQueryAfterSeconds: number;
  /** PAYMENT_EXPIRES_AFTER_MINUTES (default 30): a payment still pending this long after it started is expired. */
  expiresAfterMinutes: number;
}

/** The demo's site id with its own EMC simulator. */
export const DEMO_EMC_SITE_ID = 'congso-demo';

/** The demo's client id with its own data-sharing gateway (the registry simulator). */
export const DEMO_GATEWAY_CLIENT_ID = 'congso-demo';
/** The demo's account with its national portal simulator. */
export const DEMO_NATIONAL_PORTAL = { username: 'congso-demo', unitCode: 'G00-DEMO', dstcode: 'congso-demo' } as const;

/** The demo's service account of the National Public Service Portal (its simulator pushes dossiers with it). */
export const DEMO_NATIONAL_PORTAL_CLIENT = 'dvcqg';

/** The demo's agency on the document-exchange axis: the Ministry of Industry and Trade (its code in the national list of agency codes). */
export const DEMO_EDXML_ORGAN = { organId: '000.00.00.G12', organName: 'Bộ Công Thương' } as const;
/** The demo's integrating system that posts EDXML to the inbox (its secret: DATA_DIR/secrets.json, key `lienthong`). */
export const DEMO_EDXML_CLIENT = 'lienthong';

/** The demo's partner code with its own payment simulator. */
export const DEMO_PAYMENT_PARTNER_CODE = 'CONGSO-DEMO';

function isIpOrCidr(v: string): boolean {
  const [addr, bits, extra] = v.split('/');
  if (extra !== undefined || !addr) return false;
  const kind = isIP(addr);
  if (!kind) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (kind === 4 ? 32 : 128);
}

/**
 * Reads and validates configuration. Throws an AppError listing every bad variable so an
 * operator fixes them all in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(clean);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const got = key && clean[key] !== undefined && !/SECRET|SMTP_URL|TOKEN/.test(key) ? ` (got "${clean[key]}")` : '';
      return `  ${key}: ${i.message}${got}`;
    });
    throw new AppError('CONFIG_INVALID', {
      vi: `Cấu hình không hợp lệ:\n${lines.join('\n')}`,
      en: `Invalid configuration:\n${lines.join('\n')}`,
    });
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`;
  const demoSecrets = e.CONGSO_MODE === 'demo' ? demoSecretsIn(dataDir) : undefined;
  const tokenSecret = e.TOKEN_SECRET ?? demoSecrets!.token;
  const simulator = e.SSO_SIMULATOR ? e.SSO_SIMULATOR === 'on' : !e.OIDC_ISSUER;
  return {
    mode: e.CONGSO_MODE,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseReplica: e.DATABASE_REPLICA_URL ? { url: e.DATABASE_REPLICA_URL, maxLagSeconds: e.DATABASE_REPLICA_MAX_LAG_SECONDS } : undefined,
    publicUrl,
    logLevel: e.LOG_LEVEL,
    s3: e.S3_BUCKET
      ? {
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION ?? 'us-east-1',
          bucket: e.S3_BUCKET,
          accessKeyId: e.S3_ACCESS_KEY_ID!,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
        }
      : undefined,
    oidc: {
      issuer: e.OIDC_ISSUER ?? `${publicUrl}/sso`,
      clientId: e.OIDC_CLIENT_ID ?? 'congso-portal',
      clientSecret: e.OIDC_CLIENT_SECRET ?? demoSecrets!.oidcClient,
      simulator,
    },
    secrets: {
      session: e.SESSION_SECRET ?? demoSecrets!.session,
      token: tokenSecret,
      audit: e.AUDIT_SECRET ?? createHmac('sha256', tokenSecret).update('audit-checkpoints').digest('base64url'),
    },
    tsaUrl: e.TSA_URL ?? (e.CONGSO_MODE === 'demo' ? `${publicUrl}/tsa` : undefined),
    signingP12: e.SIGNING_P12_DIR ? { dir: e.SIGNING_P12_DIR, password: e.SIGNING_P12_PASSWORD ?? '' } : undefined,
    payment:
      e.PAYMENT_URL || e.CONGSO_MODE === 'demo'
        ? {
            url: e.PAYMENT_URL ?? `${publicUrl}/simulators/payment`,
            partnerCode: e.PAYMENT_PARTNER_CODE ?? DEMO_PAYMENT_PARTNER_CODE,
            // A secrets file written before payments existed has no payment key: derive one from the token secret (as the audit key is).
            secret: e.PAYMENT_SECRET ?? demoSecrets!.payment ?? createHmac('sha256', tokenSecret).update('payment-simulator').digest('base64url'),
            returnUrl: `${publicUrl}/thanh-toan/ket-qua`,
            callbackUrl: `${publicUrl}/api/v1/payments/callback`,
            pendingQueryAfterSeconds: e.PAYMENT_PENDING_QUERY_AFTER_SECONDS,
            expiresAfterMinutes: e.PAYMENT_EXPIRES_AFTER_MINUTES,
          }
        : undefined,
    emc:
      e.EMC_URL || e.CONGSO_MODE === 'demo'
        ? {
            url: e.EMC_URL ?? `${publicUrl}/simulators/emc`,
            siteId: e.EMC_SITE_ID ?? DEMO_EMC_SITE_ID,
            // The demo's simulator checks the token it is configured with: derived like the payment key, nothing to keep.
            token: e.EMC_TOKEN ?? createHmac('sha256', tokenSecret).update('emc-simulator').digest('base64url'),
          }
        : undefined,
    gateway:
      e.GATEWAY_URL || e.CONGSO_MODE === 'demo'
        ? {
            url: e.GATEWAY_URL ?? `${publicUrl}/simulators/registry`,
            clientId: e.GATEWAY_CLIENT_ID ?? DEMO_GATEWAY_CLIENT_ID,
            // The demo's simulator is configured with the same derived keys: nothing to keep.
            clientSecret: e.GATEWAY_CLIENT_SECRET ?? createHmac('sha256', tokenSecret).update('gateway-client').digest('base64url'),
            signingKey: e.GATEWAY_SIGNING_KEY ?? createHmac('sha256', tokenSecret).update('gateway-signing').digest('base64url'),
          }
        : undefined,
    vnpost:
      e.VNPOST_URL || e.CONGSO_MODE === 'demo'
        ? {
            url: e.VNPOST_URL ?? `${publicUrl}/simulators/vnpost`,
            clientId: e.VNPOST_CLIENT_ID ?? 'congso-demo',
            // The demo's simulator checks the secret it is configured with: derived like the EMC token, nothing to keep.
            clientSecret: e.VNPOST_CLIENT_SECRET ?? createHmac('sha256', tokenSecret).update('vnpost-simulator').digest('base64url'),
            customerCode: e.VNPOST_CUSTOMER_CODE ?? 'CONGSO-DEMO',
            sender: {
              address: e.VNPOST_SENDER_ADDRESS ?? 'Số 1 Tràng Tiền, phường Hoàn Kiếm, Hà Nội',
              province: e.VNPOST_SENDER_PROVINCE ?? '01',
              tel: e.VNPOST_SENDER_TEL ?? '02438251234',
            },
            statusCodes: e.VNPOST_STATUS_CODES ? (JSON.parse(e.VNPOST_STATUS_CODES) as Record<string, string>) : {},
            feeTable: e.VNPOST_FEE_TABLE ? VnpostFeeTable.parse(JSON.parse(e.VNPOST_FEE_TABLE)) : undefined,
            timeoutMs: e.VNPOST_TIMEOUT_MS,
          }
        : undefined,
    nationalInbound: {
      fileOrigins: e.NATIONAL_PORTAL_FILE_ORIGINS
        ? e.NATIONAL_PORTAL_FILE_ORIGINS.split(',').map((x) => new URL(x.trim()).origin)
        : e.CONGSO_MODE === 'demo'
          ? [new URL(publicUrl).origin]
          : [],
      fileTimeoutMs: 15_000,
      simulator: demoSecrets ? { clientId: DEMO_NATIONAL_PORTAL_CLIENT, clientSecret: demoSecrets.serviceAccount } : undefined,
    },
    edxml: {
      organ: { organId: e.EDXML_ORGAN_ID ?? DEMO_EDXML_ORGAN.organId, organName: e.EDXML_ORGAN_NAME ?? DEMO_EDXML_ORGAN.organName },
      axis:
        e.EDXML_AXIS_URL || e.CONGSO_MODE === 'demo'
          ? {
              url: e.EDXML_AXIS_URL ?? `${publicUrl}/simulators/axis`,
              systemId: e.EDXML_AXIS_SYSTEM_ID ?? `congso-${e.EDXML_ORGAN_ID ?? DEMO_EDXML_ORGAN.organId}`,
              // The demo's simulator checks the secret it is configured with: derived like the EMC token, nothing to keep.
              secret: e.EDXML_AXIS_SECRET ?? createHmac('sha256', tokenSecret).update('edxml-axis').digest('base64url'),
              timeoutMs: e.EDXML_AXIS_TIMEOUT_MS,
            }
          : undefined,
      pollSeconds: e.EDXML_POLL_SECONDS,
      maxBytes: e.EDXML_MAX_BYTES,
      maxAttachmentBytes: e.EDXML_MAX_ATTACHMENT_BYTES,
      inbox: demoSecrets ? { clientId: DEMO_EDXML_CLIENT, clientSecret: lienthongSecret(dataDir, demoSecrets, tokenSecret) } : undefined,
    },
    nationalPortal:
      e.NATIONAL_PORTAL_URL || e.CONGSO_MODE === 'demo'
        ? {
            url: e.NATIONAL_PORTAL_URL ?? `${publicUrl}/simulators/dvcqg`,
            username: e.NATIONAL_PORTAL_USERNAME ?? DEMO_NATIONAL_PORTAL.username,
            // The demo's simulator checks the password it is configured with: derived like the EMC token, nothing to keep.
            password: e.NATIONAL_PORTAL_PASSWORD ?? createHmac('sha256', tokenSecret).update('dvcqg-simulator').digest('base64url'),
            unitCode: e.NATIONAL_PORTAL_UNIT_CODE ?? DEMO_NATIONAL_PORTAL.unitCode,
            dstcode: e.NATIONAL_PORTAL_DSTCODE ?? DEMO_NATIONAL_PORTAL.dstcode,
            timeoutMs: e.NATIONAL_PORTAL_TIMEOUT_MS,
          }
        : undefined,
    http: {
      trustedProxies: e.TRUSTED_PROXIES ? e.TRUSTED_PROXIES.split(',').map((x) => x.trim()) : [],
      secureCookies: e.CONGSO_MODE === 'production' || publicUrl.startsWith('https:'),
      requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
      metricsToken: e.METRICS_TOKEN,
    },
    rateLimits: { signIn: e.RATE_LIMIT_SIGN_IN, verify: e.RATE_LIMIT_VERIFY, public: e.RATE_LIMIT_PUBLIC },
    shutdownGraceMs: Math.round(e.SHUTDOWN_GRACE_SECONDS * 1000),
    clockOffsetMs: e.CLOCK_OFFSET_MS,
    workers: e.WORKERS,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.MAIL_FROM ?? `congso <no-reply@${new URL(publicUrl).hostname}>` } : undefined,
  };
}

interface DemoSecrets {
  session: string;
  token: string;
  oidcClient: string;
  serviceAccount: string;
  /** The payment simulator's key (absent from files written before payments existed). */
  payment?: string;
  /** The EDXML inbox's integrating account `lienthong` (absent from files written before issue 18: added on first read). */
  lienthong?: string;
}

/** Demo mode keeps generated secrets in DATA_DIR so sessions and tokens survive a restart. */
export function demoSecretsIn(dataDir: string): DemoSecrets {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoSecrets;
  mkdirSync(dataDir, { recursive: true });
  const gen = () => randomBytes(32).toString('base64url');
  const s: DemoSecrets = { session: gen(), token: gen(), oidcClient: gen(), serviceAccount: gen(), payment: gen(), lienthong: gen() };
  writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  return s;
}

/**
 * The `lienthong` secret: generated with the file; a file written before issue 18 gets one derived
 * from the token secret (so nodes sharing a copied file agree) and written beside the others.
 */
function lienthongSecret(dataDir: string, s: DemoSecrets, tokenSecret: string): string {
  if (s.lienthong) return s.lienthong;
  const lienthong = createHmac('sha256', tokenSecret).update('lienthong').digest('base64url');
  try {
    writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({ ...s, lienthong }, null, 2), { mode: 0o600 });
  } catch {
    // a read-only DATA_DIR: the derived secret is the same on every read, so nothing is lost by not keeping it
  }
  return lienthong;
}

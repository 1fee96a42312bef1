import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Principal, StaffRole } from '../../src/platform/auth/roles.ts';
import { docxEntries, makeDocx, makeJpeg, makePdf, makePng, makeZip } from '../../src/platform/blobs/testing/fixtures.ts';
import { api, issueToken, startTestApp, type TestApp } from '../helpers.ts';
import { uploadPdf, versionOf } from '../dossier-fixtures.ts';
import { getProcedure } from '../../src/modules/catalog/get-procedure.ts';
import { PROC_X, PROC_Y, UNIT_X, UNIT_Y, procedureFor } from './world.ts';
import { csrfPair, head, rawRequest, send } from './request.ts';

/**
 * Issue 5, part 2: malformed and malicious input. Every case of the REFUSED tables must be
 * answered with a 4xx and a clear error (the JSON error body on /api/, an HTML error page on
 * pages), never a 5xx, and must store nothing. Hostile searches and reflected values are
 * legitimate requests (200, nothing found, shown escaped); hostile values that are rightly
 * stored (e-form answers, drafts, file names made safe) are counted apart and must render escaped.
 */

let t: TestApp;
const tok: Record<string, string> = {};
let citizen: Extract<Principal, { kind: 'citizen' }>;
let submitted: string; // a dossier just filed
let processing: string; // a dossier assigned to the specialist (chuyenvien)
let pdf: Buffer;
const csrf = () => csrfPair(t);

const staff = (role: StaffRole, unit = UNIT_X, who?: { id: string; username: string; name: string }): Principal => ({
  kind: 'staff',
  id: who?.id ?? randomUUID(),
  username: who?.username ?? `sec.${role}`,
  name: who?.name ?? `Cán bộ ${role}`,
  roles: [{ role, unitId: unit }],
});

const validFiling = (over: Record<string, unknown> = {}, form: Record<string, unknown> = {}) => ({
  procedureCode: PROC_X,
  channel: 2,
  form: { tenDoanhNghiep: 'Công ty TNHH An Toàn', maSoThue: '0101234567', ...form },
  components: [{ code: 'T-01', uploadId: uploadFor.citizen }],
  ...over,
});
const uploadFor = { citizen: '' };

beforeAll(async () => {
  t = await startTestApp({ demo: true });
  const admin = await issueToken(t.ctx, staff('administrator', '000.00.00.G12'));
  const imp = await api(t, 'POST', '/api/v1/procedures/import', {
    token: admin,
    body: [procedureFor(PROC_X, UNIT_X, 'Thủ tục an ninh X'), procedureFor(PROC_Y, UNIT_Y, 'Thủ tục an ninh Y')],
  });
  if (imp.status !== 200) throw new Error(`import: ${JSON.stringify(imp.body)}`);
  citizen = { kind: 'citizen', id: randomUUID(), name: 'Lê Thị Kiểm Thử', identifier: '079300000033', citizenKind: 'citizen' };
  const cv = await t.ctx.database.db.selectFrom('staff').select(['id', 'username', 'full_name']).where('username', '=', 'chuyenvien').executeTakeFirstOrThrow();
  Object.assign(tok, {
    citizen: await issueToken(t.ctx, citizen),
    admin,
    auditor: await issueToken(t.ctx, staff('auditor', '000.00.00.G12')),
    receiving: await issueToken(t.ctx, staff('receiving_officer')),
    leader: await issueToken(t.ctx, staff('unit_leader')),
    specialist: await issueToken(t.ctx, staff('specialist', UNIT_X, { id: cv.id, username: cv.username, name: cv.full_name })),
    signer: await issueToken(t.ctx, staff('signing_leader')),
  });
  pdf = await makePdf();
  uploadFor.citizen = await uploadPdf(t, tok.citizen, 'don.pdf');
  const file = async () => {
    const r = await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
      token: tok.citizen,
      body: { ...validFiling(), components: [{ code: 'T-01', uploadId: await uploadPdf(t, tok.citizen) }] },
    });
    if (r.status !== 201) throw new Error(`file: ${JSON.stringify(r.body)}`);
    return r.body.code;
  };
  submitted = await file();
  processing = await file();
  for (const [who, body] of [
    ['receiving', { action: 'receive' }],
    ['leader', { action: 'assign', assignee: 'chuyenvien' }],
  ] as const) {
    const r = await api(t, 'POST', `/api/v1/dossiers/${processing}/actions`, {
      token: tok[who],
      body: { ...body, version: await versionOf(t, tok[who], processing) },
    });
    if (r.status !== 200) throw new Error(`${body.action}: ${JSON.stringify(r.body)}`);
  }
});
afterAll(() => t?.close());

// ─── What "nothing stored" means ────────────────────────────────────────────────────────
const TABLES = [
  'dossiers',
  'dossier_actions',
  'dossier_components',
  'dossier_drafts',
  'dossier_ratings',
  'uploads',
  'results',
  'result_drafts',
  'result_events',
  'notifications',
  'staff',
  'staff_roles',
  'org_units',
  'procedure_versions',
  'calendar_years',
  'calendar_office_hours',
  'audit_log',
  'sessions',
  'citizens',
] as const;
async function snapshot() {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.ctx.database.db)).rows[0].n;
  out.signInFailures = (await sql<{ n: number }>`select coalesce(sum(failures), 0)::int as n from sign_in_failures`.execute(t.ctx.database.db)).rows[0].n;
  const blobs = path.join(t.dataDir, 'blobs');
  out.blobFiles = existsSync(blobs) ? readdirSync(blobs, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length : 0;
  return out;
}

// ─── Sending and judging ────────────────────────────────────────────────────────────────
interface Reply {
  status: number;
  type: string;
  body: string;
  headers?: string;
}
interface Case {
  name: string;
  page?: boolean;
  send(): Promise<Reply>;
}

async function call(
  method: string,
  url: string,
  o: { token?: string; type?: string | null; body?: unknown; headers?: Record<string, string>; page?: boolean } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...o.headers };
  const body = o.body === undefined || typeof o.body === 'string' || o.body instanceof Buffer || o.body instanceof FormData ? o.body : JSON.stringify(o.body);
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.type) headers['content-type'] = o.type;
  else if (o.type === undefined && typeof body === 'string') headers['content-type'] = 'application/json';
  headers.accept ??= o.page ? 'text/html' : 'application/json';
  if (method !== 'GET') Object.assign(headers, { cookie: csrf().cookie, 'x-csrf-token': csrf().token }, o.headers);
  const r = await send(t, method, url, { headers, body: body instanceof Buffer ? new Uint8Array(body) : (body as string | FormData | undefined) });
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: r.utf8 };
}

async function raw(bytes: Buffer | string, body: Buffer | string = ''): Promise<Reply> {
  const r = await rawRequest(t, bytes, body);
  const type = /content-type:\s*([^\r\n]+)/i.exec(r.headers)?.[1] ?? '';
  return { status: r.status, type, body: r.body, headers: r.headers };
}

const PAGE_ERROR = /govuk-error-summary|govuk-error-message|Không tìm thấy|Không thực hiện được yêu cầu|Không có kết quả/;
function judgeRefusal(c: Case, r: Reply): string | null {
  if (r.status < 400 || r.status > 499) return `expected a 4xx, got ${r.status}: ${r.body.slice(0, 200)}`;
  if (c.page) {
    if (!/text\/html/.test(r.type) || !/^<!doctype html>/i.test(r.body)) return `expected an HTML error page, got ${r.type}: ${r.body.slice(0, 120)}`;
    if (!PAGE_ERROR.test(r.body)) return 'the HTML page does not say what went wrong';
    return null;
  }
  let j: { error?: { code?: unknown; message?: unknown; messageEn?: unknown } };
  try {
    j = JSON.parse(r.body);
  } catch {
    return `expected a JSON error body, got ${r.type}: ${r.body.slice(0, 120)}`;
  }
  const e = j.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || !e.message || typeof e.messageEn !== 'string' || !e.messageEn)
    return `error body is not {error:{code,message,messageEn}}: ${r.body.slice(0, 200)}`;
  return null;
}

// ─── The refused inputs ─────────────────────────────────────────────────────────────────
const MiB = 1024 * 1024;
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** Bodies no JSON route may accept: syntax, encoding, structure, size and content type. */
const MALFORMED_BODIES: { name: string; type?: string | null; body: () => string | Buffer; structural?: boolean }[] = [
  { name: 'truncated JSON', body: () => '{"a":' },
  { name: 'trailing comma', body: () => '{"a":1,}' },
  { name: 'single-quoted JSON', body: () => "{'a':1}" },
  { name: 'NaN literal', body: () => '{"a":NaN}' },
  { name: 'JSON with a comment', body: () => '{"a":1 /* x */}' },
  { name: 'bare word', body: () => 'undefined' },
  { name: 'empty body', body: () => '' },
  { name: '__proto__ pollution', body: () => '{"__proto__":{"isAdmin":true}}' },
  { name: 'constructor.prototype pollution', body: () => '{"constructor":{"prototype":{"isAdmin":true}}}' },
  {
    name: 'invalid UTF-8 bytes',
    body: () => Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
  },
  { name: 'UTF-16 body', type: 'application/json; charset=utf-16le', body: () => Buffer.from('{"a":"b"}', 'utf16le') },
  { name: 'object nested 10,000 levels', body: () => deepObject(10_000) },
  { name: 'array nested 100,000 levels', body: () => '['.repeat(100_000) + ']'.repeat(100_000) },
  { name: 'NUL in a value', body: () => '{"a":"x\\u0000y","username":"ad\\u0000min"}' },
  { name: 'NUL in a key', body: () => '{"a\\u0000b":"x"}' },
  { name: 'body over 2 MiB', body: () => JSON.stringify({ a: 'x'.repeat(2.5 * MiB) }) },
  {
    name: 'XML with an external entity',
    type: 'application/xml',
    body: () => '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  },
  { name: 'text/plain', type: 'text/plain', body: () => '{"a":1}' },
  {
    name: 'multipart on a JSON route',
    type: 'multipart/form-data; boundary=x',
    body: () => '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
  },
  { name: 'no content type', type: null, body: () => Buffer.from('{"a":1}') },
  { name: 'form body with invalid UTF-8', type: 'application/x-www-form-urlencoded', body: () => 'a=1&b=%FF%FE' },
  { name: 'JSON array', structural: true, body: () => '[1,2]' },
  { name: 'JSON null', structural: true, body: () => 'null' },
  { name: 'JSON string', structural: true, body: () => '"x"' },
];

const jsonTargets = () => [
  { name: 'sign-in', method: 'POST', url: '/api/v1/auth/login' },
  { name: 'service token', method: 'POST', url: '/api/v1/oauth/token' },
  { name: 'file a dossier', method: 'POST', url: '/api/v1/dossiers', token: tok.citizen },
  { name: 'workflow action', method: 'POST', url: `/api/v1/dossiers/${submitted}/actions`, token: tok.receiving },
  { name: 'rating', method: 'POST', url: `/api/v1/dossiers/${submitted}/rating`, token: tok.citizen },
  { name: 'result draft', method: 'PUT', url: `/api/v1/dossiers/${processing}/result-draft`, token: tok.specialist },
  { name: 'new unit', method: 'POST', url: '/api/v1/units', token: tok.admin },
  { name: 'new official', method: 'POST', url: '/api/v1/staff', token: tok.admin },
  { name: 'staff roles', method: 'PUT', url: '/api/v1/staff/chuyenvien.hcm/roles', token: tok.admin },
  { name: 'calendar year', method: 'PUT', url: '/api/v1/calendar/2031', token: tok.admin },
  { name: 'office hours', method: 'PUT', url: '/api/v1/calendar/office-hours/*', token: tok.admin },
  { name: 'sign results', method: 'POST', url: '/api/v1/results/sign', token: tok.signer },
  { name: 'certify a copy', method: 'POST', url: '/api/v1/results/certified-copies', token: tok.receiving },
  // The import takes any JSON document and validates it itself: structurally valid JSON is its business.
  { name: 'procedure import', method: 'POST', url: '/api/v1/procedures/import', token: tok.admin, anyJson: true },
];

const SQL = ["' OR 1=1 --", '1; DROP TABLE dossiers; --', '" OR ""="', "%' OR '1'='1", '1 UNION SELECT username, password_hash FROM staff --'];
const NUMBERS = ['1e309', '18446744073709551616', '-0', 'NaN', 'Infinity', '-1', '1.5'];
const DATES = ['0000-01-01', '10000-01-01', '2026-02-30', '2026-13-01', '2026-00-10', '2025-02-29', '-2026-01-01', '2026-1-1'];
const XSS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  "'><svg onload=alert(1)>",
  '</textarea><script>alert(document.cookie)</script>',
  '<a href="javascript:alert(1)">bấm vào đây</a>',
];

async function forged(kind: string): Promise<string> {
  const p = { kind: 'staff', id: randomUUID(), username: 'attacker', name: 'Attacker', roles: [{ role: 'administrator', unitId: '000.00.00.G12' }] };
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const good = new TextEncoder().encode(t.config.secrets.token);
  const jwt = (key: Uint8Array, o: { iss?: string; aud?: string; exp?: string | number; nbf?: string | number; alg?: string } = {}) => {
    let s = new SignJWT({ p })
      .setProtectedHeader({ alg: o.alg ?? 'HS256', typ: 'JWT' })
      .setSubject('staff:x')
      .setIssuer(o.iss ?? t.config.publicUrl)
      .setAudience(o.aud ?? 'congso-api')
      .setIssuedAt();
    s = s.setExpirationTime(o.exp ?? '1h');
    if (o.nbf !== undefined) s = s.setNotBefore(o.nbf);
    return s.sign(key);
  };
  switch (kind) {
    case 'alg none':
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ p, sub: 'staff:x', iss: t.config.publicUrl, aud: 'congso-api', exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    case 'alg none with a signature':
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ p, sub: 'staff:x', iss: t.config.publicUrl, aud: 'congso-api', exp: Math.floor(Date.now() / 1000) + 3600 })}.c2ln`;
    case 'signed with another secret':
      return jwt(new TextEncoder().encode('not-the-server-secret-but-32-characters-long'));
    case 'signed with an empty key':
      return jwt(new Uint8Array(0)).catch(() => jwt(new TextEncoder().encode('x')));
    case 'HS512 with the right secret':
      return jwt(good, { alg: 'HS512' });
    case 'expired':
      return jwt(good, { exp: Math.floor(Date.now() / 1000) - 60 });
    case 'not valid yet':
      return jwt(good, { nbf: Math.floor(Date.now() / 1000) + 3600 });
    case 'wrong issuer':
      return jwt(good, { iss: 'https://evil.example' });
    case 'wrong audience':
      return jwt(good, { aud: 'another-api' });
    case 'payload tampered after signing': {
      const [h, , s] = (await issueToken(t.ctx, citizen)).split('.');
      return `${h}.${b64({ p, sub: 'staff:x', iss: t.config.publicUrl, aud: 'congso-api', exp: Math.floor(Date.now() / 1000) + 3600 })}.${s}`;
    }
    case 'signature stripped':
      return (await issueToken(t.ctx, citizen)).split('.').slice(0, 2).join('.') + '.';
    case 'four segments':
      return `${await issueToken(t.ctx, citizen)}.AAAA`;
    case 'garbage':
      return 'not-a-jwt';
    case 'RS256 header on an HMAC token': {
      const [, body, sig] = (await issueToken(t.ctx, citizen)).split('.');
      return `${b64({ alg: 'RS256', typ: 'JWT' })}.${body}.${sig}`;
    }
    case 'kid path injection':
      return new SignJWT({ p })
        .setProtectedHeader({ alg: 'HS256', kid: '../../../../dev/null' })
        .setIssuer(t.config.publicUrl)
        .setAudience('congso-api')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('x'.repeat(32)));
    default:
      throw new Error(kind);
  }
}
const JWTS = [
  'alg none',
  'alg none with a signature',
  'signed with another secret',
  'signed with an empty key',
  'HS512 with the right secret',
  'expired',
  'not valid yet',
  'wrong issuer',
  'wrong audience',
  'payload tampered after signing',
  'signature stripped',
  'four segments',
  'garbage',
  'RS256 header on an HMAC token',
  'kid path injection',
];

function multipart(parts: ({ field: string; value: string } | { field: string; bytes: Uint8Array; name: string; type?: string })[]): FormData {
  const fd = new FormData();
  for (const p of parts) {
    if ('value' in p) fd.append(p.field, p.value);
    else fd.append(p.field, new Blob([new Uint8Array(p.bytes)], { type: p.type ?? 'application/octet-stream' }), p.name);
  }
  return fd;
}
const uploadCase = (name: string, parts: Parameters<typeof multipart>[0]): Case => ({
  name: `upload: ${name}`,
  send: () => call('POST', '/api/v1/uploads', { token: tok.citizen, type: null, body: multipart(parts) }),
});
const file = (bytes: () => Uint8Array | Buffer, fileName: string) => [{ field: 'file', bytes: bytes(), name: fileName }];

function refusedCases(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, send: () => Promise<Reply>, page = false) => cases.push({ name, send, page });

  // Bodies: every malformed body on every JSON route.
  for (const target of jsonTargets()) {
    for (const m of MALFORMED_BODIES) {
      if (target.anyJson && m.structural) continue;
      add(`${target.name}: ${m.name}`, () =>
        call(target.method, target.url, { token: target.token, type: m.type === undefined ? 'application/json' : m.type, body: m.body() }),
      );
    }
  }
  // Form bodies on pages: invalid UTF-8, NUL, oversized.
  for (const [name, body] of [
    ['invalid UTF-8', 'reason=%C3%28%FF'],
    ['NUL', 'reason=R%C3%BAt%00h%E1%BB%93+s%C6%A1'],
    ['over 256 KiB', `reason=${'x'.repeat(300 * 1024)}`],
  ] as const) {
    // With the right version, so that what is refused is the body, not a stale page.
    add(
      `withdraw form: ${name}`,
      async () =>
        call('POST', `/ho-so-cua-toi/${submitted}/rut`, {
          token: tok.citizen,
          type: 'application/x-www-form-urlencoded',
          body: `version=${await versionOf(t, tok.citizen, submitted)}&${body}`,
          page: true,
        }),
      true,
    );
    add(
      `office action form: ${name}`,
      async () =>
        call('POST', `/can-bo/ho-so/${submitted}/thao-tac`, {
          token: tok.receiving,
          type: 'application/x-www-form-urlencoded',
          body: `action=refuse&version=${await versionOf(t, tok.receiving, submitted)}&${body}`,
          page: true,
        }),
      true,
    );
  }

  // IDs: SQL metacharacters, traversal, NUL, invalid UTF-8, overlong, in every kind of object id.
  const ids = [...SQL, '../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', 'x%00y', '%FF%FE', '%C0%AE%C0%AE', 'A'.repeat(300)];
  const idRoutes: { name: string; url: (id: string) => string; token?: string; page?: boolean }[] = [
    { name: 'dossier', url: (id) => `/api/v1/dossiers/${id}`, token: tok.citizen },
    { name: 'dossier log', url: (id) => `/api/v1/dossiers/${id}/actions`, token: tok.receiving },
    { name: 'public tracking', url: (id) => `/api/v1/public/dossiers/${id}` },
    { name: 'public result', url: (id) => `/api/v1/public/results/${id}` },
    { name: 'result file', url: (id) => `/api/v1/results/${id}/pdf`, token: tok.citizen },
    { name: 'procedure', url: (id) => `/api/v1/procedures/${id}` },
    { name: 'upload', url: (id) => `/api/v1/uploads/${id}`, token: tok.citizen },
    { name: 'notification', url: (id) => `/api/v1/notifications/${id}`, token: tok.admin },
    { name: 'tracking page', url: (id) => `/tra-cuu/${id}`, page: true },
    { name: 'verification page', url: (id) => `/verify/${id}`, page: true },
    { name: 'office dossier page', url: (id) => `/can-bo/ho-so/${id}`, token: tok.receiving, page: true },
    { name: 'my dossier page', url: (id) => `/ho-so-cua-toi/${id}`, token: tok.citizen, page: true },
  ];
  for (const r of idRoutes) {
    for (const id of ids) {
      const enc = /%|\.\.\//.test(id) ? id : encodeURIComponent(id);
      add(`${r.name} id ${JSON.stringify(id.slice(0, 40))}`, () => call('GET', r.url(enc), { token: r.token, page: r.page }), r.page);
    }
  }

  // Numbers: huge, negative zero, NaN, in queries, paths and JSON.
  const numberTargets: { name: string; url: (n: string) => string; token?: string; page?: boolean }[] = [
    { name: 'my dossiers page=', url: (n) => `/api/v1/dossiers?page=${n}`, token: tok.citizen },
    { name: 'queue pageSize=', url: (n) => `/api/v1/dossiers?pageSize=${n}`, token: tok.receiving },
    { name: 'catalogue page=', url: (n) => `/api/v1/procedures?page=${n}` },
    { name: 'procedure version=', url: (n) => `/api/v1/procedures/${PROC_X}?version=${n}` },
    { name: 'calendar year', url: (n) => `/api/v1/calendar/${n}` },
    { name: 'audit before=', url: (n) => `/api/v1/audit?before=${n}`, token: tok.auditor },
    { name: 'due date workingDays=', url: (n) => `/api/v1/calendar/due-date?from=2026-03-02&workingDays=${n}` },
    { name: 'due date workingHours=', url: (n) => `/api/v1/calendar/due-date?from=2026-03-02&workingHours=${n}` },
    { name: 'my dossiers page (HTML) page=', url: (n) => `/ho-so-cua-toi?page=${n}`, token: tok.citizen, page: true },
    { name: 'office queue page=', url: (n) => `/can-bo/ho-so?page=${n}`, token: tok.receiving, page: true },
    { name: 'audit page before=', url: (n) => `/can-bo/nhat-ky?before=${n}`, token: tok.auditor, page: true },
  ];
  for (const target of numberTargets) {
    // Working days may be fractions (0.5 rounds up): 1.5 is a valid answer there.
    for (const n of NUMBERS)
      if (!(target.name.startsWith('due date') && n === '1.5'))
        add(`${target.name}${n}`, () => call('GET', target.url(n), { token: target.token, page: target.page }), target.page);
  }
  for (const n of ['1e309', '18446744073709551616', '-1', '1.5', '"NaN"', '"5"', '6']) {
    add(`rating score ${n}`, () =>
      call('POST', `/api/v1/dossiers/${submitted}/rating`, { token: tok.citizen, body: `{"scores":{"timeliness":${n},"attitude":5,"guidance":5,"result":5}}` }),
    );
  }
  for (const n of ['1e309', '18446744073709551616', '-1', '1.5', '"NaN"', '"5"', '-1e-7']) {
    add(`e-form soLuong ${n} in a complete filing`, () =>
      call('POST', '/api/v1/dossiers', { token: tok.citizen, body: JSON.stringify(validFiling()).replace('"form":{', `"form":{"soLuong":${n},`) }),
    );
  }
  for (const n of ['18446744073709551616', '2.5', '-2', '"2"', '1e309'])
    add(`filing channel ${n}`, () =>
      call('POST', '/api/v1/dossiers', { token: tok.citizen, body: JSON.stringify(validFiling()).replace('"channel":2', `"channel":${n}`) }),
    );

  // Dates out of range or impossible.
  for (const d of DATES) {
    add(`due date from=${d}`, () => call('GET', `/api/v1/calendar/due-date?from=${d}&workingDays=3`));
    add(`register from=${d}`, () => call('GET', `/api/v1/registers/${UNIT_X}?from=${d}&to=${d}`, { token: tok.receiving }));
    // The e-form's own JSON Schema decides its date range ("format": "date" allows year 0000).
    if (d !== '0000-01-01')
      add(`e-form ngayCap ${d} in a complete filing`, () => call('POST', '/api/v1/dossiers', { token: tok.citizen, body: validFiling({}, { ngayCap: d }) }));
    add(`apology newDueDate ${d}`, async () =>
      call('POST', `/api/v1/dossiers/${processing}/actions`, {
        token: tok.leader,
        body: { action: 'apologise', reason: 'Cần thêm thời gian thẩm định', newDueDate: d, version: await versionOf(t, tok.leader, processing) },
      }),
    );
    add(`result draft validUntil ${d}`, () =>
      call('PUT', `/api/v1/dossiers/${processing}/result-draft`, {
        token: tok.specialist,
        body: { kind: 'certificate', documentName: 'Giấy xác nhận', fields: [{ label: 'Phạm vi', value: 'Thử' }], validUntil: d },
      }),
    );
    add(`calendar day off ${d}`, () => call('PUT', '/api/v1/calendar/2030', { token: tok.admin, body: { daysOff: [d], makeUpWorkingDays: [] } }));
  }
  add('register from year 0 to year 0', () => call('GET', `/api/v1/registers/${UNIT_X}?from=0000-01-01&to=0000-12-31`, { token: tok.receiving }));
  add('register ending in year 10000', () => call('GET', `/api/v1/registers/${UNIT_X}?from=9999-12-31&to=10000-01-01`, { token: tok.receiving }));

  // Very long strings.
  const long = (n: number) => 'Đ'.repeat(n);
  add('sign-in: 100,000-character username', () => call('POST', '/api/v1/auth/login', { body: JSON.stringify({ username: long(100_000), password: 'x' }) }));
  add('catalogue: 10,000-character search', () => call('GET', `/api/v1/procedures?q=${encodeURIComponent(long(10_000))}`));
  add(
    'queue: 2,000-character search (HTML)',
    () => call('GET', `/can-bo/ho-so?q=${encodeURIComponent(long(2_000))}`, { token: tok.receiving, page: true }),
    true,
  );
  add('tracking: 5,000-character code', () => call('GET', `/tra-cuu?ma=${'A'.repeat(5000)}`, { page: true }), true);
  add('e-form tenDoanhNghiep of 201 characters in a complete filing', () =>
    call('POST', '/api/v1/dossiers', { token: tok.citizen, body: validFiling({}, { tenDoanhNghiep: 'A'.repeat(201) }) }),
  );
  add('e-form ghiChu of 1 MiB in a complete filing', () =>
    call('POST', '/api/v1/dossiers', { token: tok.citizen, body: validFiling({}, { ghiChu: 'x'.repeat(MiB) }) }),
  );
  add('withdraw reason of 5,000 characters', async () =>
    call('POST', `/api/v1/dossiers/${submitted}/actions`, {
      token: tok.citizen,
      body: { action: 'withdraw', reason: 'x'.repeat(5000), version: await versionOf(t, tok.citizen, submitted) },
    }),
  );
  add('applicant name of 1,000 characters at the counter', () =>
    call('POST', '/api/v1/dossiers', {
      token: tok.receiving,
      body: validFiling({ channel: 1, applicant: { name: 'N'.repeat(1000), identifier: '079300000099' }, components: [] }),
    }),
  );
  add('new unit name of 10,000 characters', () =>
    call('POST', '/api/v1/units', { token: tok.admin, body: { id: '000.99.00.G12', parentId: '000.00.00.G12', kind: 'department', name: 'N'.repeat(10_000) } }),
  );
  add('request header of 100 KB', () => raw(head(t, 'GET', '/api/v1/procedures', { 'x-padding': 'a'.repeat(100_000) })));
  add('URL of 100 KB', () => raw(head(t, 'GET', `/api/v1/procedures?q=${'a'.repeat(100_000)}`)));

  // Raw HTTP: header injection, invalid bytes in the request line, smuggling.
  add('CR inside a header value', () => raw(`GET /api/v1/procedures HTTP/1.1\r\nhost: x\r\nx-a: b\rInjected: 1\r\nconnection: close\r\n\r\n`));
  add('LF inside a header value', () =>
    raw(`GET /api/v1/procedures HTTP/1.1\r\nhost: x\r\nidempotency-key: abcdefgh\nx-injected: 1\r\nconnection: close\r\n\r\n`),
  );
  add('NUL inside a header value', () => raw(`GET /api/v1/procedures HTTP/1.1\r\nhost: x\r\nx-a: b\0c\r\nconnection: close\r\n\r\n`));
  add('space in a header name', () => raw(`GET /api/v1/procedures HTTP/1.1\r\nhost: x\r\nx a: b\r\nconnection: close\r\n\r\n`));
  add('Content-Length and Transfer-Encoding together', () =>
    raw(
      `POST /api/v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n0\r\n\r\n`,
    ),
  );
  add('two Content-Length headers', () =>
    raw(
      `POST /api/v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\ncontent-length: 5\r\nconnection: close\r\n\r\n{}`,
    ),
  );
  add('raw 0xFF bytes in the path', () => raw(head(t, 'GET', Buffer.concat([Buffer.from('/api/v1/procedures/'), Buffer.from([0xff, 0xfe])]))));
  add('raw CR LF in the path', () => raw(`GET /api/v1/procedures/x\r\nSet-Cookie: a=b HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`));
  add('garbage request line', () => raw('GARBAGE\r\n\r\n'));
  add('percent-encoded invalid UTF-8 in the query', () => call('GET', '/api/v1/procedures?q=%C3%28%FF'));
  add('percent-encoded invalid UTF-8 in the query (HTML)', () => call('GET', '/thu-tuc?q=%E0%A4%A', { page: true }), true);
  add('percent-encoded NUL in the query', () => call('GET', '/api/v1/procedures?q=a%00b'));
  add('percent-encoded NUL in the query (HTML)', () => call('GET', '/thu-tuc?q=a%00b', { page: true }), true);
  add('percent-encoded NUL in a staff search', () => call('GET', '/api/v1/dossiers?q=%00', { token: tok.receiving }));
  add('service token: Basic credentials that are not percent-encoding', () =>
    call('POST', '/api/v1/oauth/token', {
      headers: { authorization: `Basic ${Buffer.from('%E0%A4%A:%zz').toString('base64')}` },
      body: { grant_type: 'client_credentials' },
    }),
  );
  add('service token: Basic credentials that are not UTF-8', () =>
    call('POST', '/api/v1/oauth/token', {
      headers: { authorization: `Basic ${Buffer.from([0xff, 0x3a, 0xfe]).toString('base64')}` },
      body: { grant_type: 'client_credentials' },
    }),
  );

  // Idempotency-Key values the filing API must refuse (with an otherwise valid filing).
  for (const [name, key] of [
    ['one character', 'a'],
    ['201 characters', 'k'.repeat(201)],
    ['10,000 characters', 'k'.repeat(10_000)],
    ['blank', '        '],
    ['latin-1 letters, too short', 'ééé'],
  ] as const) {
    add(`Idempotency-Key: ${name}`, () =>
      call('POST', '/api/v1/dossiers', { token: tok.citizen, headers: { 'idempotency-key': key }, body: JSON.stringify(validFiling()) }),
    );
  }
  add('Idempotency-Key with CR LF', () =>
    raw(
      head(t, 'POST', '/api/v1/dossiers', {
        authorization: `Bearer ${tok.citizen}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(JSON.stringify(validFiling())),
        'idempotency-key': 'abcdefgh\r\nx-evil: 1\rz',
      }),
      JSON.stringify(validFiling()),
    ),
  );
  add('Idempotency-Key with control characters', () =>
    raw(
      head(t, 'POST', '/api/v1/dossiers', {
        authorization: `Bearer ${tok.citizen}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(JSON.stringify(validFiling())),
        'idempotency-key': 'abc\x01\x02\x7fdefgh',
      }),
      JSON.stringify(validFiling()),
    ),
  );

  // Bearer tokens: forged, expired, malformed; on a protected route, a public one, and a filing.
  for (const kind of JWTS) {
    add(`JWT ${kind}: GET /api/v1/me`, async () => call('GET', '/api/v1/me', { token: await forged(kind) }));
    add(`JWT ${kind}: public catalogue`, async () => call('GET', '/api/v1/procedures', { token: await forged(kind) }));
    add(`JWT ${kind}: file a dossier`, async () => call('POST', '/api/v1/dossiers', { token: await forged(kind), body: JSON.stringify(validFiling()) }));
  }
  for (const [name, value] of [
    ['empty Bearer', 'Bearer '],
    ['Bearer null', 'Bearer null'],
    ['lower-case bearer', 'bearer abc.def.ghi'],
    ['Bearer of 8 KB', `Bearer ${'A'.repeat(8000)}`],
  ] as const) {
    add(`Authorization: ${name}`, () => call('GET', '/api/v1/me', { headers: { authorization: value } }));
  }

  // Uploads: polyglots, damaged files, active content, disguised names, malformed multipart.
  const html = Buffer.from('<html><body><script>alert(1)</script></body></html>');
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  const gifJs = Buffer.from('GIF89a/*\x00\x00\x00\x00*/=1;alert(document.domain);//', 'latin1');
  const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(200)]);
  const png = makePng();
  const jpeg = makeJpeg();
  const p = () => pdf;
  for (const [name, bytes, fileName] of [
    ['PDF+HTML polyglot', () => Buffer.concat([pdf.subarray(0, 15), Buffer.from('\n%<html><script>alert(1)</script>\n'), pdf.subarray(15)]), 'a.pdf'],
    ['HTML then a PDF', () => Buffer.concat([html, pdf]), 'a.pdf'],
    ['PDF+ZIP polyglot', () => Buffer.concat([pdf, makeDocx()]), 'a.pdf'],
    ['ZIP+PDF polyglot', () => Buffer.concat([makeDocx(), pdf]), 'a.docx'],
    ['GIF/JavaScript polyglot named .gif', () => gifJs, 'a.gif'],
    ['GIF/JavaScript polyglot named .png', () => gifJs, 'a.png'],
    ['PNG with HTML appended', () => Buffer.concat([png, html]), 'a.png'],
    ['JPEG with an HTML comment', () => makeJpeg({ comment: '<html><script>alert(1)</script>' }), 'a.jpg'],
    ['JPEG with a ZIP appended', () => Buffer.concat([jpeg, makeDocx()]), 'a.jpg'],
    ['SVG with a script', () => svg, 'a.svg'],
    ['SVG with a script named .png', () => svg, 'a.png'],
    ['HTML named .pdf', () => html, 'a.pdf'],
    ['JavaScript named .pdf', () => Buffer.from('alert(1)'), 'a.pdf'],
    ['Windows executable named .pdf', () => exe, 'a.pdf'],
    ['truncated PDF', () => pdf.subarray(0, Math.floor(pdf.length / 2)), 'a.pdf'],
    ['PDF without its end', () => pdf.subarray(0, pdf.length - 30), 'a.pdf'],
    ['PDF header only', () => Buffer.from('%PDF-1.7\n'), 'a.pdf'],
    ['truncated PNG', () => png.subarray(0, png.length - 12), 'a.png'],
    ['PNG signature only', () => png.subarray(0, 8), 'a.png'],
    ['truncated JPEG', () => jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'a.jpg'],
    ['JPEG start marker only', () => Buffer.from([0xff, 0xd8, 0xff]), 'a.jpg'],
    ['DOCX with macros', () => makeZip([...docxEntries(), { name: 'word/vbaProject.bin', data: Buffer.from([0xd0, 0xcf, 0x11, 0xe0]) }]), 'a.docx'],
    ['ZIP entry with a traversal path', () => makeZip([...docxEntries(), { name: '../../evil.sh', data: 'rm -rf /' }]), 'a.docx'],
    ['empty file', () => Buffer.alloc(0), 'a.pdf'],
    ['a PDF named .png', p, 'a.png'],
    ['a PNG named .pdf', () => png, 'a.pdf'],
  ] as const)
    cases.push(uploadCase(name, file(bytes, fileName)));
  for (const [name, fileName] of [
    ['RTL override disguising .exe', 'invoice\u202Efdp.exe'],
    ['NUL before .exe', 'a.pdf\u0000.exe'],
    ['one-dot-leader before .exe', 'a.pdf\u2024exe'],
    ['zero-width space before .exe', 'a.pdf\u200B.exe'],
    ['full-width .exe', 'ｅｖｉｌ．ｅｘｅ'],
    ['traversal without an extension', '../../etc/passwd'],
    ['Windows traversal without an extension', '..\\..\\windows\\win.ini'],
    ['Windows device name', 'CON'],
    ['empty name', ''],
    ['only dots', '...'],
  ] as const)
    cases.push(uploadCase(`name ${name}`, file(p, fileName)));
  cases.push(
    uploadCase(
      'file over 20 MiB',
      file(() => Buffer.concat([pdf.subarray(0, 9), Buffer.alloc(21 * MiB, 0x20)]), 'big.pdf'),
    ),
  );
  cases.push(uploadCase('no file part', [{ field: 'fileName', value: 'a.pdf' }]));
  cases.push(uploadCase('two files', [...file(p, 'a.pdf'), ...file(p, 'b.pdf')]));
  cases.push(uploadCase('file field not named "file"', [{ field: 'upload', bytes: pdf, name: 'a.pdf' }]));
  cases.push(uploadCase('fileName field of 300 characters', [{ field: 'fileName', value: `${'a'.repeat(296)}.pdf` }, ...file(p, 'a.pdf')]));
  cases.push(uploadCase('unknown field', [{ field: 'x', value: '1' }, ...file(p, 'a.pdf')]));
  cases.push(uploadCase('fileName field twice', [{ field: 'fileName', value: 'a.pdf' }, { field: 'fileName', value: 'b.pdf' }, ...file(p, 'a.pdf')]));
  add('upload: JSON instead of multipart', () => call('POST', '/api/v1/uploads', { token: tok.citizen, body: '{"file":"JVBERi0="}' }));
  add('upload: multipart without a boundary', () => call('POST', '/api/v1/uploads', { token: tok.citizen, type: 'multipart/form-data', body: '--x\r\n\r\n' }));
  add('upload: truncated multipart', () =>
    call('POST', '/api/v1/uploads', {
      token: tok.citizen,
      type: 'multipart/form-data; boundary=xyz',
      body: Buffer.concat([
        Buffer.from('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n'),
        pdf.subarray(0, 100),
      ]),
    }),
  );
  add('upload: boundary that never appears', () =>
    call('POST', '/api/v1/uploads', {
      token: tok.citizen,
      type: 'multipart/form-data; boundary=nope',
      body: Buffer.concat([Buffer.from('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'), pdf, Buffer.from('\r\n--xyz--\r\n')]),
    }),
  );
  add(
    'certified copy page: a file part with an empty name',
    () =>
      call('POST', `/can-bo/ho-so/${submitted}/chung-thuc`, {
        token: tok.receiving,
        type: null,
        body: multipart([
          { field: 'documentName', value: 'Giấy phép kinh doanh' },
          { field: 'file', bytes: pdf, name: '' },
        ]),
        page: true,
      }),
    true,
  );
  add(
    'certified copy page: HTML named .pdf',
    () =>
      call('POST', `/can-bo/ho-so/${submitted}/chung-thuc`, {
        token: tok.receiving,
        type: null,
        body: multipart([
          { field: 'documentName', value: 'Giấy phép kinh doanh' },
          { field: 'file', bytes: html, name: 'a.pdf' },
        ]),
        page: true,
      }),
    true,
  );
  add(
    'verification page: a file part with an empty name',
    () => call('POST', '/xac-minh', { type: null, body: multipart([{ field: 'file', bytes: html, name: '' }]), page: true }),
    true,
  );
  add(
    'verification page: a polyglot PDF',
    () => call('POST', '/xac-minh', { type: null, body: multipart([{ field: 'file', bytes: Buffer.concat([pdf, makeDocx()]), name: 'a.pdf' }]), page: true }),
    true,
  );
  add('verification: a polyglot PDF', () => call('POST', '/api/v1/public/results/verify', { type: 'application/pdf', body: Buffer.concat([pdf, makeDocx()]) }));
  add('verification: HTML sent as a PDF', () => call('POST', '/api/v1/public/results/verify', { type: 'application/pdf', body: html }));

  // Script in e-form fields that cannot hold it (pattern, format, number): refused with the field named.
  for (const field of ['maSoThue', 'email', 'ngayCap', 'soLuong']) {
    for (const x of XSS) add(`e-form ${field} = ${x}`, () => call('POST', '/api/v1/dossiers', { token: tok.citizen, body: validFiling({}, { [field]: x }) }));
  }
  return cases;
}

describe('malformed and malicious input', () => {
  it('is refused with a 4xx and a clear error, never a 5xx, and nothing is stored', async () => {
    const cases = refusedCases();
    const before = await snapshot();
    const failures: string[] = [];
    for (const c of cases) {
      let r: Reply;
      try {
        r = await c.send();
      } catch (e) {
        failures.push(`${c.name}: request failed: ${(e as Error).message}`);
        continue;
      }
      const why = judgeRefusal(c, r);
      if (why) failures.push(`${c.name}: ${why}`);
    }
    const after = await snapshot();
    expect(failures, failures.join('\n')).toEqual([]);
    expect(after, 'refused requests changed what is stored').toEqual(before);
    expect(cases.length).toBeGreaterThanOrEqual(200);
    console.info(`security: ${cases.length} malicious inputs tried, all 4xx, nothing stored`);
  }, 300_000);
});

// ─── Hostile values that are legitimate requests ─────────────────────────────────────────
/** The ways a renderer may escape a value for HTML text or a quoted attribute (preact leaves `>` alone). */
const escapings = (s: string) => {
  const base = s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return [base.replace(/"/g, '&quot;'), base.replace(/>/g, '&gt;').replace(/"/g, '&quot;'), base.replace(/>/g, '&gt;'), base];
};
/** Whether a value could become markup if a page printed it as is. */
const markup = (s: string) => /<[a-z/!]/i.test(s) || (/"/.test(s) && /[<>=]/.test(s));
/** Why a page that shows `value` is unsafe: the value as markup, or a script URL in an attribute. */
function unsafeRendering(html: string, value: string, mustShow: boolean): string | null {
  if (markup(value) && html.includes(value)) return `shows ${JSON.stringify(value)} unescaped`;
  if (/\s(href|src|action|formaction|srcdoc)\s*=\s*["']?\s*javascript:/i.test(html)) return 'has a javascript: URL in an attribute';
  if (/<script(?![^>]*\ssrc=)[\s>]/i.test(html)) return 'has an inline <script>';
  if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(html)) return 'has an event-handler attribute';
  if (mustShow && !escapings(value).some((e) => html.includes(e))) return `does not show ${JSON.stringify(value)} (escaped) at all`;
  return null;
}

describe('the rendering judge', () => {
  it('flags markup printed as is and accepts it escaped (so the checks below cannot pass vacuously)', () => {
    for (const x of XSS.filter(markup)) {
      expect(unsafeRendering(`<p>${x}</p>`, x, true), x).not.toBeNull();
      expect(unsafeRendering(`<p>${escapings(x)[0]}</p><input value="${escapings(x)[0]}"/>`, x, true), x).toBeNull();
    }
    expect(unsafeRendering('<a href="javascript:alert(1)">x</a>', 'javascript:alert(1)', true)).not.toBeNull();
    expect(unsafeRendering('<p>nothing</p>', '<b>', true)).not.toBeNull();
  });
});

describe('hostile searches and reflected values', () => {
  it('are answered without error, find nothing and are shown escaped', async () => {
    const targets: { name: string; url: (v: string) => string; token?: string; page?: boolean; shows?: boolean }[] = [
      { name: 'catalogue API', url: (v) => `/api/v1/procedures?q=${encodeURIComponent(v)}` },
      { name: 'my dossiers API', url: (v) => `/api/v1/dossiers?q=${encodeURIComponent(v)}`, token: tok.citizen },
      { name: 'work queue API', url: (v) => `/api/v1/dossiers?queue=all&q=${encodeURIComponent(v)}`, token: tok.receiving },
      { name: 'outbox API', url: (v) => `/api/v1/notifications?dossierCode=${encodeURIComponent(v)}`, token: tok.admin },
      { name: 'catalogue page', url: (v) => `/thu-tuc?q=${encodeURIComponent(v)}`, page: true, shows: true },
      { name: 'office queue page', url: (v) => `/can-bo/ho-so?queue=all&q=${encodeURIComponent(v)}`, token: tok.receiving, page: true, shows: true },
      { name: 'office catalogue page', url: (v) => `/can-bo/thu-tuc?q=${encodeURIComponent(v)}`, token: tok.receiving, page: true, shows: true },
      { name: 'counter search page', url: (v) => `/can-bo/tiep-nhan?q=${encodeURIComponent(v)}`, token: tok.receiving, page: true, shows: true },
      { name: 'outbox page', url: (v) => `/can-bo/hop-thu?dossierCode=${encodeURIComponent(v)}`, token: tok.admin, page: true },
      { name: 'tracking page', url: (v) => `/tra-cuu?ma=${encodeURIComponent(v)}`, page: true, shows: true },
      { name: 'sign-in next=', url: (v) => `/dang-nhap?next=${encodeURIComponent(v)}`, page: true },
      { name: 'office sign-in next=', url: (v) => `/can-bo/dang-nhap?next=${encodeURIComponent(v)}`, page: true },
    ];
    // Injection attempts must find nothing; bare metacharacters (which fold to little or nothing)
    // may list what an empty search lists, never more than the caller may see.
    const hostile = new Set([...SQL, ...XSS]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as typed
    const values = [...hostile, '%', '_', '\\', '*', "'", '"', '--', '/*', '$1', '${7*7}', '{{7*7}}', 'đ%_'];
    const before = await snapshot();
    const failures: string[] = [];
    let n = 0;
    for (const target of targets) {
      const all = target.page ? 0 : (JSON.parse((await call('GET', target.url(''), { token: target.token })).body) as { total: number }).total;
      for (const v of values) {
        n++;
        const r = await call('GET', target.url(v), { token: target.token, page: target.page });
        const name = `${target.name} ${JSON.stringify(v)}`;
        if (r.status >= 500 || (r.status !== 200 && r.status !== 404)) {
          failures.push(`${name}: ${r.status} ${r.body.slice(0, 160)}`);
          continue;
        }
        if (!target.page) {
          const body = JSON.parse(r.body) as { total?: number; items?: unknown[] };
          if (hostile.has(v) ? body.total !== 0 || body.items?.length : !(Number(body.total) <= all)) failures.push(`${name}: found ${body.total} of ${all}`);
          continue;
        }
        const why = unsafeRendering(r.body, v, Boolean(target.shows));
        if (why) failures.push(`${name}: the page ${why}`);
        if (/set-cookie:\s*a=/i.test(r.body)) failures.push(`${name}: header injection`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(await snapshot()).toEqual(before);
    console.info(`security: ${n} hostile searches and reflected values answered without error, nothing found, shown escaped, nothing stored`);
  }, 600_000);
});

// ─── Hostile values that are rightly stored ─────────────────────────────────────────────
describe('hostile values that are stored', () => {
  it('render escaped wherever they are shown back (e-form answers, drafts, reasons, result drafts) and file names are made safe', async () => {
    const failures: string[] = [];
    let stored = 0;
    let renders = 0;
    const page = (url: string, token: string) => call('GET', url, { token, page: true });
    const check = async (what: string, url: string, token: string, value: string, mustShow = true) => {
      renders++;
      const r = await page(url, token);
      if (r.status !== 200) return failures.push(`${what}: ${url} answered ${r.status}`);
      const why = unsafeRendering(r.body, value, mustShow);
      if (why) failures.push(`${what}: ${url} ${why}`);
    };

    // Every e-form field of the procedure, as a draft the applicant saves: stored as typed, shown back in the form.
    const fields = Object.keys(((await getProcedure(t.ctx, PROC_X)).eForm as { properties?: object } | null)?.properties ?? {});
    expect(fields.length).toBeGreaterThanOrEqual(8);
    for (const field of fields) {
      for (const x of XSS) {
        const fd = multipart([
          { field: 'intent', value: 'save' },
          { field: 'f.tenDoanhNghiep', value: 'Công ty Nháp' },
          { field: `f.${field}`, value: x },
        ]);
        const r = await call('POST', `/nop-ho-so/${PROC_X}`, { token: tok.citizen, type: null, body: fd, page: true });
        if (r.status !== 303) {
          failures.push(`draft ${field} = ${x}: ${r.status} ${r.body.slice(0, 120)}`);
          continue;
        }
        stored++;
        const draft = await t.ctx.database.db
          .selectFrom('dossier_drafts')
          .select('form')
          .where('owner_citizen_id', '=', citizen.id)
          .where('procedure_code', '=', PROC_X)
          .executeTakeFirstOrThrow();
        if ((draft.form as Record<string, unknown>)[field] !== x)
          failures.push(`draft ${field}: stored ${JSON.stringify((draft.form as Record<string, unknown>)[field])}, not what was typed`);
        await check(`draft ${field}`, `/nop-ho-so/${PROC_X}`, tok.citizen, x);
        await check(`draft review ${field}`, `/nop-ho-so/${PROC_X}/xem-lai`, tok.citizen, x);
      }
    }

    // Filed dossiers whose every free-text answer is hostile, withdrawn with a hostile reason: the applicant's and the officials' pages.
    const freeText = fields.filter((f) => ['tenDoanhNghiep', 'diaChi', 'ghiChu', 'website'].includes(f));
    for (const x of XSS) {
      const form = Object.fromEntries(freeText.map((f) => [f, x]));
      const r = await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
        token: tok.citizen,
        body: { ...validFiling({}, form), components: [{ code: 'T-01', uploadId: await uploadPdf(t, tok.citizen) }] },
      });
      if (r.status !== 201) {
        failures.push(`filing with ${x}: ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`);
        continue;
      }
      stored++;
      const w = await api(t, 'POST', `/api/v1/dossiers/${r.body.code}/actions`, {
        token: tok.citizen,
        body: { action: 'withdraw', reason: `Lý do ${x}`, version: await versionOf(t, tok.citizen, r.body.code) },
      });
      if (w.status !== 200) failures.push(`withdraw with ${x}: ${w.status}`);
      else stored++;
      await check(`my dossier (${x})`, `/ho-so-cua-toi/${r.body.code}`, tok.citizen, x);
      await check(`office dossier (${x})`, `/can-bo/ho-so/${r.body.code}`, tok.receiving, x);
      await check(`my dossiers list (${x})`, '/ho-so-cua-toi', tok.citizen, x, false); // lists codes and procedures, not answers
    }

    // At the counter: the applicant's name and address typed by the officer.
    const scan = await uploadPdf(t, tok.receiving, 'scan.pdf');
    for (const x of XSS.slice(0, 3)) {
      const r = await api<{ code: string }>(t, 'POST', '/api/v1/dossiers', {
        token: tok.receiving,
        body: {
          ...validFiling({ channel: 1, applicant: { name: `Ông ${x}`, identifier: '079300000044', address: x } }),
          components: [{ code: 'T-01', uploadId: scan }],
        },
      });
      if (r.status !== 201) {
        failures.push(`counter filing with ${x}: ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`);
        continue;
      }
      stored++;
      await check(`office dossier, applicant ${x}`, `/can-bo/ho-so/${r.body.code}`, tok.receiving, x);
      await check(`office queue, applicant ${x}`, '/can-bo/ho-so?queue=all', tok.receiving, `Ông ${x}`);
    }

    // The specialist's result draft.
    for (const x of XSS) {
      const r = await api(t, 'PUT', `/api/v1/dossiers/${processing}/result-draft`, {
        token: tok.specialist,
        body: { kind: 'certificate', documentName: `Giấy ${x}`, fields: [{ label: `Nhãn ${x}`, value: x }], notes: [x] },
      });
      if (r.status !== 200) {
        failures.push(`result draft with ${x}: ${r.status}`);
        continue;
      }
      stored++;
      await check(`result draft page (${x})`, `/can-bo/ho-so/${processing}/ket-qua`, tok.specialist, x);
    }

    // Hostile file names: stored under a safe name (by design: directories, controls and bidi marks removed), sent back as an attachment.
    let names = 0;
    for (const name of [
      '../../etc/passwd.pdf',
      '..\\..\\hồ sơ.pdf',
      'a\u0000b.pdf',
      'x\u202Egnp.pdf',
      'раураl.pdf',
      'báo cáo.рdf',
      '<script>alert(1)</script>.pdf',
      'a\r\nContent-Type: text/html.pdf',
      'CON.pdf',
      `${'n'.repeat(300)}.pdf`,
      '"quoted";.pdf',
    ]) {
      for (const via of ['part', 'field'] as const) {
        const parts = via === 'part' ? file(() => pdf, name) : [{ field: 'fileName', value: name }, ...file(() => pdf, 'x.pdf')];
        if (via === 'field' && name.length > 255) continue;
        const r = await call('POST', '/api/v1/uploads', { token: tok.citizen, type: null, body: multipart(parts) });
        names++;
        if (r.status !== 201) {
          failures.push(`upload named ${JSON.stringify(name)} (${via}): ${r.status} ${r.body.slice(0, 160)}`);
          continue;
        }
        stored++;
        const up = JSON.parse(r.body) as { id: string; fileName: string };
        if (/[/\\<>"\p{Cc}\p{Cf}]/u.test(up.fileName) || /^\./.test(up.fileName) || !up.fileName.endsWith('.pdf') || up.fileName.length > 120)
          failures.push(`upload named ${JSON.stringify(name)} stored as ${JSON.stringify(up.fileName)}`);
        const d = await fetch(`${t.base}/api/v1/uploads/${up.id}`, { headers: { authorization: `Bearer ${tok.citizen}` } });
        const cd = d.headers.get('content-disposition') ?? '';
        if (!/^attachment; /.test(cd) || /[\r\n]/.test(cd) || d.headers.get('x-content-type-options') !== 'nosniff')
          failures.push(`upload ${JSON.stringify(name)}: download headers ${cd}`);
        await d.arrayBuffer();
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    console.info(
      `security: ${stored} hostile values stored on purpose (e-form answers, drafts, reasons, result drafts, ${names} hostile file names made safe), ${renders} pages checked: all escaped`,
    );
  }, 300_000);
});

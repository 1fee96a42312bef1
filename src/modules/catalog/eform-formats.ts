import type { FormatDefinition } from 'ajv';
import { compileTrusted, testPattern } from './eform-regexp.ts';

/**
 * The formats an e-form may use, evaluated by RE2 like its patterns (ajv-formats' own regexes
 * run on the backtracking engine, and some of them, `url` for one, are quadratic or worse).
 * The expressions are ajv-formats' "full" ones (MIT, (c) 2020 Evgeny Poberezkin), so a form
 * accepts exactly what it accepted before; their `i` flag is ASCII case, spelled out.
 */
const ci = { asciiIgnoreCase: true };
const EMAIL = compileTrusted(
  String.raw`^[a-z0-9!#$%&'*+/=?^_\x60{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_\x60{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`,
  ci,
);
// ajv-formats checks the length with a lookahead, `(?=.{1,253}\.?$)`, done below in code.
const HOSTNAME = compileTrusted(String.raw`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$`, ci);
const IPV4 = compileTrusted(String.raw`^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$`);
const IPV6 = compileTrusted(
  String.raw`^((([0-9a-f]{1,4}:){7}([0-9a-f]{1,4}|:))|(([0-9a-f]{1,4}:){6}(:[0-9a-f]{1,4}|((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9a-f]{1,4}:){5}(((:[0-9a-f]{1,4}){1,2})|:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9a-f]{1,4}:){4}(((:[0-9a-f]{1,4}){1,3})|((:[0-9a-f]{1,4})?:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){3}(((:[0-9a-f]{1,4}){1,4})|((:[0-9a-f]{1,4}){0,2}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){2}(((:[0-9a-f]{1,4}){1,5})|((:[0-9a-f]{1,4}){0,3}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){1}(((:[0-9a-f]{1,4}){1,6})|((:[0-9a-f]{1,4}){0,4}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(:(((:[0-9a-f]{1,4}){1,7})|((:[0-9a-f]{1,4}){0,5}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:)))$`,
  ci,
);
const UUID = compileTrusted('^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$', ci);
const URI = compileTrusted(
  String.raw`^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$`,
  ci,
);
const DATE = compileTrusted(String.raw`^(\d\d\d\d)-(\d\d)-(\d\d)$`, { capture: true });
const TIME = compileTrusted(String.raw`^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$`, { ...ci, capture: true });

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

function date(s: string): boolean {
  if (!testPattern(DATE, s)) return false;
  const [, y, m, d] = DATE.re.exec(s)!.map(Number);
  return m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 && isLeapYear(y) ? 29 : DAYS[m]);
}

/** RFC 3339 time with a time zone, leap seconds at 23:59:60 UTC only (as ajv-formats). */
function time(s: string): boolean {
  if (!testPattern(TIME, s)) return false;
  const g = TIME.re.exec(s)!;
  const [hr, min, sec] = [+g[1], +g[2], +g[3]];
  const tz = g[4];
  const sign = g[5] === '-' ? -1 : 1;
  const tzH = +(g[6] || 0);
  const tzM = +(g[7] || 0);
  if (tzH > 23 || tzM > 59 || !tz) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  const utcMin = min - tzM * sign;
  const utcHr = hr - tzH * sign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

/** ajv-formats splits on `t` or whitespace (JavaScript's \s) and wants exactly two parts. */
const SEPARATOR = compileTrusted(String.raw`[t\s]`, ci);
function dateTime(s: string): boolean {
  if (!testPattern(SEPARATOR, s)) return false;
  const parts = SEPARATOR.re.split(s, -1);
  return parts.length === 2 && date(parts[0]) && time(parts[1]);
}

function hostname(s: string): boolean {
  const length = s.endsWith('.') ? s.length - 1 : s.length;
  return length >= 1 && length <= 253 && testPattern(HOSTNAME, s);
}

// Longer strings cannot match (IPv6 with an IPv4 tail is 45 characters at most), or, for an
// address, cannot be delivered (RFC 5321: 254); refusing them early keeps the budget for the rest.
export const EFORM_FORMATS: Record<string, FormatDefinition<string>> = {
  date: { type: 'string', validate: date },
  time: { type: 'string', validate: time },
  'date-time': { type: 'string', validate: dateTime },
  email: { type: 'string', validate: (s) => s.length <= 254 && testPattern(EMAIL, s) },
  hostname: { type: 'string', validate: hostname },
  ipv4: { type: 'string', validate: (s) => s.length <= 15 && testPattern(IPV4, s) },
  ipv6: { type: 'string', validate: (s) => s.length <= 45 && testPattern(IPV6, s) },
  uuid: { type: 'string', validate: (s) => s.length <= 45 && testPattern(UUID, s) },
  // A URI, not a relative reference: it has a scheme and a `/` or `:` (as ajv-formats).
  uri: { type: 'string', validate: (s) => (s.includes('/') || s.includes(':')) && testPattern(URI, s) },
};

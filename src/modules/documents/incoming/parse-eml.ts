/**
 * The few headers of an e-mail (RFC 5322) the clerk's form is filled from: From, Subject, Date,
 * with RFC 2047 encoded words (=?UTF-8?B?…?= / Q) decoded. Nothing else of the message is read:
 * the .eml is kept as it came, as the document's file.
 */
export interface EmlHeaders {
  from?: string;
  fromAddress?: string;
  subject?: string;
  /** YYYY-MM-DD in Vietnam time. */
  date?: string;
}

/** Headers end at the first empty line; only the first 64 KiB are looked at. */
export function parseEmlHeaders(bytes: Uint8Array): EmlHeaders {
  const head = Buffer.from(bytes.subarray(0, 64 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
  const get = (name: string) => {
    const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(block);
    return m ? decodeWords(m[1].trim()) : undefined;
  };
  const out: EmlHeaders = {};
  const from = get('From');
  if (from) {
    const m = /^(.*?)\s*<([^>]+)>\s*$/.exec(from);
    out.from = (m ? m[1].replace(/^"|"$/g, '').trim() : '') || (m ? m[2] : from);
    out.fromAddress = m ? m[2] : from;
  }
  const subject = get('Subject');
  if (subject) out.subject = subject;
  const date = get('Date');
  if (date) {
    const t = Date.parse(date);
    if (!Number.isNaN(t)) out.date = new Date(t + 7 * 3600_000).toISOString().slice(0, 10);
  }
  return out;
}

function decodeWords(s: string): string {
  const raw = s.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_all, charset: string, enc: string, text: string) => {
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : qDecode(text);
    const cs = charset.toLowerCase();
    return cs === 'utf-8' || cs === 'utf8' ? bytes.toString('utf8') : bytes.toString('latin1');
  });
  // An undecoded header that is really UTF-8 (common from Vietnamese mail clients) is read as UTF-8.
  const asUtf8 = Buffer.from(raw, 'latin1').toString('utf8');
  return /[\u0080-\u00ff]/.test(raw) && !asUtf8.includes('\ufffd') ? asUtf8 : raw;
}

function qDecode(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '_') out.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(out);
}

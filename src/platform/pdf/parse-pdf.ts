import { AppError } from '../errors.ts';
import { decodeStream, type DecodeBudget } from './decode-stream.ts';
import { damagedPdf, PdfDict, PdfMalformed, PdfName, PdfRef, pdfRefusal, PdfStream, PdfString, type PdfValue } from './pdf-objects.ts';

/**
 * A PDF parser for checking what a file holds, not for rendering it. It reads the file the
 * ways readers do, so that nothing one of them would find escapes the check:
 * - the cross-reference chain from `startxref` (classic tables, cross-reference streams with
 *   /W, /Index, /Prev, and hybrid files' /XRefStm), as a strict reader does;
 * - every `N G obj` in order from the start of the file, as pdf-lib does;
 * - every `N G obj` anywhere in the bytes, inside streams and strings too, as a reader
 *   repairing a broken file does (pdf.js, poppler); what fails to parse there is kept as a
 *   suspect with the names it contains;
 * - every object stream, fully decoded (indirect /Filter, /DecodeParms, predictors), its
 *   objects read both at their declared offsets and one after the other.
 * Every version of every object is returned. Work is bounded (nesting depth, object count,
 * decoded bytes, tokens read); damaged input is a 400 AppError, never another exception.
 */
export const PDF_LIMITS = {
  /** Bytes produced by decoding streams, all stages and streams of one document together. */
  maxInflated: 64 * 1024 * 1024,
  maxObjects: 500_000,
  /** Arrays and dictionaries inside each other. */
  maxDepth: 64,
  maxXrefSections: 256,
} as const;

export interface ParsePdfOptions {
  maxInflated?: number;
  maxObjects?: number;
  maxDepth?: number;
}

export interface PdfObject {
  num: number;
  gen: number;
  value: PdfValue;
  /** Offset of its `N G obj` in the file; for an object stream's member, its container's. */
  at: number;
  /** The object number of the object stream it was read from. */
  container?: number;
  /** Found inside another object's bytes (a stream's data, a string), not in the object text. */
  nested: boolean;
}

export interface ParsedPdf {
  version: string;
  /** Every object found, every version: file order, then the members of object streams. */
  objects: PdfObject[];
  /** Values read from object streams one after another, ignoring their declared offsets. */
  loose: PdfValue[];
  /** `N G obj` found inside other objects' bytes that did not parse, with the names after it. */
  suspects: { at: number; names: string[] }[];
  /** Every trailer: the cross-reference chain's (newest first), then any other found. */
  trailers: PdfDict[];
  /** The newest trailer, the one `startxref` leads to. */
  trailer: PdfDict;
  /** The version of each object a reader following the cross-reference chain uses. */
  live: Map<number, PdfObject>;
  versions: Map<number, PdfObject[]>;
  /** Bytes produced by decoding streams. */
  inflated: number;
  /** A value with references followed (to the live objects); undefined when dangling. */
  resolve(v: PdfValue | undefined): PdfValue | undefined;
}

export function parsePdf(bytes: Uint8Array, opts: ParsePdfOptions = {}): ParsedPdf {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return new Parser(b, opts).run();
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof PdfMalformed) throw damagedPdf(e.vi, e.en);
    // A defect of ours must not turn a user's file into a 500; tests look for this wording.
    throw damagedPdf('không đọc được cấu trúc của tệp', 'its structure could not be read');
  }
}

const tooComplex = () =>
  pdfRefusal('PAYLOAD_TOO_LARGE', 'Tệp PDF có cấu trúc quá lớn hoặc quá phức tạp để kiểm tra', 'The PDF is too large or too complex in structure to check');
const corruptXref = () => new PdfMalformed('bảng tham chiếu chéo (xref) bị hỏng', 'the cross-reference table is corrupt');

const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;
const regular = (c: number | undefined) => c !== undefined && !WS[c] && !DELIM[c];
const UINT = /^\d{1,10}$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const HEX = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);

class Work {
  private steps = 0;
  private objects = 0;
  constructor(
    private readonly fileLength: number,
    readonly budget: DecodeBudget,
    readonly maxObjects: number,
    readonly maxDepth: number,
  ) {}
  /** Bytes or tokens read: linear in what the file holds, so re-reading the same bytes over and over is stopped. */
  step(n: number) {
    this.steps += n;
    if (this.steps > 2_000_000 + 4 * (this.fileLength + this.budget.used)) throw tooComplex();
  }
  object() {
    if (++this.objects > this.maxObjects) throw tooComplex();
  }
}

/** The PDF tokenizer, reading objects directly (ISO 32000 §7.2–7.3). */
class Lexer {
  constructor(
    readonly b: Buffer,
    readonly work: Work,
    public pos = 0,
  ) {}

  skipWs() {
    const b = this.b;
    const from = this.pos;
    let p = from;
    while (p < b.length) {
      const c = b[p];
      if (WS[c]) p++;
      else if (c === 37) {
        while (p < b.length && b[p] !== 10 && b[p] !== 13) p++;
      } else break;
    }
    this.pos = p;
    if (p > from) this.work.step(p - from);
  }

  /** Whether `k` is at the current position as a whole token. */
  atKeyword(k: string): boolean {
    const b = this.b;
    for (let i = 0; i < k.length; i++) if (b[this.pos + i] !== k.charCodeAt(i)) return false;
    return !regular(b[this.pos + k.length]);
  }

  /** A run of regular characters (a number or a keyword); '' at a delimiter. */
  word(): string {
    const b = this.b;
    let p = this.pos;
    while (p < b.length && regular(b[p])) {
      p++;
      if (p - this.pos > 255) throw new PdfMalformed('một từ khoá dài bất thường', 'an abnormally long token');
    }
    this.work.step(p - this.pos + 1);
    const w = b.toString('latin1', this.pos, p);
    this.pos = p;
    return w;
  }

  /** `N G obj` here (after white space): its numbers, the position then after `obj`; else null, the position unchanged. */
  header(): { num: number; gen: number } | null {
    const save = this.pos;
    this.skipWs();
    const n = this.word();
    if (UINT.test(n)) {
      this.skipWs();
      const g = this.word();
      if (UINT.test(g)) {
        this.skipWs();
        if (this.word() === 'obj') return { num: Number(n), gen: Number(g) };
      }
    }
    this.pos = save;
    return null;
  }

  value(depth: number): PdfValue {
    this.skipWs();
    const b = this.b;
    if (this.pos >= b.length) throw new PdfMalformed('tệp kết thúc giữa chừng một đối tượng', 'the file ends in the middle of an object');
    const c = b[this.pos];
    if (c === 0x2f) return this.name();
    if (c === 0x28) return this.literal();
    if (c === 0x3c) return b[this.pos + 1] === 0x3c ? this.dict(depth) : this.hex();
    if (c === 0x5b) return this.array(depth);
    if (DELIM[c]) throw new PdfMalformed(`ký tự “${String.fromCharCode(c)}” đặt sai chỗ`, `an unexpected “${String.fromCharCode(c)}”`);
    const w = this.word();
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
    if (!NUMBER.test(w)) throw new PdfMalformed(`từ khoá “${w.slice(0, 20)}” đặt sai chỗ`, `an unexpected keyword “${w.slice(0, 20)}”`);
    if (UINT.test(w)) {
      const save = this.pos;
      this.skipWs();
      const g = this.word();
      if (UINT.test(g)) {
        this.skipWs();
        if (this.word() === 'R') return new PdfRef(Number(w), Number(g));
      }
      this.pos = save;
    }
    return Number(w);
  }

  name(): PdfName {
    const b = this.b;
    const start = this.pos + 1;
    let p = start;
    while (p < b.length && regular(b[p])) p++;
    if (p - start > 4096) throw new PdfMalformed('một tên dài bất thường', 'an abnormally long name');
    this.work.step(p - start + 1);
    let s = b.toString('latin1', start, p);
    if (s.includes('#')) s = s.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    this.pos = p;
    return new PdfName(s);
  }

  literal(): PdfString {
    const b = this.b;
    let p = this.pos + 1;
    let depth = 1;
    while (p < b.length) {
      const c = b[p];
      if (c === 92) p += 2;
      else {
        if (c === 40) depth++;
        else if (c === 41 && --depth === 0) break;
        p++;
      }
    }
    this.work.step(Math.min(p, b.length) - this.pos);
    if (depth !== 0 || p >= b.length) throw new PdfMalformed('một chuỗi ký tự không được đóng', 'a string is never closed');
    const end = p;
    const out = Buffer.allocUnsafe(end - this.pos);
    let o = 0;
    for (let i = this.pos + 1; i < end; ) {
      const c = b[i];
      if (c === 92) {
        const d = b[i + 1];
        i += 2;
        if (d === 110) out[o++] = 10;
        else if (d === 114) out[o++] = 13;
        else if (d === 116) out[o++] = 9;
        else if (d === 98) out[o++] = 8;
        else if (d === 102) out[o++] = 12;
        else if (d === 13) {
          if (b[i] === 10) i++;
        } else if (d === 10) {
          // a line continuation
        } else if (d >= 48 && d <= 55) {
          let v = d - 48;
          for (let k = 0; k < 2 && i < end && b[i] >= 48 && b[i] <= 55; k++) v = v * 8 + (b[i++] - 48);
          out[o++] = v & 0xff;
        } else out[o++] = d;
      } else if (c === 13) {
        out[o++] = 10;
        i++;
        if (b[i] === 10) i++;
      } else {
        out[o++] = c;
        i++;
      }
    }
    this.pos = end + 1;
    return new PdfString(Buffer.from(out.subarray(0, o)));
  }

  hex(): PdfString {
    const b = this.b;
    const e = b.indexOf(0x3e, this.pos + 1);
    this.work.step((e < 0 ? b.length : e) - this.pos);
    if (e < 0) throw new PdfMalformed('một chuỗi hex không được đóng', 'a hex string is never closed');
    const out = Buffer.alloc(((e - this.pos) >> 1) + 1);
    let o = 0;
    let hi = -1;
    for (let i = this.pos + 1; i < e; i++) {
      const c = b[i];
      if (WS[c]) continue;
      const v = HEX(c);
      if (v < 0) throw new PdfMalformed('chuỗi hex chứa ký tự không hợp lệ', 'a hex string holds a non-hex character');
      if (hi < 0) hi = v;
      else {
        out[o++] = (hi << 4) | v;
        hi = -1;
      }
    }
    if (hi >= 0) out[o++] = hi << 4;
    this.pos = e + 1;
    return new PdfString(out.subarray(0, o));
  }

  array(depth: number): PdfValue[] {
    if (depth >= this.work.maxDepth) throw new PdfMalformed('các mảng, từ điển lồng nhau quá sâu', 'arrays and dictionaries are nested too deeply');
    this.pos++;
    const out: PdfValue[] = [];
    for (;;) {
      this.skipWs();
      if (this.pos >= this.b.length) throw new PdfMalformed('một mảng không được đóng', 'an array is never closed');
      if (this.b[this.pos] === 0x5d) {
        this.pos++;
        return out;
      }
      out.push(this.value(depth + 1));
    }
  }

  dict(depth: number): PdfDict {
    if (depth >= this.work.maxDepth) throw new PdfMalformed('các mảng, từ điển lồng nhau quá sâu', 'arrays and dictionaries are nested too deeply');
    this.pos += 2;
    const d = new PdfDict();
    for (;;) {
      this.skipWs();
      const c = this.b[this.pos];
      if (c === undefined) throw new PdfMalformed('một từ điển không được đóng', 'a dictionary is never closed');
      if (c === 0x3e && this.b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return d;
      }
      if (c !== 0x2f) throw new PdfMalformed('khoá của một từ điển không phải là tên', 'a dictionary key is not a name');
      const key = this.name().name;
      this.skipWs();
      if (this.b[this.pos] === 0x3e && this.b[this.pos + 1] === 0x3e)
        throw new PdfMalformed(`khoá /${key.slice(0, 40)} không có giá trị`, `the key /${key.slice(0, 40)} has no value`);
      d.entries.push([key, this.value(depth + 1)]);
    }
  }

  /** Steps over one token of anything, strings read as strings (so their content is not taken for objects). */
  skipToken() {
    const b = this.b;
    const c = b[this.pos];
    if (c === 0x28) this.literal();
    else if (c === 0x3c && b[this.pos + 1] !== 0x3c) this.hex();
    else if (c === 0x2f) this.name();
    else if (DELIM[c] || !regular(c)) {
      this.pos += (c === 0x3c || c === 0x3e) && b[this.pos + 1] === c ? 2 : 1;
      this.work.step(1);
    } else this.word();
  }
}

type XrefEntry = ({ type: 0 } | { type: 1; offset: number; gen: number } | { type: 2; container: number; index: number }) & { section?: number };
type Parsed = PdfObject & { end: number };

function indexAll(b: Buffer, what: string): number[] {
  const out: number[] = [];
  for (let i = b.indexOf(what, 0, 'latin1'); i >= 0; i = b.indexOf(what, i + what.length, 'latin1')) out.push(i);
  return out;
}

class Parser {
  private readonly work: Work;
  private readonly budget: DecodeBudget;
  private readonly endstreams: number[];
  /** Offsets of every `N G obj` header in the bytes, and by object number. */
  private readonly headers: number[] = [];
  private readonly headerIndex = new Map<number, number[]>();
  private readonly parsed = new Map<number, Parsed | PdfMalformed>();
  private readonly topLevel = new Set<number>();
  private readonly xref = new Map<number, XrefEntry>();
  private readonly containers = new Set<number>();
  private readonly chainTrailers: PdfDict[] = [];
  private readonly otherTrailers: PdfDict[] = [];
  private readonly trailerAt = new Set<number>();
  private readonly members = new Map<Parsed, PdfObject[] | 'busy' | Error>();
  private readonly loose: PdfValue[] = [];
  private readonly suspects: { at: number; names: string[] }[] = [];
  private readonly resolving = new Set<number>();
  private section = 0;
  private live = new Map<number, PdfObject>();
  private readonly resolveFn = (v: PdfValue | undefined) => this.resolve(v);

  constructor(
    private readonly b: Buffer,
    opts: ParsePdfOptions,
  ) {
    this.budget = { used: 0, max: opts.maxInflated ?? PDF_LIMITS.maxInflated };
    this.work = new Work(b.length, this.budget, opts.maxObjects ?? PDF_LIMITS.maxObjects, opts.maxDepth ?? PDF_LIMITS.maxDepth);
    this.endstreams = indexAll(b, 'endstream');
  }

  run(): ParsedPdf {
    const b = this.b;
    const head = /^%PDF-(\d\.\d)/.exec(b.toString('latin1', 0, 16));
    if (!head) throw new PdfMalformed('thiếu dòng đầu %PDF-', 'the %PDF- header is missing');
    this.findHeaders();
    this.readChain(this.startxref());
    this.readForward();
    for (const at of this.headers) {
      if (this.parsed.has(at)) continue;
      if (!this.objectAt(at, true)) this.suspects.push({ at, names: this.namesNear(at) });
    }
    this.findTrailers();
    this.refuseEncrypted();
    // What the chain points at is read even where no `N G obj` pattern shows it (a comment between the tokens).
    for (const e of this.xref.values()) if (e.type === 1 && e.offset < b.length) this.objectAt(e.offset, true);
    const objects: PdfObject[] = [];
    const taken = new Set<Parsed>();
    for (let more = true; more; ) {
      more = false;
      const now = [...this.parsed.entries()]
        .filter((e): e is [number, Parsed] => !(e[1] instanceof PdfMalformed) && !taken.has(e[1]))
        .sort((x, y) => x[0] - y[0]);
      for (const [, p] of now) {
        more = true;
        taken.add(p);
        objects.push(p);
        if (this.isObjectStream(p)) for (const m of this.objectStream(p)) objects.push(m);
      }
    }
    this.live = this.liveObjects([...taken].sort((x, y) => x.at - y.at));
    const versions = new Map<number, PdfObject[]>();
    for (const o of objects) {
      const v = versions.get(o.num);
      if (v) v.push(o);
      else versions.set(o.num, [o]);
    }
    const xrefDicts = objects.flatMap((o) => (o.value instanceof PdfStream && this.typeIs(o.value.dict, 'XRef') ? [o.value.dict] : []));
    const trailer = this.chainTrailers[0] ?? this.otherTrailers.at(-1) ?? xrefDicts.at(-1);
    if (!trailer) throw new PdfMalformed('không có trailer hay bảng tham chiếu chéo nào đọc được', 'there is no readable trailer or cross-reference stream');
    return {
      version: head[1],
      objects,
      loose: this.loose,
      suspects: this.suspects,
      trailers: [...this.chainTrailers, ...this.otherTrailers, ...xrefDicts],
      trailer,
      live: this.live,
      versions,
      inflated: this.budget.used,
      resolve: this.resolveFn,
    };
  }

  resolve(v: PdfValue | undefined): PdfValue | undefined {
    for (let hops = 0; v instanceof PdfRef; hops++) {
      if (hops > 16) return undefined;
      v = this.live.size ? this.live.get(v.num)?.value : this.lookup(v);
    }
    return v;
  }

  private int(v: PdfValue | undefined): number | undefined {
    const r = this.resolve(v);
    return typeof r === 'number' && Number.isInteger(r) ? r : undefined;
  }

  private typeIs(d: PdfDict, type: string): boolean {
    return d.all('Type').some((t) => {
      const r = this.resolve(t);
      return r instanceof PdfName && r.name === type;
    });
  }

  // ------------------------------------------------------------------ finding objects

  /** Every `N G obj` in the bytes, wherever it is (white space only between the three tokens). */
  private findHeaders() {
    const b = this.b;
    for (const i of indexAll(b, 'obj')) {
      if (regular(b[i + 3])) continue;
      let p = i - 1;
      if (p < 0 || !WS[b[p]]) continue;
      while (p >= 0 && WS[b[p]]) p--;
      let q = p;
      while (q >= 0 && b[q] >= 48 && b[q] <= 57) q--;
      if (q === p || p - q > 10 || q < 0 || !WS[b[q]]) continue;
      let r = q;
      while (r >= 0 && WS[b[r]]) r--;
      let s = r;
      while (s >= 0 && b[s] >= 48 && b[s] <= 57) s--;
      if (s === r || r - s > 10 || (s >= 0 && regular(b[s]))) continue;
      const at = s + 1;
      this.headers.push(at);
      const num = Number(b.toString('latin1', at, r + 1));
      const list = this.headerIndex.get(num);
      if (list) list.push(at);
      else this.headerIndex.set(num, [at]);
    }
  }

  private objectAt(at: number, lenient: boolean): Parsed | null {
    while (at < this.b.length && WS[this.b[at]]) at++;
    const seen = this.parsed.get(at);
    if (seen instanceof PdfMalformed) {
      if (lenient) return null;
      throw seen;
    }
    if (seen) return seen;
    try {
      const p = this.parseAt(at);
      this.parsed.set(at, p);
      return p;
    } catch (e) {
      if (!(e instanceof PdfMalformed)) throw e;
      this.parsed.set(at, e);
      if (lenient) return null;
      throw e;
    }
  }

  private parseAt(at: number): Parsed {
    const b = this.b;
    const lx = new Lexer(b, this.work, at);
    const h = lx.header();
    if (!h) throw new PdfMalformed('không có đối tượng ở vị trí được chỉ tới', 'there is no object where one is expected');
    this.work.object();
    let value: PdfValue = lx.value(0);
    lx.skipWs();
    if (lx.atKeyword('stream')) {
      if (!(value instanceof PdfDict)) throw new PdfMalformed('một luồng dữ liệu không có từ điển', 'a stream has no dictionary');
      let start = lx.pos + 6;
      if (b[start] === 13) start++;
      if (b[start] === 10) start++;
      const len = this.int(value.get('Length'));
      let end = -1;
      let keyword = -1;
      if (len !== undefined && len >= 0 && start + len <= b.length) {
        let k = start + len;
        while (k < b.length && WS[b[k]]) k++;
        if (b.toString('latin1', k, k + 9) === 'endstream') {
          end = start + len;
          keyword = k;
        }
      }
      if (keyword < 0) {
        // As readers do when /Length is missing or wrong: the data ends at the first `endstream`.
        keyword = this.nextEndstream(start);
        if (keyword < 0) throw new PdfMalformed('một luồng dữ liệu không có điểm kết thúc', 'a stream never ends');
        end = keyword;
        if (end > start && b[end - 1] === 10) end--;
        if (end > start && b[end - 1] === 13) end--;
      }
      this.work.step(64);
      value = new PdfStream(value, b.subarray(start, end));
      lx.pos = keyword + 9;
      lx.skipWs();
    }
    if (lx.atKeyword('endobj')) lx.pos += 6;
    return { num: h.num, gen: h.gen, value, at, nested: !this.topLevel.has(at), end: lx.pos };
  }

  private nextEndstream(from: number): number {
    const e = this.endstreams;
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < e.length ? e[lo] : -1;
  }

  /** The object text from the start, as a sequential reader (pdf-lib) reads it. */
  private readForward() {
    const b = this.b;
    const lx = new Lexer(b, this.work, 0);
    for (;;) {
      lx.skipWs();
      if (lx.pos >= b.length) return;
      const at = lx.pos;
      const c = b[at];
      if (c >= 48 && c <= 57 && lx.header()) {
        this.topLevel.add(at);
        const seen = this.parsed.get(at);
        if (seen && !(seen instanceof PdfMalformed)) seen.nested = false;
        const p = this.objectAt(at, false)!;
        p.nested = false;
        lx.pos = p.end;
        continue;
      }
      lx.pos = at;
      if (lx.atKeyword('trailer')) {
        this.trailerAt.add(at);
        lx.pos += 7;
        const t = lx.value(0);
        if (!(t instanceof PdfDict)) throw new PdfMalformed('sau từ khoá trailer không phải là từ điển', 'the trailer is not a dictionary');
        this.otherTrailers.push(t);
      } else if (lx.atKeyword('xref')) {
        lx.pos += 4;
        for (;;) {
          lx.skipWs();
          const save = lx.pos;
          const w = lx.word();
          if (!UINT.test(w) && w !== 'n' && w !== 'f') {
            lx.pos = save;
            break;
          }
        }
      } else lx.skipToken();
    }
  }

  /** `trailer` dictionaries anywhere in the bytes (repairing readers look for them). */
  private findTrailers() {
    for (const at of indexAll(this.b, 'trailer')) {
      if (this.trailerAt.has(at) || regular(this.b[at + 7]) || (at > 0 && regular(this.b[at - 1]))) continue;
      const lx = new Lexer(this.b, this.work, at + 7);
      try {
        const t = lx.value(0);
        if (t instanceof PdfDict) this.otherTrailers.push(t);
      } catch (e) {
        if (!(e instanceof PdfMalformed)) throw e;
      }
    }
  }

  /** The names after an `N G obj` that does not parse: what a more forgiving reader might still make of it. */
  private namesNear(at: number): string[] {
    const endobj = this.b.indexOf('endobj', at, 'latin1');
    const end = Math.min(this.b.length, at + 4096, endobj < 0 ? Infinity : endobj);
    const lx = new Lexer(this.b.subarray(at, end), this.work, 0);
    const names: string[] = [];
    for (;;) {
      lx.skipWs();
      if (lx.pos >= lx.b.length) return names;
      try {
        if (lx.b[lx.pos] === 0x2f) names.push(lx.name().name);
        else lx.skipToken();
      } catch (e) {
        if (!(e instanceof PdfMalformed)) throw e;
        lx.pos++;
      }
    }
  }

  private refuseEncrypted() {
    const xrefStreams = [...this.parsed.values()].flatMap((p) =>
      !(p instanceof PdfMalformed) && p.value instanceof PdfStream && this.typeIs(p.value.dict, 'XRef') ? [p.value.dict] : [],
    );
    for (const t of [...this.chainTrailers, ...this.otherTrailers, ...xrefStreams]) {
      const e = t.get('Encrypt');
      if (e !== undefined && e !== null) {
        throw pdfRefusal(
          'UNSUPPORTED_MEDIA_TYPE',
          'Không nhận tệp PDF có mật khẩu hoặc mã hoá; vui lòng lưu lại không đặt mật khẩu',
          'Encrypted or password-protected PDFs are not accepted; save it without a password',
        );
      }
    }
  }

  // ------------------------------------------------------------------ cross-reference chain

  private startxref(): number {
    const b = this.b;
    const at = b.lastIndexOf('startxref', b.length, 'latin1');
    if (at < 0) throw new PdfMalformed('thiếu startxref', 'startxref is missing');
    const lx = new Lexer(b, this.work, at + 9);
    lx.skipWs();
    const w = lx.word();
    if (!UINT.test(w) || Number(w) >= b.length) throw new PdfMalformed('vị trí bảng tham chiếu nằm ngoài tệp', 'startxref points outside the file');
    return Number(w);
  }

  private readChain(start: number) {
    const seen = new Set<number>();
    for (let offset: number | undefined = start; offset !== undefined && !seen.has(offset); ) {
      if (seen.size >= PDF_LIMITS.maxXrefSections) throw corruptXref();
      seen.add(offset);
      this.section++;
      let trailer: PdfDict;
      try {
        trailer = this.readSection(offset);
      } catch (e) {
        // Readers rebuild a broken chain from the objects themselves; so does this parser, which reads them all anyway.
        if (e instanceof PdfMalformed) return;
        throw e;
      }
      this.chainTrailers.push(trailer);
      // A hybrid file's table is completed by a cross-reference stream, read before /Prev.
      const stm = trailer.get('XRefStm');
      if (typeof stm === 'number' && Number.isInteger(stm) && stm >= 0 && stm < this.b.length && !seen.has(stm)) {
        seen.add(stm);
        this.chainTrailers.push(this.readXrefStream(stm, true));
      }
      const prev = trailer.get('Prev');
      offset = typeof prev === 'number' && Number.isInteger(prev) && prev >= 0 && prev < this.b.length ? prev : undefined;
    }
  }

  private readSection(offset: number): PdfDict {
    const lx = new Lexer(this.b, this.work, offset);
    lx.skipWs();
    if (lx.atKeyword('xref')) {
      lx.pos += 4;
      return this.readTable(lx);
    }
    if (lx.header()) return this.readXrefStream(offset);
    throw new PdfMalformed('startxref không chỉ tới bảng tham chiếu chéo', 'startxref does not point at a cross-reference section');
  }

  private set(num: number, e: XrefEntry, hybrid = false) {
    // Newer sections are read first: an object's first entry is its current one. A hybrid
    // file's table marks the objects only its /XRefStm locates as free: those are filled in.
    const cur = this.xref.get(num);
    if (!cur || (hybrid && cur.type === 0 && cur.section === this.section)) this.xref.set(num, { ...e, section: this.section });
    if (e.type === 2) this.containers.add(e.container);
  }

  private readTable(lx: Lexer): PdfDict {
    for (;;) {
      lx.skipWs();
      if (lx.atKeyword('trailer')) {
        lx.pos += 7;
        const t = lx.value(0);
        if (!(t instanceof PdfDict)) throw corruptXref();
        return t;
      }
      const s = lx.word();
      lx.skipWs();
      const c = lx.word();
      if (!UINT.test(s) || !UINT.test(c)) throw corruptXref();
      const first = Number(s);
      const count = Number(c);
      if (count * 18 > this.b.length - lx.pos) throw corruptXref();
      for (let i = 0; i < count; i++) {
        lx.skipWs();
        const off = lx.word();
        lx.skipWs();
        const gen = lx.word();
        lx.skipWs();
        const kind = lx.word();
        if (!UINT.test(off) || !UINT.test(gen) || (kind !== 'n' && kind !== 'f')) throw corruptXref();
        this.set(first + i, kind === 'n' ? { type: 1, offset: Number(off), gen: Number(gen) } : { type: 0 });
      }
    }
  }

  private readXrefStream(offset: number, hybrid = false): PdfDict {
    const p = this.objectAt(offset, false)!;
    if (!(p.value instanceof PdfStream) || !this.typeIs(p.value.dict, 'XRef'))
      throw new PdfMalformed('startxref không chỉ tới bảng tham chiếu chéo', 'startxref does not point at a cross-reference section');
    const dict = p.value.dict;
    const w = this.resolve(dict.get('W'));
    const widths = Array.isArray(w) ? w.map((x) => this.resolve(x)) : [];
    if (widths.length !== 3 || !widths.every((x): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 8)) throw corruptXref();
    const rowLen = widths[0] + widths[1] + widths[2];
    if (rowLen === 0) throw corruptXref();
    const size = this.int(dict.get('Size'));
    const idx = this.resolve(dict.get('Index'));
    const ranges = (Array.isArray(idx) ? idx.map((x) => this.resolve(x)) : [0, size ?? 0]) as PdfValue[];
    if (ranges.length % 2 !== 0 || !ranges.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) throw corruptXref();
    const data = decodeStream(p.value, this.resolveFn, this.budget);
    let pos = 0;
    const field = (width: number, dflt: number) => {
      if (width === 0) return dflt;
      let v = 0;
      for (let k = 0; k < width; k++) v = v * 256 + data[pos++];
      return v;
    };
    for (let r = 0; r < ranges.length; r += 2) {
      const first = ranges[r] as number;
      const count = ranges[r + 1] as number;
      for (let i = 0; i < count; i++) {
        if (pos + rowLen > data.length) return dict;
        this.work.step(rowLen);
        const type = field(widths[0], 1);
        const f2 = field(widths[1], 0);
        const f3 = field(widths[2], 0);
        if (type === 0) this.set(first + i, { type: 0 }, hybrid);
        else if (type === 1) this.set(first + i, { type: 1, offset: f2, gen: f3 }, hybrid);
        else if (type === 2) this.set(first + i, { type: 2, container: f2, index: f3 }, hybrid);
      }
    }
    return dict;
  }

  /** An object by reference while the file is still being read (for /Length, /Filter and the like). */
  private lookup(ref: PdfRef): PdfValue | undefined {
    if (this.resolving.has(ref.num) || this.resolving.size > 16) return undefined;
    this.resolving.add(ref.num);
    try {
      const e = this.xref.get(ref.num);
      if (e?.type === 1) {
        const p = this.objectAt(e.offset, true);
        if (p && p.num === ref.num) return p.value;
      } else if (e?.type === 2) {
        const m = this.member(e.container, e.index, ref.num);
        if (m) return m.value;
      }
      const offsets = this.headerIndex.get(ref.num) ?? [];
      for (let i = offsets.length - 1; i >= 0; i--) {
        const p = this.objectAt(offsets[i], true);
        if (p && p.num === ref.num) return p.value;
      }
      return undefined;
    } finally {
      this.resolving.delete(ref.num);
    }
  }

  // ------------------------------------------------------------------ object streams

  private containerOf(num: number): Parsed | null {
    const e = this.xref.get(num);
    if (e?.type === 1) {
      const p = this.objectAt(e.offset, true);
      if (p && p.num === num) return p;
    }
    const offsets = this.headerIndex.get(num) ?? [];
    for (let i = offsets.length - 1; i >= 0; i--) {
      const p = this.objectAt(offsets[i], true);
      if (p && p.num === num) return p;
    }
    return null;
  }

  private member(container: number, index: number, num: number): PdfObject | undefined {
    const c = this.containerOf(container);
    if (!c || !(c.value instanceof PdfStream)) return undefined;
    const members = this.objectStream(c);
    return members[index]?.num === num ? members[index] : members.find((m) => m.num === num);
  }

  private isObjectStream(p: Parsed): boolean {
    if (!(p.value instanceof PdfStream)) return false;
    const d = p.value.dict;
    return this.typeIs(d, 'ObjStm') || this.containers.has(p.num) || (this.int(d.get('N')) !== undefined && this.int(d.get('First')) !== undefined);
  }

  private objectStream(p: Parsed): PdfObject[] {
    const done = this.members.get(p);
    if (done === 'busy') return [];
    // A stream that failed where the failure was tolerated (while looking up a /Length) fails again where it is not.
    if (done instanceof Error) throw done;
    if (done) return done;
    this.members.set(p, 'busy');
    try {
      const out = this.readObjectStream(p);
      this.members.set(p, out);
      return out;
    } catch (e) {
      this.members.set(p, e instanceof Error ? e : new PdfMalformed('luồng đối tượng bị hỏng', 'an object stream is corrupt'));
      throw e;
    }
  }

  private readObjectStream(p: Parsed): PdfObject[] {
    const s = p.value as PdfStream;
    const n = this.int(s.dict.get('N'));
    const first = this.int(s.dict.get('First'));
    if (n === undefined || first === undefined || n < 0 || first < 0)
      throw new PdfMalformed('luồng đối tượng thiếu /N hoặc /First', 'an object stream lacks /N or /First');
    if (n > this.work.maxObjects) throw tooComplex();
    const data = decodeStream(s, this.resolveFn, this.budget);
    if (first > data.length) throw new PdfMalformed('luồng đối tượng ngắn hơn khai báo', 'an object stream is shorter than it declares');
    const lx = new Lexer(data, this.work, 0);
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      lx.skipWs();
      const num = lx.word();
      lx.skipWs();
      const off = lx.word();
      if (!UINT.test(num) || !UINT.test(off)) throw new PdfMalformed('phần đầu của luồng đối tượng bị hỏng', 'an object stream header is corrupt');
      pairs.push([Number(num), Number(off)]);
    }
    const out: PdfObject[] = [];
    for (const [num, off] of pairs) {
      this.work.object();
      if (first + off >= data.length) throw new PdfMalformed('luồng đối tượng ngắn hơn khai báo', 'an object stream is shorter than it declares');
      const value = new Lexer(data, this.work, first + off).value(0);
      out.push({ num, gen: 0, value, at: p.at, container: p.num, nested: p.nested });
    }
    // A reader that ignores the offsets reads the objects one after another: what it would see is checked too.
    const seq = new Lexer(data, this.work, first);
    try {
      for (;;) {
        seq.skipWs();
        if (seq.pos >= data.length) break;
        this.loose.push(seq.value(0));
      }
    } catch (e) {
      if (!(e instanceof PdfMalformed)) throw e;
    }
    return out;
  }

  private liveObjects(fileObjects: Parsed[]): Map<number, PdfObject> {
    const live = new Map<number, PdfObject>();
    for (const [num, e] of this.xref) {
      if (e.type === 1) {
        const p = this.objectAt(e.offset, true);
        if (p && p.num === num) live.set(num, p);
      } else if (e.type === 2) {
        const m = this.member(e.container, e.index, num);
        if (m) live.set(num, m);
      }
    }
    // Objects the chain does not locate are found as a repairing reader finds them: the last one wins.
    const located = new Set(live.keys());
    for (const p of fileObjects) if (!p.nested && !located.has(p.num) && this.xref.get(p.num)?.type !== 0) live.set(p.num, p);
    for (const p of fileObjects) {
      const members = this.members.get(p);
      if (!p.nested && Array.isArray(members)) for (const m of members) if (!live.has(m.num) && this.xref.get(m.num)?.type !== 0) live.set(m.num, m);
    }
    return live;
  }
}

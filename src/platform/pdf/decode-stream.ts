import { constants, inflateSync } from 'node:zlib';
import { PdfDict, PdfMalformed, PdfName, pdfRefusal, type PdfStream, type PdfValue } from './pdf-objects.ts';

/**
 * Decodes a PDF stream's data through its filter chain (FlateDecode, LZWDecode,
 * ASCIIHexDecode, ASCII85Decode, RunLengthDecode and their abbreviations), with PNG
 * predictors 10–15 and the TIFF predictor 2, /Filter and /DecodeParms read through
 * indirect references. Every byte produced, at every stage, is charged to a budget shared
 * by the whole document: a few kilobytes of deflate can claim gigabytes.
 */
export interface DecodeBudget {
  used: number;
  readonly max: number;
}

const ABBREVIATIONS: Record<string, string> = { Fl: 'FlateDecode', LZW: 'LZWDecode', AHx: 'ASCIIHexDecode', A85: 'ASCII85Decode', RL: 'RunLengthDecode' };
const MAX_FILTERS = 8;

export const tooMuchData = () => pdfRefusal('PAYLOAD_TOO_LARGE', 'Tệp PDF giải nén ra quá lớn', 'The PDF expands to too much data');

function charge(budget: DecodeBudget, n: number) {
  budget.used += n;
  if (budget.used > budget.max) throw tooMuchData();
}

/** The filters of a stream as names, each with its parameters (null when none). */
function filterChain(stream: PdfStream, resolve: (v: PdfValue | undefined) => PdfValue | undefined): { name: string; parms: PdfDict | null }[] {
  const f = resolve(stream.dict.get('Filter'));
  const p = resolve(stream.dict.get('DecodeParms') ?? stream.dict.get('DP'));
  const names: PdfValue[] = f === undefined || f === null ? [] : Array.isArray(f) ? f.map((x) => resolve(x) ?? null) : [f];
  const parms: PdfValue[] = p === undefined || p === null ? [] : Array.isArray(p) ? p.map((x) => resolve(x) ?? null) : [p];
  if (names.length > MAX_FILTERS) throw new PdfMalformed('một luồng dữ liệu có quá nhiều bộ lọc', 'a stream has too many filters');
  return names.map((n, i) => {
    if (!(n instanceof PdfName)) throw new PdfMalformed('bộ lọc của luồng dữ liệu không phải là tên', 'a stream filter is not a name');
    const parm = parms[i] ?? null;
    if (parm !== null && !(parm instanceof PdfDict)) throw new PdfMalformed('tham số giải mã không hợp lệ', 'invalid decode parameters');
    return { name: ABBREVIATIONS[n.name] ?? n.name, parms: parm };
  });
}

export function decodeStream(stream: PdfStream, resolve: (v: PdfValue | undefined) => PdfValue | undefined, budget: DecodeBudget): Buffer {
  let data = stream.data;
  for (const { name, parms } of filterChain(stream, resolve)) {
    const int = (key: string, dflt: number) => {
      const v = parms ? resolve(parms.get(key)) : undefined;
      return typeof v === 'number' && Number.isInteger(v) ? v : dflt;
    };
    switch (name) {
      case 'FlateDecode':
        data = predict(inflate(data, budget), int, budget);
        break;
      case 'LZWDecode':
        data = predict(lzw(data, int('EarlyChange', 1), budget), int, budget);
        break;
      case 'ASCIIHexDecode':
        data = asciiHex(data, budget);
        break;
      case 'ASCII85Decode':
        data = ascii85(data, budget);
        break;
      case 'RunLengthDecode':
        data = runLength(data, budget);
        break;
      default:
        throw pdfRefusal(
          'UNSUPPORTED_MEDIA_TYPE',
          `Tệp PDF nén cấu trúc của nó bằng bộ lọc không được hỗ trợ (/${name.slice(0, 40)})`,
          `The PDF compresses its structure with an unsupported filter (/${name.slice(0, 40)})`,
        );
    }
  }
  return data;
}

function inflate(data: Buffer, budget: DecodeBudget): Buffer {
  let out: Buffer;
  try {
    // A truncated stream still yields what it holds (readers show it too), so it is read.
    out = inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.max(1, budget.max - budget.used + 1) });
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooMuchData();
    throw new PdfMalformed('một luồng nén (FlateDecode) bị hỏng', 'a compressed (FlateDecode) stream is corrupt');
  }
  charge(budget, out.length);
  return out;
}

function predict(data: Buffer, int: (key: string, dflt: number) => number, budget: DecodeBudget): Buffer {
  const predictor = int('Predictor', 1);
  if (predictor === 1) return data;
  const colors = int('Colors', 1);
  const bpc = int('BitsPerComponent', 8);
  const columns = int('Columns', 1);
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > 1 << 24) {
    throw new PdfMalformed('tham số bộ dự đoán (Predictor) không hợp lệ', 'invalid predictor parameters');
  }
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (predictor === 2) return tiff(data, rowLen, colors, bpc, budget);
  if (predictor >= 10 && predictor <= 15) return png(data, rowLen, Math.max(1, Math.ceil((colors * bpc) / 8)), budget);
  throw new PdfMalformed(`bộ dự đoán ${predictor} không tồn tại`, `unknown predictor ${predictor}`);
}

/** PNG predictors: each row starts with its own filter type (the /Predictor value only says "PNG"). */
function png(data: Buffer, rowLen: number, bpp: number, budget: DecodeBudget): Buffer {
  const rows = Math.ceil(data.length / (rowLen + 1));
  const outLen = Math.max(0, data.length - rows);
  charge(budget, outLen);
  const out = Buffer.alloc(outLen);
  let prev = -1; // start of the previous row in `out`
  for (let r = 0, i = 0, o = 0; r < rows; r++) {
    const type = data[i++];
    const n = Math.min(rowLen, data.length - i);
    for (let j = 0; j < n; j++) {
      const x = data[i + j];
      const left = j >= bpp ? out[o + j - bpp] : 0;
      const up = prev >= 0 && j < rowLen ? out[prev + j] : 0;
      const upLeft = prev >= 0 && j >= bpp ? out[prev + j - bpp] : 0;
      let v: number;
      switch (type) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + left;
          break;
        case 2:
          v = x + up;
          break;
        case 3:
          v = x + ((left + up) >> 1);
          break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default:
          throw new PdfMalformed(`kiểu dự đoán PNG ${type} không tồn tại`, `unknown PNG predictor type ${type}`);
      }
      out[o + j] = v & 0xff;
    }
    prev = o;
    i += n;
    o += n;
  }
  return out;
}

/** TIFF predictor 2: each component is the difference from the same component of the pixel to its left. */
function tiff(data: Buffer, rowLen: number, colors: number, bpc: number, budget: DecodeBudget): Buffer {
  charge(budget, data.length);
  const out = Buffer.from(data);
  for (let start = 0; start < out.length; start += rowLen) {
    const end = Math.min(out.length, start + rowLen);
    if (bpc === 8) {
      for (let j = start + colors; j < end; j++) out[j] = (out[j] + out[j - colors]) & 0xff;
    } else if (bpc === 16) {
      for (let j = start + 2 * colors; j + 1 < end; j += 2) {
        const v = (((out[j] << 8) | out[j + 1]) + ((out[j - 2 * colors] << 8) | out[j - 2 * colors + 1])) & 0xffff;
        out[j] = v >> 8;
        out[j + 1] = v & 0xff;
      }
    } else {
      const mask = (1 << bpc) - 1;
      const prev = new Array<number>(colors).fill(0);
      const count = Math.floor(((end - start) * 8) / bpc);
      for (let k = 0; k < count; k++) {
        const bit = k * bpc;
        const byte = start + (bit >> 3);
        const shift = 8 - bpc - (bit & 7);
        const v = (((out[byte] >> shift) & mask) + prev[k % colors]) & mask;
        prev[k % colors] = v;
        out[byte] = (out[byte] & ~(mask << shift)) | (v << shift);
      }
    }
  }
  return out;
}

/** A byte buffer that grows by doubling, every byte charged to the budget. */
class Output {
  buf = Buffer.alloc(256);
  len = 0;
  constructor(readonly budget: DecodeBudget) {}
  reserve(n: number) {
    charge(this.budget, n);
    if (this.len + n > this.buf.length) {
      const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
  }
  push(b: number) {
    this.reserve(1);
    this.buf[this.len++] = b;
  }
  done(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

function lzw(data: Buffer, earlyChange: number, budget: DecodeBudget): Buffer {
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Int32Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  const out = new Output(budget);
  let next = 258;
  let bits = 9;
  let prev = -1;
  let acc = 0;
  let have = 0;
  let pos = 0;
  for (;;) {
    while (have < bits && pos < data.length) {
      acc = ((acc << 8) | data[pos++]) & 0xffffff;
      have += 8;
    }
    if (have < bits) break;
    const code = (acc >> (have - bits)) & ((1 << bits) - 1);
    have -= bits;
    if (code === 256) {
      next = 258;
      bits = 9;
      prev = -1;
      continue;
    }
    if (code === 257) break;
    if (code > next || (code === next && prev < 0) || (code >= 258 && code < next && length[code] === 0)) {
      throw new PdfMalformed('luồng nén LZW bị hỏng', 'an LZW stream is corrupt');
    }
    if (prev >= 0 && next < 4096) {
      prefix[next] = prev;
      suffix[next] = code < next ? first[code] : first[prev];
      first[next] = first[prev];
      length[next] = length[prev] + 1;
      next++;
    }
    const n = length[code];
    out.reserve(n);
    for (let c = code, k = out.len + n - 1; k >= out.len; k--) {
      out.buf[k] = suffix[c];
      c = prefix[c];
    }
    out.len += n;
    prev = code;
    if (next + earlyChange >= 1 << bits && bits < 12) bits++;
  }
  return out.done();
}

const HEX = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
const isSpace = (c: number) => c === 0 || c === 9 || c === 10 || c === 12 || c === 13 || c === 32;

function asciiHex(data: Buffer, budget: DecodeBudget): Buffer {
  const out = new Output(budget);
  let hi = -1;
  for (const c of data) {
    if (c === 62) break;
    if (isSpace(c)) continue;
    const v = HEX(c);
    if (v < 0) throw new PdfMalformed('dữ liệu ASCIIHex không hợp lệ', 'invalid ASCIIHex data');
    if (hi < 0) hi = v;
    else {
      out.push((hi << 4) | v);
      hi = -1;
    }
  }
  if (hi >= 0) out.push(hi << 4);
  return out.done();
}

function ascii85(data: Buffer, budget: DecodeBudget): Buffer {
  const out = new Output(budget);
  const group: number[] = [];
  const flush = (n: number) => {
    let v = 0;
    for (let k = 0; k < 5; k++) v = v * 85 + (k < group.length ? group[k] : 84);
    if (v > 0xffffffff) throw new PdfMalformed('dữ liệu ASCII85 không hợp lệ', 'invalid ASCII85 data');
    for (let k = 0; k < n; k++) out.push((v >>> (24 - 8 * k)) & 0xff);
    group.length = 0;
  };
  for (const c of data) {
    if (c === 126) break;
    if (isSpace(c)) continue;
    if (c === 122 && group.length === 0) {
      for (let k = 0; k < 4; k++) out.push(0);
      continue;
    }
    if (c < 33 || c > 117) throw new PdfMalformed('dữ liệu ASCII85 không hợp lệ', 'invalid ASCII85 data');
    group.push(c - 33);
    if (group.length === 5) flush(4);
  }
  if (group.length === 1) throw new PdfMalformed('dữ liệu ASCII85 không hợp lệ', 'invalid ASCII85 data');
  if (group.length) flush(group.length - 1);
  return out.done();
}

function runLength(data: Buffer, budget: DecodeBudget): Buffer {
  const out = new Output(budget);
  for (let i = 0; i < data.length; ) {
    const n = data[i++];
    if (n === 128) break;
    if (n < 128) {
      const m = Math.min(n + 1, data.length - i);
      out.reserve(m);
      data.copy(out.buf, out.len, i, i + m);
      out.len += m;
      i += m;
    } else {
      if (i >= data.length) break;
      const m = 257 - n;
      out.reserve(m);
      out.buf.fill(data[i++], out.len, out.len + m);
      out.len += m;
    }
  }
  return out.done();
}

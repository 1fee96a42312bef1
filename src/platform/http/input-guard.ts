import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/** How deep request data may nest: e-forms and the national procedure format need far less. */
export const MAX_INPUT_DEPTH = 64;

const invalid = (vi: string, en: string, path = '(root)') => new AppError('VALIDATION_FAILED', { vi, en }, [{ path, message: vi, messageEn: en }]);
const notUtf8 = (where: 'body' | 'querystring') =>
  invalid(
    where === 'body' ? 'Nội dung gửi lên không phải văn bản UTF-8 hợp lệ' : 'Tham số truy vấn không phải văn bản UTF-8 hợp lệ',
    where === 'body' ? 'The request body is not valid UTF-8' : 'The query string is not valid UTF-8',
    where,
  );

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Percent-decoding that fails on sequences that are not UTF-8 (the lenient parsers turn them into U+FFFD). */
function assertPercentUtf8(s: string, where: 'body' | 'querystring') {
  try {
    decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw notUtf8(where);
  }
}

/** The parser for application/x-www-form-urlencoded bodies (@fastify/formbody's `parser` option). */
export function parseFormBody(body: string): Record<string, unknown> {
  assertPercentUtf8(body, 'body');
  return { ...parseQuery(body, '&', '=', { maxKeys: 0 }) };
}

/** Refuses NUL characters (PostgreSQL text cannot hold them) and data nested deeper than MAX_INPUT_DEPTH. */
function checkValue(value: unknown, root: string) {
  const stack: [unknown, number, string][] = [[value, 0, root]];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000'))
        throw invalid('Dữ liệu chứa ký tự NUL (\\u0000) không hợp lệ', 'The data contains a NUL character (\\u0000)', path.slice(0, 200));
      continue;
    }
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) continue;
    if (depth >= MAX_INPUT_DEPTH)
      throw invalid(
        `Dữ liệu lồng nhau quá sâu (tối đa ${MAX_INPUT_DEPTH} cấp)`,
        `The data is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)`,
        path.slice(0, 200),
      );
    for (const [k, c] of Object.entries(v)) {
      if (k.includes('\u0000'))
        throw invalid('Tên trường chứa ký tự NUL (\\u0000) không hợp lệ', 'A field name contains a NUL character (\\u0000)', path.slice(0, 200));
      stack.push([c, depth + 1, Array.isArray(v) ? `${path}[${k}]` : `${path}.${k}`]);
    }
  }
}

/**
 * Input hygiene before any handler runs: JSON bodies must be UTF-8 (RFC 8259), query strings
 * percent-encoded UTF-8, and no parameter, query or body value may hold a NUL character or
 * nest deeper than MAX_INPUT_DEPTH. Malformed input is a 400, never a lossy decode that gets
 * stored, nor a database or stack error.
 */
export function guardInput(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(notUtf8('body'), undefined);
      return;
    }
    parseJson(req, text, done);
  });
  app.addHook('onRequest', async (req) => {
    const q = req.url.indexOf('?');
    if (q >= 0) assertPercentUtf8(req.url.slice(q + 1), 'querystring');
  });
  app.addHook('preValidation', async (req) => {
    checkValue(req.params, 'params');
    checkValue(req.query, 'querystring');
    checkValue(req.body, 'body');
  });
}

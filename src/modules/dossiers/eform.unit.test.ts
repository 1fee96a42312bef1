import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { validateEForm } from './eform.ts';

const schema = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });

/**
 * Runs validateEForm on another thread. A backtracking engine on `^(a+)+$` never returns
 * (2^40 steps), and a thread stuck in a regex cannot be interrupted by a timer of its own,
 * so the test thread waits for it and gives up: the hang becomes a failure, not a stall.
 */
function validateOnAnotherThread(s: unknown, data: unknown, giveUpMs: number): Promise<unknown> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     import(workerData.module).then((m) => parentPort.postMessage(m.validateEForm(workerData.schema, workerData.data)));`,
    { eval: true, workerData: { module: new URL('./eform.ts', import.meta.url).href, schema: s, data } },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`validateEForm did not return within ${giveUpMs} ms: the pattern is backtracking`));
    }, giveUpMs);
    worker.once('message', (m) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe('validateEForm', () => {
  it(
    'answers the catastrophic pattern ^(a+)+$ on "aaaa…a!" (40 a) at once: the pattern fails, nothing hangs',
    async () => {
      const hostile = `${'a'.repeat(40)}!`;
      const errors = await validateOnAnotherThread(schema({ maSoThue: { type: 'string', maxLength: 13, pattern: '^(a+)+$' } }), { maSoThue: hostile }, 45_000);
      expect(errors).toEqual(expect.arrayContaining([{ path: 'form.maSoThue', message: 'Sai định dạng', messageEn: 'must match pattern "^(a+)+$"' }]));
    },
    60_000,
  );

  it('matches Vietnamese names, diacritics and đ included, with \\p{L}', () => {
    const s = schema({ hoTen: { type: 'string', pattern: '^[\\p{L} ]+$' } });
    expect(validateEForm(s, { hoTen: 'Nguyễn Văn Đức' })).toEqual([]);
    expect(validateEForm(s, { hoTen: 'Đặng Thị Ánh Tuyết' })).toEqual([]);
    expect(validateEForm(s, { hoTen: 'Nguyễn Văn 2' })).toEqual([{ path: 'form.hoTen', message: 'Sai định dạng', messageEn: 'must match pattern "^[\\p{L} ]+$"' }]);
  });

  it('checks each field with its own pattern, including patternProperties keys', () => {
    const s = schema(
      { a: { type: 'string', pattern: '^[0-9]{10}$' }, b: { type: 'string', pattern: '^[A-Z]{2}$' } },
      { patternProperties: { '^ghiChu[0-9]$': { type: 'string', maxLength: 5 } } },
    );
    expect(validateEForm(s, { a: '0101234567', b: 'HN', ghiChu1: 'ngắn' })).toEqual([]);
    expect(validateEForm(s, { a: 'HN', b: '0101234567', ghiChu2: 'quá dài' }).map((e) => e.path)).toEqual(['form.a', 'form.b', 'form.ghiChu2']);
  });

  it('still checks the formats forms use (on RE2): email, date, uri', () => {
    const s = schema({ email: { type: 'string', format: 'email' }, ngay: { type: 'string', format: 'date' }, web: { type: 'string', format: 'uri' } });
    expect(validateEForm(s, { email: 'nguyen.van.a@dichvucong.gov.vn', ngay: '2024-02-29', web: 'https://dichvucong.gov.vn/p/home' })).toEqual([]);
    expect(validateEForm(s, { email: 'khong-phai-email', ngay: '2023-02-29', web: 'khong phai' }).map((e) => [e.path, e.message])).toEqual([
      ['form.email', 'Thư điện tử không hợp lệ'],
      ['form.ngay', 'Ngày không hợp lệ (YYYY-MM-DD)'],
      ['form.web', 'Sai định dạng'],
    ]);
  });

  it('a stored schema the import would now refuse gives an error on the form, not a 500', () => {
    const s = schema({ matKhau: { type: 'string', pattern: '^(?=.*[0-9]).{8,}$' } });
    const errors = validateEForm(s, { matKhau: 'abc12345' });
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe('form');
    expect(errors[0].messageEn).toMatch(/cannot be used.*lookahead/);
  });

  it('bounds the regex work of one validation: megabytes of text end in an error on the form', () => {
    const s = schema({ a: { type: 'string', pattern: '^(?:\\p{L}{0,120})+$' }, b: { type: 'string', pattern: '^(?:\\p{L}{0,120})+$' } });
    const errors = validateEForm(s, { a: 'a'.repeat(1_000_000), b: 'b'.repeat(1_000_000) });
    expect(errors.map((e) => [e.path, e.messageEn])).toEqual([['form', 'The form is too long to check against its e-form; please shorten its fields']]);
    // A long honest value still passes.
    expect(validateEForm(schema({ t: { type: 'string', pattern: '^[\\p{L}\\p{N} .,]+$' } }), { t: 'Hồ sơ đề nghị cấp phép. '.repeat(2000) })).toEqual([]);
  });

  it('a recursive schema cannot be made to recurse without bound by the form', () => {
    const s = { type: 'object', properties: { con: { $ref: '#' }, ten: { type: 'string' } } };
    expect(validateEForm(s, { ten: 'a', con: { ten: 'b', con: {} } })).toEqual([]);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { con: deep };
    expect(validateEForm(s, deep)).toEqual([{ path: 'form', message: 'Tờ khai lồng nhau quá 64 cấp', messageEn: 'The form is nested deeper than 64 levels' }]);
  });
});

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
  it('answers the catastrophic pattern ^(a+)+$ on "aaaa…a!" (40 a) at once: the pattern fails, nothing hangs', async () => {
    const hostile = `${'a'.repeat(40)}!`;
    const errors = await validateOnAnotherThread(schema({ maSoThue: { type: 'string', maxLength: 13, pattern: '^(a+)+$' } }), { maSoThue: hostile }, 300_000);
    expect(errors).toEqual(
      expect.arrayContaining([{ path: 'form.maSoThue', message: '«maSoThue» không đúng định dạng', messageEn: '“maSoThue” is not in the right format' }]),
    );
  }, 300_000);

  it('matches Vietnamese names, diacritics and đ included, with \\p{L}', () => {
    const s = schema({ hoTen: { type: 'string', pattern: '^[\\p{L} ]+$' } });
    expect(validateEForm(s, { hoTen: 'Nguyễn Văn Đức' })).toEqual([]);
    expect(validateEForm(s, { hoTen: 'Đặng Thị Ánh Tuyết' })).toEqual([]);
    expect(validateEForm(s, { hoTen: 'Nguyễn Văn 2' })).toEqual([
      { path: 'form.hoTen', message: '«hoTen» không đúng định dạng', messageEn: '“hoTen” is not in the right format' },
    ]);
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
      ['form.email', '«email» phải là địa chỉ thư điện tử (e-mail) hợp lệ, ví dụ ten@congty.vn'],
      ['form.ngay', '«ngay» phải là ngày hợp lệ, dạng ngày/tháng/năm (dd/mm/yyyy)'],
      ['form.web', '«web» phải là địa chỉ trang web hợp lệ, ví dụ https://congty.vn'],
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

/** An e-form like the demo's certificate-of-origin form: labels, a code list, a table, a pattern with its description. */
const CO = {
  type: 'object',
  required: ['tenDoanhNghiep', 'maSoThue', 'nuocNhapKhau', 'ngayHoaDon', 'hangHoa'],
  properties: {
    tenDoanhNghiep: { type: 'string', title: 'Tên thương nhân xuất khẩu', 'x-title-en': 'Exporter name', minLength: 1, maxLength: 20 },
    maSoThue: {
      type: 'string',
      title: 'Mã số thuế',
      'x-title-en': 'Tax code',
      pattern: '^[0-9]{10}([0-9]{3})?$',
      description: '10 hoặc 13 chữ số',
      'x-description-en': '10 or 13 digits',
      examples: ['0101234567'],
    },
    nuocNhapKhau: {
      type: 'string',
      title: 'Nước nhập khẩu',
      'x-title-en': 'Importing country',
      enum: ['LA', 'TH'],
      'x-enum-titles': ['Lào', 'Thái Lan'],
      'x-enum-titles-en': ['Laos', 'Thailand'],
    },
    ngayHoaDon: { type: 'string', format: 'date', title: 'Ngày hóa đơn', 'x-title-en': 'Invoice date' },
    email: { type: 'string', format: 'email', title: 'Thư điện tử', 'x-title-en': 'E-mail' },
    hangHoa: {
      type: 'array',
      title: 'Danh mục hàng hóa',
      'x-title-en': 'Goods',
      minItems: 1,
      maxItems: 3,
      items: {
        type: 'object',
        required: ['maHS', 'soLuong'],
        properties: {
          maHS: { type: 'string', title: 'Mã HS', 'x-title-en': 'HS code', pattern: '^[0-9]{6}([0-9]{2})?$' },
          soLuong: { type: 'number', title: 'Số lượng', 'x-title-en': 'Quantity', exclusiveMinimum: 0 },
        },
      },
    },
  },
};
const at = (errors: { path: string }[], path: string) =>
  errors.find((e) => e.path === path) as { path: string; message: string; messageEn: string } | undefined;

describe('e-form errors speak the form’s language', () => {
  const errors = validateEForm(CO, {
    maSoThue: '12',
    nuocNhapKhau: 'XX',
    ngayHoaDon: '2025-02-30',
    email: 'khong-phai-email',
    tenDoanhNghiep: 'Công ty có tên dài quá hai mươi ký tự',
    hangHoa: [{ maHS: '850440', soLuong: 2 }, { maHS: 'abc' }],
  });

  it('a required field is named by its label, never by its key', () => {
    const e = validateEForm(CO, {}).find((x) => x.path === 'form.tenDoanhNghiep')!;
    expect(e.message).toBe('«Tên thương nhân xuất khẩu» chưa được nhập');
    expect(e.messageEn).toBe('“Exporter name” is required');
    expect(
      validateEForm(CO, {})
        .map((x) => x.message)
        .join(' '),
    ).not.toMatch(/tenDoanhNghiep|maSoThue|hangHoa/);
  });

  it('a pattern says "không đúng định dạng" with the schema’s own description and example, never the regex', () => {
    expect(at(errors, 'form.maSoThue')).toEqual({
      path: 'form.maSoThue',
      message: '«Mã số thuế» không đúng định dạng: 10 hoặc 13 chữ số, ví dụ 0101234567',
      messageEn: '“Tax code” is not in the right format: 10 or 13 digits, for example 0101234567',
    });
    for (const e of errors) {
      expect(e.message).not.toMatch(/\^|\$|\[0-9\]|pattern|must match/);
      expect(e.messageEn).not.toMatch(/\^|\$|\[0-9\]|must match/);
    }
  });

  it('a format is named as people write it: a date dd/mm/yyyy, an e-mail address', () => {
    expect(at(errors, 'form.ngayHoaDon')?.message).toBe('«Ngày hóa đơn» phải là ngày hợp lệ, dạng ngày/tháng/năm (dd/mm/yyyy)');
    expect(at(errors, 'form.email')?.message).toContain('«Thư điện tử» phải là địa chỉ thư điện tử');
  });

  it('a value outside the list names the choices by their names, in the page’s language', () => {
    expect(at(errors, 'form.nuocNhapKhau')?.message).toBe('«Nước nhập khẩu» phải là một trong các lựa chọn: Lào, Thái Lan');
    expect(at(errors, 'form.nuocNhapKhau')?.messageEn).toBe('“Importing country” must be one of: Laos, Thailand');
  });

  it('a length names the number', () => {
    expect(at(errors, 'form.tenDoanhNghiep')?.message).toBe('«Tên thương nhân xuất khẩu» không được dài quá 20 ký tự');
  });

  it('a table cell is named by its row and column: "Dòng 2, cột «Mã HS»"', () => {
    expect(at(errors, 'form.hangHoa[1].maHS')?.message).toBe('Dòng 2, cột «Mã HS» của bảng «Danh mục hàng hóa» không đúng định dạng');
    expect(at(errors, 'form.hangHoa[1].soLuong')?.message).toBe('Dòng 2, cột «Số lượng» của bảng «Danh mục hàng hóa» chưa được nhập');
    expect(at(errors, 'form.hangHoa[1].soLuong')?.messageEn).toBe('Row 2, column “Quantity” of the table “Goods” is required');
    expect(at(validateEForm(CO, { hangHoa: [] }), 'form.hangHoa')?.message).toBe('Bảng «Danh mục hàng hóa» phải có ít nhất 1 dòng');
  });

  it('property: every error of a generated form names its field’s label (or its row and column), and never quotes a pattern', async () => {
    const fc = await import('fast-check');
    const label = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `Nhãn ${s.replace(/[«»k]/g, '')}`);
    const field = fc.record({
      title: label,
      kind: fc.constantFrom('text', 'pattern', 'date', 'email', 'enum', 'integer'),
    });
    const value = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(undefined), fc.boolean());
    await fc.assert(
      fc.property(
        fc.array(field, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.array(fc.array(value, { minLength: 5, maxLength: 5 }), { maxLength: 3 }),
        (fields, asTable, rows) => {
          const props = Object.fromEntries(
            fields.map((f, i) => [
              `k${i}`,
              {
                title: f.title,
                ...(f.kind === 'text'
                  ? { type: 'string', minLength: 2, maxLength: 4 }
                  : f.kind === 'pattern'
                    ? { type: 'string', pattern: '^[0-9]{3}$' }
                    : f.kind === 'date'
                      ? { type: 'string', format: 'date' }
                      : f.kind === 'email'
                        ? { type: 'string', format: 'email' }
                        : f.kind === 'enum'
                          ? { type: 'string', enum: ['a', 'b'], 'x-enum-titles': ['A', 'B'] }
                          : { type: 'integer', minimum: 1 }),
              },
            ]),
          );
          const required = Object.keys(props);
          const rowOf = (vs: unknown[]) =>
            Object.fromEntries(
              Object.keys(props)
                .map((k, i) => [k, vs[i]])
                .filter(([, v]) => v !== undefined),
            );
          const s = asTable
            ? { type: 'object', properties: { bang: { type: 'array', title: 'Bảng kê', minItems: 1, items: { type: 'object', required, properties: props } } } }
            : { type: 'object', required, properties: props };
          const data = asTable ? { bang: rows.map(rowOf) } : rowOf(rows[0] ?? []);
          for (const e of validateEForm(s, data)) {
            const m = /^form(?:\.bang\[(\d+)\])?\.k(\d+)$/.exec(e.path);
            if (m) {
              const title = fields[Number(m[2])].title;
              expect(e.message).toContain(`«${title}»`);
              if (m[1] !== undefined) expect(e.message).toContain(`Dòng ${Number(m[1]) + 1}, cột «${title}»`);
            } else expect(e.message).toMatch(/«Bảng kê»/);
            expect(e.message).not.toMatch(/\^\[0-9\]|\bk\d+\b/);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

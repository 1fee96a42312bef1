import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { ErrorDetail } from '../../platform/errors.ts';
import { checkEFormSchema, createEFormAjv } from '../catalog/check-eform-schema.ts';
import { RegexBudgetExceeded, withRegexBudget } from '../catalog/eform-regexp.ts';

// The same options the import checked the schema with: patterns and formats run on RE2.
const ajv = createEFormAjv();
// Keyed by the schema's text: procedures are read afresh per request, and compiling is ~2 ms.
// A schema that fails the import's checks (stored before them) is remembered as its refusal.
const compiled = new Map<string, { schema: object; validate: ValidateFunction } | ErrorDetail[]>();
const MAX_COMPILED = 1000;
/** Nesting of the submitted form: only a recursive schema descends further, one stack frame per level. */
const MAX_FORM_DEPTH = 64;

function deeperThan(data: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[data, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d >= max) return true;
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return false;
}

function compile(schema: Record<string, unknown>, key: string) {
  let v = compiled.get(key);
  if (v) return v;
  const { problems, validate } = checkEFormSchema(schema, ajv);
  v = validate
    ? { schema, validate }
    : [{
        path: 'form',
        message: `Biểu mẫu điện tử của thủ tục này không dùng được; xin liên hệ cơ quan giải quyết (${problems[0]?.text.vi})`,
        messageEn: `This procedure's e-form cannot be used; please contact the agency (${problems[0]?.text.en})`,
      }];
  if (compiled.size >= MAX_COMPILED) {
    const [oldKey, old] = compiled.entries().next().value!;
    compiled.delete(oldKey);
    if (!Array.isArray(old)) ajv.removeSchema(old.schema);
  }
  compiled.set(key, v);
  return v;
}

const VI: Record<string, (e: ErrorObject) => string> = {
  required: (e) => `Bắt buộc nhập "${String(e.params.missingProperty)}"`,
  type: (e) => `Sai kiểu dữ liệu (cần ${String(e.params.type)})`,
  minLength: (e) => (e.params.limit === 1 ? 'Không được để trống' : `Phải có ít nhất ${e.params.limit} ký tự`),
  maxLength: (e) => `Không được quá ${e.params.limit} ký tự`,
  pattern: () => 'Sai định dạng',
  format: (e) => ({ email: 'Thư điện tử không hợp lệ', date: 'Ngày không hợp lệ (YYYY-MM-DD)' } as Record<string, string>)[String(e.params.format)] ?? 'Sai định dạng',
  enum: () => 'Giá trị không nằm trong danh sách cho phép',
  minimum: (e) => `Phải lớn hơn hoặc bằng ${e.params.limit}`,
  maximum: (e) => `Phải nhỏ hơn hoặc bằng ${e.params.limit}`,
  exclusiveMinimum: (e) => `Phải lớn hơn ${e.params.limit}`,
  minItems: (e) => `Phải có ít nhất ${e.params.limit} dòng`,
  maxItems: (e) => `Không được quá ${e.params.limit} dòng`,
  additionalProperties: (e) => `Trường không có trong tờ khai: ${String(e.params.additionalProperty)}`,
};

/**
 * Validates e-form data against the procedure version's JSON Schema, the same schema the
 * page renders from. Errors carry the JSON path of the field (`form.tenDoanhNghiep`) in
 * Vietnamese and English.
 */
export function validateEForm(schema: Record<string, unknown> | null, data: unknown): ErrorDetail[] {
  if (!schema) return [];
  const c = compile(schema, JSON.stringify(schema));
  if (Array.isArray(c)) return c;
  if (deeperThan(data, MAX_FORM_DEPTH)) {
    return [{ path: 'form', message: `Tờ khai lồng nhau quá ${MAX_FORM_DEPTH} cấp`, messageEn: `The form is nested deeper than ${MAX_FORM_DEPTH} levels` }];
  }
  const v = c.validate;
  let valid: boolean;
  try {
    valid = withRegexBudget(() => v(data) as boolean);
  } catch (e) {
    if (!(e instanceof RegexBudgetExceeded)) throw e;
    return [{ path: 'form', message: 'Tờ khai quá dài để kiểm tra theo biểu mẫu; xin rút gọn nội dung các trường', messageEn: 'The form is too long to check against its e-form; please shorten its fields' }];
  }
  if (valid) return [];
  return (v.errors ?? []).map((e) => {
    const parts = e.instancePath.split('/').filter(Boolean);
    if (e.keyword === 'required') parts.push(String(e.params.missingProperty));
    const path = parts.reduce((p, s) => (/^\d+$/.test(s) ? `${p}[${s}]` : `${p}.${s}`), 'form');
    return { path, message: (VI[e.keyword] ?? (() => 'Giá trị không hợp lệ'))(e), messageEn: e.message ?? 'invalid' };
  });
}

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ErrorDetail } from '../../platform/errors.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: false });
addFormats.default(ajv);
// Keyed by the schema's text: procedures are read afresh per request, and compiling is ~2 ms.
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 1000;

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
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(schema);
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, v);
  }
  if (v(data)) return [];
  return (v.errors ?? []).map((e) => {
    const parts = e.instancePath.split('/').filter(Boolean);
    if (e.keyword === 'required') parts.push(String(e.params.missingProperty));
    const path = parts.reduce((p, s) => (/^\d+$/.test(s) ? `${p}[${s}]` : `${p}.${s}`), 'form');
    return { path, message: (VI[e.keyword] ?? (() => 'Giá trị không hợp lệ'))(e), messageEn: e.message ?? 'invalid' };
  });
}

import type { ZodError } from 'zod';
import { AppError, formatPath, type ErrorDetail } from '../errors.ts';

type Issue = ZodError['issues'][number];

const VIETNAMESE = new Map<string, string>();
/** A Zod message with its Vietnamese twin: returns the English and remembers the Vietnamese. */
export function bi(vi: string, en: string): string {
  VIETNAMESE.set(en, vi);
  return en;
}

/** Vietnamese for Zod's issue kinds; the English is Zod's own message. */
function vietnamese(i: Issue): string {
  const x = i as Issue & {
    minimum?: number | bigint;
    maximum?: number | bigint;
    expected?: string;
    format?: string;
    origin?: string;
    values?: unknown[];
    keys?: string[];
  };
  switch (i.code) {
    case 'invalid_type':
      return i.message.includes('received undefined') ? 'Bắt buộc phải có' : `Sai kiểu dữ liệu (cần ${x.expected})`;
    case 'too_small':
      return x.origin === 'string'
        ? `Phải có ít nhất ${x.minimum} ký tự`
        : x.origin === 'array'
          ? `Phải có ít nhất ${x.minimum} phần tử`
          : `Phải lớn hơn hoặc bằng ${x.minimum}`;
    case 'too_big':
      return x.origin === 'string'
        ? `Không được quá ${x.maximum} ký tự`
        : x.origin === 'array'
          ? `Không được quá ${x.maximum} phần tử`
          : `Phải nhỏ hơn hoặc bằng ${x.maximum}`;
    case 'invalid_format':
      return `Sai định dạng (${x.format})`;
    case 'invalid_value':
      return `Giá trị không hợp lệ; cho phép: ${(x.values ?? []).map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `Trường không được hỗ trợ: ${(x.keys ?? []).join(', ')}`;
    case 'not_multiple_of':
      return 'Giá trị không hợp lệ';
    default:
      return 'Giá trị không hợp lệ';
  }
}

/** The Vietnamese of one Zod issue: the schema's own (bi) when it has one, else by the issue's kind. */
export function issueVietnamese(i: Issue): string {
  return VIETNAMESE.get(i.message) ?? (i.code === 'custom' && i.params?.vi ? String(i.params.vi) : vietnamese(i));
}

export function zodDetails(err: ZodError, root = ''): ErrorDetail[] {
  return err.issues.map((i) => ({ path: formatPath(i.path, root), message: issueVietnamese(i), messageEn: i.message }));
}

export function validationError(details: ErrorDetail[]): AppError {
  const first = details[0];
  return new AppError(
    'VALIDATION_FAILED',
    {
      vi: `Dữ liệu không hợp lệ${first ? ` tại ${first.path}: ${first.message}` : ''}`,
      en: `Invalid input${first ? ` at ${first.path}: ${first.messageEn}` : ''}`,
    },
    details,
  );
}

export const fromZod = (err: ZodError, root = '') => validationError(zodDetails(err, root));

/**
 * The one error type. Every failure a caller can act on is an AppError with a stable
 * code, an HTTP status and a message in Vietnamese and English.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PASSWORD_CHANGE_REQUIRED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_CREDENTIALS'
  | 'OTP_REQUIRED'
  | 'ACCOUNT_LOCKED'
  | 'CSRF_INVALID'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'CONFIG_INVALID'
  | 'INTERNAL';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  OTP_REQUIRED: 401,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  CSRF_INVALID: 403,
  ACCOUNT_LOCKED: 423,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

export interface Bilingual {
  vi: string;
  en: string;
}

export interface ErrorDetail {
  /** JSON path of the offending value, e.g. `data.executionMethods[0].processingTime`. */
  path: string;
  message: string;
  messageEn: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly text: Bilingual,
    readonly details?: ErrorDetail[],
  ) {
    super(text.en);
    this.name = 'AppError';
    this.status = STATUS[code];
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.text.vi,
        messageEn: this.text.en,
        ...(this.details?.length ? { details: this.details } : {}),
      },
    };
  }
}

export const notFound = (what: Bilingual) =>
  new AppError('NOT_FOUND', { vi: `Không tìm thấy ${what.vi}`, en: `${what.en} not found` });

export const forbidden = () =>
  new AppError('FORBIDDEN', {
    vi: 'Bạn không có quyền thực hiện thao tác này',
    en: 'You are not allowed to do this',
  });

export const unauthenticated = () =>
  new AppError('UNAUTHENTICATED', {
    vi: 'Cần đăng nhập để thực hiện thao tác này',
    en: 'Sign-in is required',
  });

/** Formats a path array (from Zod or Ajv) the way JavaScript would address it. */
export function formatPath(path: ReadonlyArray<PropertyKey>, root = ''): string {
  let out = root;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

import { AppError, type Bilingual, type ErrorCode, type ErrorDetail } from '../errors.ts';

/** What the pool sends a worker: run `name` exported by `module` with these arguments. */
export interface TaskMessage {
  id: number;
  module: string;
  name: string;
  args: unknown[];
}

/** A worker answers `started` once the module is loaded, then `done` or `failed`. */
export type WorkerReply =
  | { id: number; type: 'started' }
  | { id: number; type: 'done'; value: unknown }
  | { id: number; type: 'failed'; error: SerializedError };

/**
 * Errors cross the thread boundary as data: structured cloning keeps neither the class nor
 * the fields of an AppError, so it travels as its code, text and details and is rebuilt.
 */
export type SerializedError =
  | { kind: 'app'; code: ErrorCode; text: Bilingual; details?: ErrorDetail[] }
  | { kind: 'error'; name: string; message: string; stack?: string; code?: string };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof AppError)
    return { kind: 'app', code: e.code, text: { vi: e.text.vi, en: e.text.en }, ...(e.details ? { details: e.details.map((d) => ({ ...d })) } : {}) };
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { kind: 'error', name: err.name, message: err.message, stack: err.stack, ...(typeof code === 'string' ? { code } : {}) };
}

export function deserializeError(s: SerializedError): Error {
  if (s.kind === 'app') return new AppError(s.code, s.text, s.details);
  const err = new Error(s.message) as Error & { code?: string };
  err.name = s.name;
  if (s.stack) err.stack = `${s.stack}\n    (in a worker thread)`;
  if (s.code) err.code = s.code;
  return err;
}

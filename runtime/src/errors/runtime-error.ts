import type { ErrorCode } from './codes.js';

/**
 * An error that becomes a response with `error` and `error_code` set.
 * `message` is for humans; `code` is for programs.
 */
export class RuntimeError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
  }
}

export function isRuntimeError(err: unknown): err is RuntimeError {
  return err instanceof RuntimeError;
}

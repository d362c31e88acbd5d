/** A weight file that is missing, unpinned or not the pinned bytes. Fatal at build and at start. */
export type WeightErrorCode = 'WEIGHT_MISSING' | 'WEIGHT_MISMATCH' | 'WEIGHT_SOURCE';

export class WeightError extends Error {
  readonly code: WeightErrorCode;

  constructor(code: WeightErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WeightError';
    this.code = code;
  }
}

/**
 * @ruth-ai/model-runtime: the public API for model authors and callers.
 * Each area of the runtime adds its own export lines here.
 */
export { defineModel } from './api/model.js';
export type * from './api/model.js';
export type * from './api/wire.js';
export type * from './config/model-config.js';
export { ERROR_CODES, type ErrorCode } from './errors/codes.js';
export { RuntimeError, isRuntimeError } from './errors/runtime-error.js';

/**
 * Engine packages (@tensorflow/*, onnxruntime-node) are the model's
 * dependencies, never the runtime's: the base image holds no ML engine. So
 * the runtime loads them as resolved from the model folder, exactly as the
 * model's own code would, and both share one module instance (one tfjs-core
 * registry, one backend).
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { EngineLoadError } from '../errors/errors.js';

/** require() rooted at the model folder. CommonJS on purpose: tfjs-converter and the wasm backend require('@tensorflow/tfjs-core') themselves, so loading through the same require cache gives a single tfjs-core. */
export function requireFromModel<T = unknown>(modelDir: string, pkg: string): T {
  const req = createRequire(join(resolve(modelDir), 'package.json'));
  try {
    return req(pkg) as T;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND') {
      throw new EngineLoadError(`engine package ${pkg} is not installed for the model in ${modelDir}: add it to that folder's package.json dependencies and run npm ci there`, { cause: err });
    }
    throw err;
  }
}

/** Absolute path of a file inside a package, as resolved from the model folder. */
export function resolveFromModel(modelDir: string, request: string): string {
  return createRequire(join(resolve(modelDir), 'package.json')).resolve(request);
}

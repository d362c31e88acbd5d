/**
 * Finds and compiles schemas/model.schema.json once per process.
 *
 * The canonical file lives at the repo root (schemas/model.schema.json).
 * The runtime's build copies it into runtime/schemas/ (gitignored), which
 * npm pack ships (package.json "files"). The loader looks, relative to this
 * module (runtime/dist/config/ or runtime/src/config/):
 *   1. ../../../schemas/model.schema.json   the repo root (development): the
 *      canonical file first, so an edit counts before the next build;
 *   2. ../../schemas/model.schema.json      the package's own copy (installed,
 *      the image: there 1. does not exist);
 * RUTH_MODEL_SCHEMA overrides both.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['../../../schemas/model.schema.json', '../../schemas/model.schema.json'];

export function modelSchemaPath(): string {
  const override = process.env.RUTH_MODEL_SCHEMA;
  if (override) return override;
  const tried: string[] = [];
  for (const rel of CANDIDATES) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
    tried.push(p);
  }
  throw new Error(`model.schema.json not found; looked at ${tried.join(', ')} (set RUTH_MODEL_SCHEMA to its path)`);
}

let compiled: ValidateFunction | undefined;
let schemaObject: Record<string, unknown> | undefined;

export function modelSchema(): Record<string, unknown> {
  schemaObject ??= JSON.parse(readFileSync(modelSchemaPath(), 'utf8')) as Record<string, unknown>;
  return schemaObject;
}

/** The compiled validator: strict, all errors, defaults applied in place. */
export function modelValidator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({ strict: true, allErrors: true, useDefaults: true, allowUnionTypes: true });
    compiled = ajv.compile(modelSchema());
  }
  return compiled;
}

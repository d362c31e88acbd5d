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
 *
 * Compiling the schema with ajv took 0.15-0.5 s of every server's start, so
 * the runtime's build also writes the compiled validator as code
 * (scripts/build-validator.mjs -> dist/config/model-validator.cjs, ajv's
 * standalone output) with the sha256 of the schema text it was made from. It
 * is used only when that digest matches the schema found above; any other
 * schema (an edit before the next build, RUTH_MODEL_SCHEMA) is compiled.
 */
import type { Options, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { lazyRequire } from '../lazy-require.js';

const require = createRequire(import.meta.url);
const ajvModule = lazyRequire<typeof import('ajv')>('ajv');

/** Strict, all errors, defaults applied in place. The build's precompiled validator uses the same. */
export const VALIDATOR_OPTIONS: Options = { strict: true, allErrors: true, useDefaults: true, allowUnionTypes: true };

/** The build's compiled validator, next to this module in dist/ (absent when run from src/). */
export const PRECOMPILED_VALIDATOR = fileURLToPath(new URL('./model-validator.cjs', import.meta.url));

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
let schemaText: string | undefined;
let schemaObject: Record<string, unknown> | undefined;

function modelSchemaText(): string {
  schemaText ??= readFileSync(modelSchemaPath(), 'utf8');
  return schemaText;
}

export function modelSchema(): Record<string, unknown> {
  schemaObject ??= JSON.parse(modelSchemaText()) as Record<string, unknown>;
  return schemaObject;
}

/** sha256 of the schema's text: which schema a precompiled validator was made from. */
export function modelSchemaDigest(): string {
  return createHash('sha256').update(modelSchemaText()).digest('hex');
}

/** The build's validator when it was made from this very schema, else undefined. */
function precompiledValidator(): ValidateFunction | undefined {
  if (!existsSync(PRECOMPILED_VALIDATOR)) return undefined;
  const validate = require(PRECOMPILED_VALIDATOR) as ValidateFunction & { schemaSha256?: string };
  return validate.schemaSha256 === modelSchemaDigest() ? validate : undefined;
}

/** The compiled validator: strict, all errors, defaults applied in place. */
export function modelValidator(): ValidateFunction {
  compiled ??= precompiledValidator() ?? new (ajvModule().Ajv)(VALIDATOR_OPTIONS).compile(modelSchema());
  return compiled;
}

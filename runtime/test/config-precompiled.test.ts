/**
 * The runtime's build compiles model.yaml's schema into code
 * (scripts/build-validator.mjs -> dist/config/model-validator.cjs), which
 * `ruth-model serve` uses instead of compiling the schema at every start. It
 * must answer exactly as the schema compiled at run time: same verdict, same
 * errors, same defaults filled in.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { modelSchema, modelSchemaDigest, VALIDATOR_OPTIONS } from '../src/config/model-schema.js';
import { RUNTIME_DIR } from '../src/testing/spawn-server.js';

const require = createRequire(import.meta.url);
const PRECOMPILED = path.join(RUNTIME_DIR, 'dist/config/model-validator.cjs');
const REPO = path.join(RUNTIME_DIR, '..');

/** Every model.yaml of the repo (models/ and the runtime's test fixtures), parsed. */
function realConfigs(): Record<string, unknown>[] {
  const dirs = [path.join(REPO, 'models'), path.join(RUNTIME_DIR, 'test/fixtures/models'), path.join(RUNTIME_DIR, 'test/fixtures/models-gpu')];
  return dirs.flatMap((d) =>
    readdirSync(d)
      .map((m) => path.join(d, m, 'model.yaml'))
      .filter((f) => existsSync(f))
      .map((f) => yaml.load(readFileSync(f, 'utf8')) as Record<string, unknown>),
  );
}

/** Broken variants of a real one: a wrong type, an unknown field, a missing field, a bad enum, a bad hash, GPU-only on CPU. */
function brokenConfigs(base: Record<string, unknown>): Record<string, unknown>[] {
  const { model_id: _id, ...noId } = base;
  return [
    { ...base, model_version: 3 },
    { ...base, modle_name: 'typo' },
    noId,
    { ...base, engine: 'caffe' },
    { ...base, weights: [{ path: 'w.bin', sha256: 'abc' }] },
    { ...base, resource_requirements: { gpu_required: true, cpu_fallback_allowed: true } },
    { ...base, input: { width: -1, height: 'tall', dtype: 'int64' } },
    {},
  ];
}

function answer(validate: ValidateFunction, doc: Record<string, unknown>): { valid: boolean; errors: unknown; data: unknown } {
  const data = structuredClone(doc);
  const valid = validate(data);
  return { valid, errors: validate.errors ?? null, data };
}

describe('the precompiled model.yaml validator', () => {
  it('is built from the current schema', () => {
    const precompiled = require(PRECOMPILED) as { schemaSha256: string };
    expect(precompiled.schemaSha256).toBe(modelSchemaDigest());
  });

  it('answers every real and broken model.yaml as the schema compiled at run time', () => {
    const precompiled = require(PRECOMPILED) as ValidateFunction;
    const compiled = new Ajv(VALIDATOR_OPTIONS).compile(modelSchema());
    const real = realConfigs();
    expect(real.length).toBeGreaterThanOrEqual(3);
    const docs = [...real, ...brokenConfigs(real[0]!)];
    let invalid = 0;
    for (const doc of docs) {
      const a = answer(precompiled, doc);
      expect(a).toEqual(answer(compiled, doc));
      if (!a.valid) invalid++;
    }
    // The broken ones really are broken: the comparison covered error answers too.
    expect(invalid).toBeGreaterThanOrEqual(brokenConfigs(real[0]!).length);
  });
});

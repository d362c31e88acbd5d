import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, formatConfigError } from '../src/errors/errors.js';
import { loadModelConfig } from '../src/config/load-model-config.js';

const dir = mkdtempSync(join(tmpdir(), 'ruth-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHA = 'a'.repeat(64);
const MINIMAL = `model_id: demo
model_name: Demo
model_version: 1.2.3
runtime: ^1.0.0
engine: onnx
handler: dist/handler.js
weights:
  - path: weights/model.onnx
    sha256: ${SHA}
`;

let n = 0;
function write(text: string): string {
  const sub = join(dir, `m${n++}`);
  mkdirSync(sub);
  const file = join(sub, 'model.yaml');
  writeFileSync(file, text);
  return file;
}

function failure(text: string): ConfigError {
  const file = write(text);
  try {
    loadModelConfig(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.file).toBe(file);
    expect(e.message).toContain(file);
    return e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadModelConfig', () => {
  it('applies every default and fills input from expected_resolution', () => {
    const c = loadModelConfig(write(MINIMAL));
    expect(c).toMatchObject({
      model_id: 'demo',
      supported_tasks: [],
      input_format: 'NV12',
      expected_resolution: [640, 640],
      resource_requirements: { gpu_required: false, cpu_fallback_allowed: true },
      confidence_threshold: 0.5,
      nms_iou_threshold: null,
      output_schema: {},
      request_timeout_ms: 10000,
      classes: [],
      input: { width: 640, height: 640, resize: 'letterbox', dtype: 'float32', layout: 'nhwc', channel_order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], pad_value: 114 },
    });
    expect(c.workers).toBeUndefined();
  });

  it('returns a deeply frozen config', () => {
    const c = loadModelConfig(write(MINIMAL));
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.input)).toBe(true);
    expect(Object.isFrozen(c.weights[0])).toBe(true);
    expect(() => {
      (c.input as { width: number }).width = 1;
    }).toThrow(TypeError);
  });

  it('keeps the old fields working', () => {
    const file = write(`${MINIMAL}description: old style
author: someone
license: MIT
supported_tasks: [fall_detection]
input_format: nv12
expected_resolution: [320, 240]
resource_requirements:
  gpu_required: false
  gpu_memory_mb: null
model_type: pytorch
model_weights: legacy.pt
confidence_threshold: 0.7
nms_iou_threshold: 0.45
output_schema:
  type: detection
  classes: 2
  class_names: [fall, person]
`);
    writeFileSync(join(file, '..', 'legacy.pt'), 'x');
    const c = loadModelConfig(file);
    expect(c).toMatchObject({ model_type: 'pytorch', confidence_threshold: 0.7, nms_iou_threshold: 0.45, input: { width: 320, height: 240 } });
    expect(c.output_schema).toEqual({ type: 'detection', classes: 2, class_names: ['fall', 'person'] });
  });

  it('keeps an explicit input block', () => {
    const c = loadModelConfig(write(`${MINIMAL}input: { width: 256, height: 192, resize: stretch, dtype: uint8, layout: nchw, channel_order: bgr }\n`));
    expect(c.input).toMatchObject({ width: 256, height: 192, resize: 'stretch', dtype: 'uint8', layout: 'nchw', channel_order: 'bgr', pad_value: 114 });
  });

  it('refuses an expected_resolution too big to be the input size, pointing at it', () => {
    const e = failure(`${MINIMAL}expected_resolution: [1920, 10000]\n`);
    expect(e.issues[0]).toMatchObject({ path: 'expected_resolution', line: 10 });
    expect(e.issues[0].message).toMatch(/input size when input is absent, so input.height must be <= 8192/);
    expect(loadModelConfig(write(`${MINIMAL}expected_resolution: [1920, 10000]\ninput: { width: 640, height: 640 }\n`)).expected_resolution).toEqual([1920, 10000]);
  });

  it('reads the onnx block (threads auto by default) and checks that each session loads a pinned weight', () => {
    const c = loadModelConfig(write(`${MINIMAL}onnx:\n  sessions:\n    det: { weight: weights/model.onnx, inputs: [x] }\n`));
    expect(c.onnx).toEqual({ intra_op_threads: 'auto', inter_op_threads: 1, graph_optimization: 'all', sessions: { det: { weight: 'weights/model.onnx', inputs: ['x'] } } });
    const e = failure(`${MINIMAL}onnx:\n  sessions:\n    det:\n      weight: weights/other.onnx\n`);
    expect(e.issues[0]).toMatchObject({ path: 'onnx.sessions.det.weight', line: 13, message: 'must be the path of one of weights, got "weights/other.onnx"' });
    const tfjs = failure(`${MINIMAL.replace('engine: onnx', 'engine: tfjs')}onnx: { intra_op_threads: 2 }\n`);
    expect(tfjs.issues[0]).toMatchObject({ path: 'onnx', message: 'is for engine: onnx, but engine is "tfjs"' });
    expect(failure(`${MINIMAL}onnx: { intra_op_threads: 0 }\n`).issues[0]!.path).toBe('onnx.intra_op_threads');
  });

  it('names path and line of a bad value', () => {
    const e = failure(MINIMAL.replace(`sha256: ${SHA}`, 'sha256: not-a-hash'));
    expect(e.issues[0]).toMatchObject({ path: 'weights[0].sha256', line: 9 });
    expect(formatConfigError(e)).toMatch(/model\.yaml:9: weights\[0\]\.sha256: must match pattern .*got "not-a-hash"$/);
  });

  it('names a missing required field', () => {
    const e = failure(MINIMAL.replace('handler: dist/handler.js\n', ''));
    expect(e.issues).toEqual([expect.objectContaining({ path: 'handler', message: 'is required' })]);
  });

  it('names an unknown (misspelt) field with its line', () => {
    const e = failure(`${MINIMAL}confidence_treshold: 0.3\n`);
    expect(e.issues[0]).toMatchObject({ path: 'confidence_treshold', line: 10 });
    expect(e.issues[0].message).toMatch(/not a known field/);
  });

  it('reports every problem at once, each with its line', () => {
    const e = failure(MINIMAL.replace('engine: onnx', 'engine: pytorch') + 'confidence_threshold: 1.5\ninput:\n  width: 0\n  height: 10\n');
    const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i]));
    expect(byPath.engine).toMatchObject({ line: 5 });
    expect(byPath.engine.message).toMatch(/must be one of "tfjs", "onnx", got "pytorch"/);
    expect(byPath.confidence_threshold).toMatchObject({ line: 10 });
    expect(byPath['input.width']).toMatchObject({ line: 12 });
    expect(formatConfigError(e)).toMatch(/\(and 2 more problems\)$/);
  });

  it('refuses gpu_required with cpu_fallback_allowed (both true, the default)', () => {
    const e = failure(`${MINIMAL}resource_requirements:\n  gpu_required: true\n`);
    expect(e.issues[0]).toMatchObject({ path: 'resource_requirements', line: 11 });
    expect(e.issues[0].message).toMatch(/cannot both be true/);
    expect(() => loadModelConfig(write(`${MINIMAL}resource_requirements:\n  gpu_required: true\n  cpu_fallback_allowed: false\n`))).not.toThrow();
  });

  it('requires model_weights to exist when given', () => {
    const e = failure(`${MINIMAL}model_weights: nowhere.onnx\n`);
    expect(e.issues[0]).toMatchObject({ path: 'model_weights', line: 10 });
    expect(e.issues[0].message).toMatch(/nowhere\.onnx" does not exist/);
  });

  it('reports YAML syntax errors with their line', () => {
    const e = failure(`${MINIMAL}input: [unclosed\n`);
    expect(e.issues[0].message).toMatch(/not valid YAML/);
    expect(e.issues[0].line).toBeGreaterThanOrEqual(10);
    const dup = failure(`${MINIMAL}model_id: again\n`);
    expect(dup.issues[0]).toMatchObject({ line: 10 });
    expect(dup.issues[0].message).toMatch(/duplicated mapping key/);
  });

  it('refuses a document that is not a mapping, and a missing file', () => {
    expect(failure('- a\n- b\n').issues[0].message).toMatch(/must be a mapping.*a list/);
    expect(failure('').issues[0].message).toMatch(/empty document/);
    expect(() => loadModelConfig(join(dir, 'absent.yaml'))).toThrow(/absent\.yaml: does not exist/);
  });
});

describe('loadModelConfig: hostile model.yaml (issue 8, finding 6)', () => {
  it('refuses a YAML alias bomb in parameters instead of loading it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const text = `${MINIMAL}parameters:\n${bomb.map((l) => `  ${l}`).join('\n')}\n`;
    const e = failure(text);
    expect(e.message).toMatch(/aliases that expand too far/);
  });

  it('still accepts a few plain aliases', () => {
    const file = write(`${MINIMAL}parameters:\n  base: &b { a: 1 }\n  copy: *b\n`);
    expect(loadModelConfig(file).parameters).toEqual({ base: { a: 1 }, copy: { a: 1 } });
  });

  it('refuses handler and weight paths that climb out of the model folder', () => {
    const e = failure(MINIMAL.replace('handler: dist/handler.js', 'handler: ../../../tmp/evil.mjs').replace('path: weights/model.onnx', 'path: ../../etc/passwd'));
    expect(e.issues.map((i) => i.path).sort()).toEqual(['handler', 'weights[0].path']);
    expect(e.message).toMatch(/handler: "\.\.\/\.\.\/\.\.\/tmp\/evil\.mjs" must stay inside the model folder/);
    expect(failure(MINIMAL.replace('handler: dist/handler.js', 'handler: /usr/lib/evil.mjs')).path).toBe('handler');
    expect(failure(`${MINIMAL}model_weights: /etc/hostname\n`).issues.map((i) => i.path)).toContain('model_weights');
  });

  it('refuses a handler that is a symlink to a file outside the model folder', () => {
    const file = write(MINIMAL);
    const outsideFile = join(dir, 'evil.mjs');
    writeFileSync(outsideFile, 'export default {};\n');
    mkdirSync(join(file, '..', 'dist'));
    symlinkSync(outsideFile, join(file, '..', 'dist', 'handler.js'));
    expect(() => loadModelConfig(file)).toThrow(/handler: "dist\/handler\.js" must stay inside the model folder .*symlink/);
  });

  it('refuses an oversized model.yaml without parsing it', () => {
    const e = failure(`${MINIMAL}# ${'x'.repeat(1024 * 1024)}\n`);
    expect(e.message).toMatch(/over the 1048576-byte limit/);
  });
});

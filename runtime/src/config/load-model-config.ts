/**
 * Loads one model.yaml: js-yaml for the values, the JSON Schema (ajv, strict,
 * all errors, defaults applied) for the shape, then the rules a schema cannot
 * express. Every problem becomes a ConfigError naming file, YAML path and
 * line. The result is deeply frozen.
 *
 * Usable outside the server: the factory's generator validates every
 * models/<id>/model.yaml with it.
 *
 * A model.yaml is not trusted to be small or kind: its size is capped, YAML
 * aliases may not expand past MAX_YAML_ALIASES (an alias bomb would load fast
 * and then hang `describe`), and the files it names must stay inside its
 * model folder.
 */
import type { ErrorObject } from 'ajv';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { deepFreeze } from './deep-freeze.js';
import type { ModelConfig } from './model-config.js';
import { modelValidator } from './model-schema.js';
import { YamlLocator, formatPath, pointerToPath, type PathSegment } from './yaml-locate.js';
import { lazyRequire } from '../lazy-require.js';

// Loaded when a model.yaml is read, not when the runtime is imported (lazy-require.ts).
const jsYaml = lazyRequire<typeof import('js-yaml')>('js-yaml');
const yamlModule = lazyRequire<typeof import('yaml')>('yaml');

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function ajvIssue(e: ErrorObject, data: unknown, loc: YamlLocator): ConfigIssue {
  const path = pointerToPath(e.instancePath);
  switch (e.keyword) {
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return { path: formatPath([...path, missing]), line: loc.line(path), message: 'is required' };
    }
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      return { path: formatPath([...path, extra]), line: loc.line(path, extra), message: 'is not a known field (check the spelling; see docs/model-yaml.md)' };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((a) => show(a)).join(', ');
      return { path: formatPath(path), line: loc.line(path), message: `must be one of ${allowed}, got ${show(valueAt(data, path))}` };
    }
    case 'not':
      if (path.length === 0) return gpuIssue(loc);
      return { path: formatPath(path), line: loc.line(path), message: e.message ?? 'is invalid' };
    default:
      return { path: formatPath(path), line: loc.line(path), message: `${e.message ?? 'is invalid'}, got ${show(valueAt(data, path))}` };
  }
}

function gpuIssue(loc: YamlLocator): ConfigIssue {
  const rr: PathSegment[] = ['resource_requirements'];
  return {
    path: 'resource_requirements',
    line: loc.line(rr, 'gpu_required') ?? loc.line(rr),
    message: 'gpu_required and cpu_fallback_allowed cannot both be true (cpu_fallback_allowed defaults to true: set it to false for a GPU-only model)',
  };
}

/** A real model.yaml is a few KB; anything past this is refused unread. */
export const MAX_MODEL_YAML_BYTES = 1024 * 1024;
/** Aliases a model.yaml may expand (the `yaml` package's measure, which weighs each by its size). */
export const MAX_YAML_ALIASES = 100;

/**
 * js-yaml has no alias limit: a billion-laughs document loads as shared
 * references, then explodes when serialised. The `yaml` package expands it
 * with a cap, so it is the guard.
 */
function checkAliases(file: string, text: string): void {
  const doc = yamlModule().parseDocument(text, { strict: false, uniqueKeys: false });
  if (doc.errors.length > 0) return; // js-yaml reports syntax errors with their line
  try {
    doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `uses YAML aliases that expand too far (more than ${MAX_YAML_ALIASES}): ${(err as Error).message}` }], { cause: err });
  }
}

function parseYaml(file: string, text: string): Record<string, unknown> {
  checkAliases(file, text);
  let data: unknown;
  try {
    data = jsYaml().load(text, { filename: file });
  } catch (err) {
    const e = err as { reason?: string; mark?: { line: number }; message: string };
    throw new ConfigError(file, [{ path: '', line: e.mark ? e.mark.line + 1 : undefined, message: `is not valid YAML: ${e.reason ?? e.message}` }], { cause: err });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [{ path: '', line: 1, message: `must be a mapping of fields, got ${data === null || data === undefined ? 'an empty document' : Array.isArray(data) ? 'a list' : typeof data}` }]);
  }
  return data as Record<string, unknown>;
}

/** Validates already-parsed data (defaults applied in place). `text` is used for line numbers. */
export function validateModelConfig(file: string, data: Record<string, unknown>, text = ''): ModelConfig {
  const loc = new YamlLocator(text);
  const validate = modelValidator();
  const issues: ConfigIssue[] = [];
  // input defaults to the old expected_resolution, as the old runtime sized
  // its input; filled before validation so ajv applies the input defaults.
  const derivedInput = data.input === undefined;
  if (derivedInput) {
    const er = data.expected_resolution === undefined ? [640, 640] : data.expected_resolution;
    if (Array.isArray(er) && er.length === 2) data.input = { width: er[0], height: er[1] };
  }
  if (!validate(data)) {
    for (const e of validate.errors ?? []) {
      const issue = ajvIssue(e, data, loc);
      if (derivedInput && issue.path.startsWith('input')) {
        issues.push({ path: 'expected_resolution', line: loc.line(['expected_resolution']), message: `is the input size when input is absent, so ${issue.path} ${issue.message}` });
      } else {
        issues.push(issue);
      }
    }
    throw new ConfigError(file, dedupe(issues));
  }
  const rr = data.resource_requirements as { gpu_required: boolean; cpu_fallback_allowed: boolean };
  if (rr.gpu_required && rr.cpu_fallback_allowed) {
    // Checked after defaults: cpu_fallback_allowed defaults to true.
    issues.push(gpuIssue(loc));
  }
  const dir = dirname(file);
  const confine = (path: string, at: PathSegment[]): void => {
    const why = escapes(dir, path);
    if (why !== undefined) issues.push({ path: formatPath(at), line: loc.line(at), message: `${show(path)} ${why}` });
  };
  confine(data.handler as string, ['handler']);
  const weights = data.model_weights;
  if (typeof weights === 'string') {
    confine(weights, ['model_weights']);
    const p = isAbsolute(weights) ? weights : resolve(dir, weights);
    if (!existsSync(p)) issues.push({ path: 'model_weights', line: loc.line(['model_weights']), message: `file ${show(p)} does not exist` });
  }
  const ids = new Set<string>();
  (data.weights as { path: string }[]).forEach((w, i) => {
    confine(w.path, ['weights', i, 'path']);
    if (ids.has(w.path)) issues.push({ path: `weights[${i}].path`, line: loc.line(['weights', i, 'path']), message: `lists ${show(w.path)} twice` });
    ids.add(w.path);
  });
  // Every ONNX session loads a pinned weight: never an unchecked file.
  const sessions = (data.onnx as { sessions?: Record<string, { weight: string }> } | undefined)?.sessions ?? {};
  for (const [name, s] of Object.entries(sessions)) {
    if (!ids.has(s.weight)) issues.push({ path: `onnx.sessions.${name}.weight`, line: loc.line(['onnx', 'sessions', name, 'weight']), message: `must be the path of one of weights, got ${show(s.weight)}` });
  }
  if (data.onnx !== undefined && data.engine !== 'onnx') {
    issues.push({ path: 'onnx', line: loc.line(['onnx']), message: `is for engine: onnx, but engine is ${show(data.engine)}` });
  }
  if (issues.length > 0) throw new ConfigError(file, issues);
  return deepFreeze(data) as unknown as ModelConfig;
}

function insideDir(path: string, dir: string): boolean {
  return path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/**
 * Why `path` (from model.yaml) leaves the model folder `dir`, or undefined.
 * Checked by name, and by real path when the file exists (a symlink out).
 */
function escapes(dir: string, path: string): string | undefined {
  const out = `must stay inside the model folder ${dir}`;
  const full = resolve(dir, path);
  if (!insideDir(full, dir)) return out;
  let real: string;
  try {
    real = realpathSync.native(full);
  } catch {
    return undefined; // missing files are reported where they are needed
  }
  return insideDir(real, realpathSync.native(dir)) ? undefined : `${out} (it is a symlink to a file outside)`;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function loadModelConfig(file: string): ModelConfig {
  const abs = resolve(file);
  let text: string;
  try {
    const fd = openSync(abs, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > MAX_MODEL_YAML_BYTES) {
        throw new ConfigError(abs, [{ path: '', message: `is ${size} bytes, over the ${MAX_MODEL_YAML_BYTES}-byte limit for a model.yaml` }]);
      }
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(abs, [{ path: '', message: code === 'ENOENT' ? 'does not exist' : `cannot be read: ${code ?? String(err)}` }], { cause: err });
  }
  return validateModelConfig(abs, parseYaml(abs, text), text);
}

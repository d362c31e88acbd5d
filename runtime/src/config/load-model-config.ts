/**
 * Loads one model.yaml: js-yaml for the values, the JSON Schema (ajv, strict,
 * all errors, defaults applied) for the shape, then the rules a schema cannot
 * express. Every problem becomes a ConfigError naming file, YAML path and
 * line. The result is deeply frozen.
 *
 * Usable outside the server: the factory's generator validates every
 * models/<id>/model.yaml with it.
 */
import type { ErrorObject } from 'ajv';
import yaml from 'js-yaml';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { deepFreeze } from './deep-freeze.js';
import type { ModelConfig } from './model-config.js';
import { modelValidator } from './model-schema.js';
import { YamlLocator, formatPath, pointerToPath, type PathSegment } from './yaml-locate.js';

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

function parseYaml(file: string, text: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = yaml.load(text, { filename: file });
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
  const weights = data.model_weights;
  if (typeof weights === 'string') {
    const p = isAbsolute(weights) ? weights : resolve(dirname(file), weights);
    if (!existsSync(p)) issues.push({ path: 'model_weights', line: loc.line(['model_weights']), message: `file ${show(p)} does not exist` });
  }
  const ids = new Set<string>();
  (data.weights as { path: string }[]).forEach((w, i) => {
    if (ids.has(w.path)) issues.push({ path: `weights[${i}].path`, line: loc.line(['weights', i, 'path']), message: `lists ${show(w.path)} twice` });
    ids.add(w.path);
  });
  if (issues.length > 0) throw new ConfigError(file, issues);
  return deepFreeze(data) as unknown as ModelConfig;
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
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(abs, [{ path: '', message: code === 'ENOENT' ? 'does not exist' : `cannot be read: ${code ?? String(err)}` }], { cause: err });
  }
  return validateModelConfig(abs, parseYaml(abs, text), text);
}

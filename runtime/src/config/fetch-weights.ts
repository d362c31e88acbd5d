/**
 * Copies each weight that has an npm `source` from its pinned package into the
 * model folder, then checks its sha256. The package must be installed (by the
 * model folder's own npm ci) at exactly the pinned version; it is looked up
 * the way Node resolves packages: <modelDir>/node_modules, then parents.
 * A weight whose source is a conversion (`convert`, `from`) is made from an
 * earlier weight of the list, after that one was verified, and checked the
 * same way.
 *
 * The image build and local development both call this, through
 * `ruth-model fetch-weights [dir]`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadModelConfig } from './load-model-config.js';
import type { ModelConfig, NpmWeightSource, WeightFile } from './model-config.js';
import { sha256File, verifyWeightFile, weightPath } from './verify-weights.js';
import { WeightError } from '../errors/errors.js';

export interface FetchedWeight {
  path: string;
  action: 'copied' | 'converted' | 'unchanged' | 'verified';
  from?: string;
}

/** "@scope/name@1.2.3" → ["@scope/name", "1.2.3"]. */
export function parseNpmSpec(spec: string): { name: string; version: string } {
  const at = spec.lastIndexOf('@');
  if (at <= 0) throw new WeightError('WEIGHT_SOURCE', `source.npm ${JSON.stringify(spec)} must be name@version`);
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

/** The folder of an installed package, searched upward from modelDir. */
export function findPackageDir(modelDir: string, name: string): string | undefined {
  let dir = resolve(modelDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function resolveWeightSource(modelDir: string, source: NpmWeightSource, index: number): string {
  const { name, version } = parseNpmSpec(source.npm);
  const pkgDir = findPackageDir(modelDir, name);
  if (pkgDir === undefined) {
    throw new WeightError('WEIGHT_SOURCE', `weights[${index}].source: package ${name} is not installed under ${modelDir} (add "${name}": "${version}" to its package.json and run npm ci there)`);
  }
  const installed = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version?: string }).version;
  if (installed !== version) {
    throw new WeightError('WEIGHT_SOURCE', `weights[${index}].source: ${name} at ${pkgDir} is version ${installed}, model.yaml pins ${version}`);
  }
  const file = resolve(pkgDir, source.file);
  if (!file.startsWith(pkgDir + '/')) throw new WeightError('WEIGHT_SOURCE', `weights[${index}].source.file ${JSON.stringify(source.file)} leaves the package folder`);
  if (!existsSync(file)) throw new WeightError('WEIGHT_SOURCE', `weights[${index}].source.file ${JSON.stringify(source.file)} is not in ${name}@${version} (looked at ${file})`);
  return file;
}

/** Copies (when needed) and verifies every weight of the model in modelDir. */
export async function fetchWeights(modelDir: string): Promise<FetchedWeight[]> {
  const dir = resolve(modelDir);
  const config = loadModelConfig(join(dir, 'model.yaml'));
  const done: FetchedWeight[] = [];
  for (const [i, w] of config.weights.entries()) {
    const target = weightPath(dir, w);
    if (w.source === undefined) {
      await verifyWeightFile(dir, w, i);
      done.push({ path: target, action: 'verified' });
      continue;
    }
    if ('convert' in w.source) {
      done.push(await convertInto(dir, config, w, i));
      continue;
    }
    const from = resolveWeightSource(dir, w.source, i);
    if (existsSync(target) && (await sha256File(target)) === w.sha256) {
      done.push({ path: target, action: 'unchanged', from });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(from, target);
    await verifyWeightFile(dir, w, i);
    done.push({ path: target, action: 'copied', from });
  }
  return done;
}

/** Makes weight `index` from the earlier weight its source names, unless it is already there and right. */
async function convertInto(dir: string, config: ModelConfig, w: WeightFile, index: number): Promise<FetchedWeight> {
  const source = w.source as Extract<WeightFile['source'], { convert: string }>;
  const fromIndex = config.weights.findIndex((x) => x.path === source.from);
  if (fromIndex < 0 || fromIndex >= index) {
    throw new WeightError('WEIGHT_SOURCE', `weights[${index}].source.from ${JSON.stringify(source.from)} must be the path of an earlier weight`);
  }
  const from = weightPath(dir, config.weights[fromIndex]!);
  const target = weightPath(dir, w);
  if (existsSync(target) && (await sha256File(target)) === w.sha256) return { path: target, action: 'unchanged', from };
  let bytes: Uint8Array;
  // The converter is build-time tooling: imported here, not by every server and worker that imports the runtime.
  const { convertWeight } = await import('../convert/convert-weight.js');
  try {
    bytes = convertWeight(dir, source, from);
  } catch (err) {
    throw new WeightError('WEIGHT_SOURCE', `weights[${index}]: ${source.convert} of ${source.from} failed: ${(err as Error).message}`, { cause: err });
  }
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, bytes);
  await verifyWeightFile(dir, w, index);
  return { path: target, action: 'converted', from };
}

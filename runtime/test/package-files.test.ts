/**
 * What `npm pack` ships is what the base image installs (runtime/Dockerfile
 * unpacks the tarball): the compiled runtime, its CLI and the model.yaml
 * schema the loader needs outside this repo, identical to the canonical one;
 * and nothing else: test tools (`./testing`) and image tools (`./image`) stay
 * in the repo.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RUNTIME_DIR } from '../src/testing/spawn-server.js';

const exec = promisify(execFile);

describe('the packed runtime', { timeout: 30_000 }, () => {
  it('ships dist, the CLI and a current copy of schemas/model.schema.json', async () => {
    const { stdout } = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: RUNTIME_DIR });
    const files = (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/cli/main.js', 'dist/preprocess/yuv-nearest.wasm', 'dist/config/model-validator.cjs', 'tsconfig.model.json', 'schemas/model.schema.json']));
    expect(readFileSync(path.join(RUNTIME_DIR, 'schemas/model.schema.json'), 'utf8')).toBe(readFileSync(path.join(RUNTIME_DIR, '../schemas/model.schema.json'), 'utf8'));
  });

  it('ships the core alone: no test tools, image tools, benchmarks, or their dependencies', async () => {
    const { stdout } = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: RUNTIME_DIR });
    const files = (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
    expect(files.filter((f) => /^dist\/(testing|image|bench)\//.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(path.join(RUNTIME_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('jpeg-js');
    expect(Object.keys(pkg.dependencies)).not.toContain('pngjs');
  });
});

/**
 * `npm run new-model` scaffolds a folder that the factory accepts as is: its
 * model.yaml validates, the generator lists it as a bake target, and its
 * handler compiles against the runtime. One scaffold of each engine's
 * template (tfjs, onnx). That each scaffold also builds into an image that
 * serves its own golden fixtures, hardened, is the image tests' part
 * (test/images/scaffold-images.test.ts): this project has no image builds.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, readModels } from '../../scripts/lib/models.js';
import { SCAFFOLD_KINDS, SCAFFOLD_VERSION, newModel, scratchDir } from '../support/scaffold.js';

const exec = promisify(execFile);
const scratch = scratchDir('new-model-test');
// bake names images under NAMESPACE (the image tests set it per engineer).
const ns = process.env.NAMESPACE || 'ruth-ai';

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

for (const { engine, golden } of SCAFFOLD_KINDS) {
  const id = `scaffold-${engine}-check`;
  describe(`new-model --engine ${engine}`, { timeout: 120_000 }, () => {
    const modelsDir = join(scratch, engine, 'models');
    // One scaffold that every test reads: each passes alone and in any order.
    beforeAll(async () => {
      await newModel([id, '--engine', engine], modelsDir);
    }, 120_000);

    it('scaffolds a folder whose model.yaml validates and names the model', async () => {
      for (const f of ['model.yaml', 'package.json', 'package-lock.json', 'tsconfig.json', '.dockerignore', 'src/handler.ts', golden]) {
        expect(existsSync(join(modelsDir, id, f)), f).toBe(true);
      }
      const yaml = readFileSync(join(modelsDir, id, 'model.yaml'), 'utf8');
      expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/model.schema.json');
      expect(yaml).toContain(`engine: ${engine}`);
      const [model] = await readModels(modelsDir);
      expect(model).toMatchObject({ id, version: SCAFFOLD_VERSION });
      const lock = JSON.parse(readFileSync(join(modelsDir, id, 'package-lock.json'), 'utf8')) as { name: string; packages: Record<string, { name?: string }> };
      expect(lock.name).toBe(`@ruth-ai/model-${id}`);
      expect(lock.packages[''].name).toBe(`@ruth-ai/model-${id}`);
    });

    it('becomes a bake target after generate', async () => {
      const out = join(scratch, engine, 'docker-bake.json');
      await exec('npx', ['--no-install', 'tsx', 'scripts/generate.ts', '--models-dir', modelsDir, '--output', out], { cwd: ROOT });
      const { stdout } = await exec('docker', ['buildx', 'bake', '-f', 'docker-bake.hcl', '-f', out, '--print', `model-${id}`], { cwd: ROOT });
      const printed = JSON.parse(stdout) as { target: Record<string, { tags: string[]; contexts: Record<string, string> }> };
      expect(printed.target[`model-${id}`]).toMatchObject({
        tags: [`${ns}/${id}:${SCAFFOLD_VERSION}`, `${ns}/${id}:latest`],
        contexts: { runtime: 'target:runtime', sdk: 'target:runtime-sdk' },
      });
    });

    it('compiles its handler against the runtime', async () => {
      await exec(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(modelsDir, id, 'tsconfig.json')], { cwd: ROOT });
      expect(existsSync(join(modelsDir, id, 'dist/handler.js'))).toBe(true);
    });

    it('refuses an id that is not a valid model_id, a folder that exists, or an unknown engine', async () => {
      const scaffold = (...args: string[]) => newModel(args, modelsDir);
      await expect(scaffold('Bad_ID', '--engine', engine)).rejects.toMatchObject({ stderr: expect.stringContaining('expected a model id like') });
      await expect(scaffold(id, '--engine', engine)).rejects.toMatchObject({ stderr: expect.stringContaining('not to exist') });
      await expect(scaffold(`${id}-2`, '--engine', 'pytorch')).rejects.toMatchObject({ stderr: expect.stringContaining('expected --engine tfjs or onnx') });
    });
  });
}

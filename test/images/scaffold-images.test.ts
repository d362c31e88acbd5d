/**
 * A model fresh from `npm run new-model` builds and serves with no edit: for
 * each engine template (tfjs, onnx), a scaffold in a scratch folder is built
 * by `npm run build`'s own script (bake, tagged under NAMESPACE), started
 * hardened and put through every check a models/<id>/ image gets
 * (test/support/model-image-suite.ts), its own golden fixtures included.
 * The images, containers and scratch folders are removed afterwards; the
 * BuildKit cache stays, so a second run rebuilds nothing.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe } from 'vitest';
import { ROOT } from '../../scripts/lib/models.js';
import { NAMESPACE, docker } from '../support/containers.js';
import { describeModelImage } from '../support/model-image-suite.js';
import { SCAFFOLD_KINDS, SCAFFOLD_VERSION, newModel, scratchDir, templateDir } from '../support/scaffold.js';

const exec = promisify(execFile);
const scratch = scratchDir('scaffold-images-test');

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

for (const { engine } of SCAFFOLD_KINDS) {
  const id = `scaffold-${engine}-image`;
  const modelsDir = join(scratch, engine, 'models');
  const image = { id, version: SCAFFOLD_VERSION, tag: `${NAMESPACE}/${id}:${SCAFFOLD_VERSION}`, modelDir: join(modelsDir, id) };

  describe(`new-model --engine ${engine}: its image`, () => {
    // Scaffold, then build exactly that target (its runtime comes from the
    // BuildKit cache the global setup filled).
    beforeAll(async () => {
      await newModel([id, '--engine', engine], modelsDir);
      const bakeJson = join(scratch, engine, 'docker-bake.json');
      await exec('npx', ['--no-install', 'tsx', 'scripts/build.ts', '--models-dir', modelsDir, '--bake-json', bakeJson, `model-${id}`], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
      });
    }, 900_000);

    // After the suite's own afterAll has removed its containers.
    afterAll(async () => {
      await docker('rmi', image.tag, `${NAMESPACE}/${id}:latest`).catch(() => undefined);
      rmSync(join(scratch, engine), { recursive: true, force: true });
    });

    // Test names come from the template's goldens: the scaffold is made when the tests run.
    describeModelImage(image, templateDir(engine));
  });
}

/**
 * Builds every image once for the `images` project (BuildKit makes a rebuild
 * with no change take seconds), then hands the tags to the tests. After the
 * run it removes any container the suite left and fails if there was one.
 *
 * RUTH_SKIP_IMAGE_BUILD=1 uses the images already loaded (fast local loops).
 */
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { readModels, runtimeVersion, ROOT } from '../../scripts/lib/models.js';
import { docker, leftoverContainers, NAMESPACE } from '../support/containers.js';

export interface ImageUnderTest {
  id: string;
  version: string;
  tag: string;
  modelDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    runtimeImage: string;
    runtimeVersion: string;
    modelImages: ImageUnderTest[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  if (process.env.RUTH_SKIP_IMAGE_BUILD !== '1') {
    execFileSync('npx', ['--no-install', 'tsx', 'scripts/build.ts'], { cwd: ROOT, stdio: 'inherit' });
  }
  const version = runtimeVersion();
  const models = await readModels();
  project.provide('runtimeImage', `${NAMESPACE}/model-runtime:${version}`);
  project.provide('runtimeVersion', version);
  project.provide(
    'modelImages',
    models.map((m) => ({ id: m.id, version: m.version, tag: `${NAMESPACE}/${m.id}:${m.version}`, modelDir: `${ROOT}/${m.context}` })),
  );

  return async () => {
    const left = await leftoverContainers();
    if (left.length > 0) {
      await docker('rm', '-f', ...left);
      throw new Error(`the image tests left ${left.length} container(s) behind: ${left.join(', ')} (removed now)`);
    }
  };
}

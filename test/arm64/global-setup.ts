/**
 * Builds the arm64 images once for the `arm64` project, on this (amd64) host:
 *   1. an arm64 base OS image (debootstrap --arch arm64, its second stage
 *      under QEMU: scripts/ensure-base-image.ts), unless present;
 *   2. the runtime and fall-detection for linux/arm64 (scripts/build.ts with
 *      PLATFORMS=linux/arm64): npm and tsc run natively in the build stages
 *      (on BUILD_BASE_IMAGE, the host's base), QEMU runs the runtime stage's
 *      apt only. Tagged <NAMESPACE>-arm64/... so they never replace the amd64
 *      images of the `images` project (a classic image store holds one
 *      platform per tag).
 * RUTH_SKIP_IMAGE_BUILD=1 uses the images already loaded.
 */
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { archBaseImage, dockerfileBaseImage, ROOT } from '../../scripts/lib/models.js';
import { docker, leftoverContainers, NAMESPACE } from '../support/containers.js';

/** The arm64 base's local name; debootstrap takes minutes, so keep it between runs. */
export const ARM64_BASE = archBaseImage('arm64');
export const ARM64_NAMESPACE = `${NAMESPACE}-arm64`;

declare module 'vitest' {
  export interface ProvidedContext {
    arm64Namespace: string;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  if (process.env.RUTH_SKIP_IMAGE_BUILD !== '1') {
    const tsx = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      execFileSync('npx', ['--no-install', 'tsx', ...args], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    tsx(['scripts/ensure-base-image.ts', '--image', ARM64_BASE, '--arch', 'arm64']);
    tsx(['scripts/build.ts', 'runtime', 'model-fall-detection'], {
      PLATFORMS: 'linux/arm64',
      BASE_IMAGE: ARM64_BASE,
      // The build stages' base: the host's, as the amd64 images use.
      BUILD_BASE_IMAGE: process.env.BASE_IMAGE || dockerfileBaseImage(),
      NAMESPACE: ARM64_NAMESPACE,
    });
  }
  project.provide('arm64Namespace', ARM64_NAMESPACE);

  return async () => {
    const left = await leftoverContainers();
    if (left.length > 0) {
      await docker('rm', '-f', ...left);
      throw new Error(`the arm64 tests left ${left.length} container(s) behind: ${left.join(', ')} (removed now)`);
    }
  };
}

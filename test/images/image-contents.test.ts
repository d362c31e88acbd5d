/**
 * What the built images hold, read from the images themselves (the build
 * checks the same while it runs; this proves the images that were loaded):
 *   - the base image holds no inference engine or image tool (no optional
 *     peer of the runtime: runtime/docker/check-no-peers.mjs);
 *   - each model image holds native binaries for its own CPU only
 *     (runtime/docker/check-native-arch.mjs), and of onnxruntime-node's
 *     per-platform folders only linux/<its arch>.
 * The files are copied out of a created, never started, container.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../../scripts/lib/models.js';
import { NAMESPACE, SUITE_LABEL, docker } from '../support/containers.js';

const exec = promisify(execFile);
/** Docker's architecture names as Node calls them (check-native-arch.mjs takes Node's). */
const NODE_ARCH: Record<string, string> = { amd64: 'x64', arm64: 'arm64' };
const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6';

/** Copies a folder out of an image into dest (a created container, removed at once). */
async function copyOut(image: string, folder: string, dest: string): Promise<void> {
  const id = (await docker('create', '--label', `${SUITE_LABEL}=${NAMESPACE}`, image)).trim();
  try {
    await docker('cp', `${id}:${folder}`, dest);
  } finally {
    await docker('rm', '-f', id);
  }
}

describe('image contents', { timeout: 120_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ruth-test-contents-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the base image holds no engine or image tool', async () => {
    const dest = join(scratch, 'runtime-node_modules');
    await copyOut(inject('runtimeImage'), '/opt/ruth-ai/node_modules', dest);
    // The runtime itself is there: the copy is the real folder, not an empty one.
    expect(existsSync(join(dest, '@ruth-ai/model-runtime/package.json'))).toBe(true);
    await expect(exec(process.execPath, ['runtime/docker/check-no-peers.mjs', dest], { cwd: ROOT })).resolves.toBeDefined();
  });

  for (const image of inject('modelImages')) {
    it(`${image.tag} holds native binaries for its own CPU only`, async () => {
      const arch = NODE_ARCH[(await docker('image', 'inspect', '-f', '{{.Architecture}}', image.tag)).trim()];
      expect(arch, 'the image architecture').toBeDefined();
      const dest = join(scratch, image.id);
      await copyOut(image.tag, `/opt/ruth-ai/models/${image.id}`, dest);
      const { stdout } = await exec(process.execPath, ['runtime/docker/check-native-arch.mjs', join(dest, 'node_modules'), arch!], { cwd: ROOT });
      expect(stdout).toMatch(new RegExp(`check-native-arch: \\d+ native binaries in .*, all ${arch}`));
      // Non-ELF binaries (Windows, macOS) are pruned too: one platform folder is left.
      if (existsSync(join(dest, ORT_BIN))) {
        const platforms = readdirSync(join(dest, ORT_BIN)).flatMap((os) => readdirSync(join(dest, ORT_BIN, os)).map((cpu) => `${os}/${cpu}`));
        expect(platforms).toEqual([`linux/${arch}`]);
      }
    });
  }
});

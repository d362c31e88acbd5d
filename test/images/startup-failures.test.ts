/**
 * Images that cannot serve must say why and stop: the runtime image with no
 * model, and each model image with an invalid model.yaml mounted over its own.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { NAMESPACE, SUITE_LABEL, docker } from '../support/containers.js';

/** Runs an image to completion, hardened, and returns its exit code and output. */
async function runToExit(image: string, extra: string[] = []): Promise<{ code: number; logs: string }> {
  const id = (
    await docker('run', '-d', '--label', `${SUITE_LABEL}=${NAMESPACE}`, '--read-only', '--cap-drop', 'ALL', '--network', 'none',
      '--security-opt', 'no-new-privileges:true', ...extra, image)
  ).trim();
  try {
    const code = Number((await docker('wait', id)).trim());
    const logs = await docker('logs', id);
    return { code, logs };
  } finally {
    await docker('rm', '-f', id);
  }
}

describe('start-up failures', { timeout: 60_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ruth-test-broken-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the runtime image alone exits non-zero saying it has no model', async () => {
    const { code, logs } = await runToExit(inject('runtimeImage'));
    expect(code).not.toBe(0);
    const line = JSON.parse(logs.trim().split('\n').pop()!) as { level: string; msg: string };
    expect(line.level).toBe('error');
    expect(line.msg).toMatch(/no usable model in \/opt\/ruth-ai\/models/);
  });

  for (const image of inject('modelImages')) {
    it(`${image.tag} with an invalid model.yaml exits non-zero naming file, path and line`, async () => {
      // Break one field: model_version must be a semver string.
      const original = readFileSync(join(image.modelDir, 'model.yaml'), 'utf8');
      const lines = original.split('\n');
      const line = lines.findIndex((l) => l.startsWith('model_version:')) + 1;
      expect(line).toBeGreaterThan(0);
      lines[line - 1] = 'model_version: not-a-version';
      const broken = join(scratch, `${image.id}.yaml`);
      writeFileSync(broken, lines.join('\n'));
      chmodSync(broken, 0o644);

      const target = `/opt/ruth-ai/models/${image.id}/model.yaml`;
      const { code, logs } = await runToExit(image.tag, ['-v', `${broken}:${target}:ro`]);
      expect(code).not.toBe(0);
      expect(logs).toContain(`${target}:${line}: model_version:`);
    });

    it(`${image.tag} with a weight swapped exits non-zero with WEIGHT_MISMATCH, before any worker loads`, async () => {
      // The workers start while the weights are hashed: none may load, let alone serve, a swapped one.
      const weights = /^\s+- path: (\S+)$/m.exec(readFileSync(join(image.modelDir, 'model.yaml'), 'utf8'))?.[1];
      expect(weights).toBeDefined();
      const swapped = join(scratch, `${image.id}-weight`);
      writeFileSync(swapped, 'not the pinned weight\n');
      chmodSync(swapped, 0o644);
      const target = `/opt/ruth-ai/models/${image.id}/${weights}`;
      // A writable /tmp for the socket: the socket is bound while the weights are hashed.
      const { code, logs } = await runToExit(image.tag, ['--tmpfs', '/tmp', '-v', `${swapped}:${target}:ro`]);
      expect(code).toBe(1);
      const last = JSON.parse(logs.trim().split('\n').pop()!) as { level: string; msg: string };
      expect(last).toMatchObject({ level: 'error', error_type: 'WeightError', error_code: 'WEIGHT_MISMATCH' });
      expect(last.msg).toContain(`${target}: sha256 is `);
      expect(logs).not.toContain('"msg":"worker ready"');
      expect(logs).not.toContain('"msg":"ready"');
    });
  }
});

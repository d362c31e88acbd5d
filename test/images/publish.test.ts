/**
 * Publishing: bake pushes every image to a real registry (Debian's
 * docker-registry, started here on 127.0.0.1), the local copies are removed,
 * and the images pulled back run: the runtime reports its version, each model
 * serves `describe` over its socket.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { request } from '@ruth-ai/model-runtime';
import { ROOT } from '../../scripts/lib/models.js';
import { REGISTRY_BIN, startRegistry, type LocalRegistry } from '../../scripts/lib/registry.js';
import { docker, makeSharedDirs, modelContainer, NAMESPACE } from '../support/containers.js';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

// Pushing compresses every layer of the runtime and each model image (two
// models, ~650 MB in all): minutes on a loaded 2-core machine.
describe('publishing to a registry', { timeout: 600_000 }, () => {
  const storage = mkdtempSync(join(tmpdir(), 'ruth-test-registry-'));
  const models = inject('modelImages');
  const version = inject('runtimeVersion');
  let registry: LocalRegistry | undefined;
  let host = '';
  const pushed: string[] = [];
  let push = { code: -1, output: 'the push in beforeAll did not run' };

  beforeAll(async () => {
    expect(existsSync(REGISTRY_BIN), `${REGISTRY_BIN} (apt-get install docker-registry)`).toBe(true);
    registry = await startRegistry(storage);
    host = registry.host;
    // The push is every test's starting point (each pull test needs it), so it
    // happens here: every test passes alone and in any order.
    const caBundle = existsSync('/etc/ssl/certs/ca-certificates.crt') ? '/etc/ssl/certs/ca-certificates.crt' : '';
    // The bake file builds amd64 and arm64; this engine's builder (the docker
    // driver, classic image store) holds one platform: its own (docs/deploy.md).
    const platform = (await docker('version', '-f', '{{.Server.Os}}/{{.Server.Arch}}')).trim();
    push = await run('docker', ['buildx', 'bake', '-f', 'docker-bake.hcl', '-f', 'docker-bake.json', '--push', 'all'], {
      ...process.env,
      PLATFORMS: platform,
      REGISTRY: host,
      CA_BUNDLE: process.env.CA_BUNDLE ?? caBundle,
    });
    pushed.push(`${host}/${NAMESPACE}/model-runtime:${version}`, `${host}/${NAMESPACE}/model-runtime:latest`);
    pushed.push(`${host}/${NAMESPACE}/frame-producer:${version}`, `${host}/${NAMESPACE}/frame-producer:latest`);
    for (const m of models) pushed.push(`${host}/${NAMESPACE}/${m.id}:${m.version}`, `${host}/${NAMESPACE}/${m.id}:latest`);
  }, 330_000);

  afterAll(async () => {
    if (pushed.length > 0) await docker('rmi', '-f', ...pushed).catch(() => undefined);
    registry?.stop();
    rmSync(storage, { recursive: true, force: true });
  });

  it('pushes the runtime and every model with bake', async () => {
    expect(push.code, push.output.slice(-3000)).toBe(0);

    const catalog = (await (await fetch(`http://${host}/v2/_catalog`)).json()) as { repositories: string[] };
    expect(catalog.repositories.sort()).toEqual([`${NAMESPACE}/model-runtime`, `${NAMESPACE}/frame-producer`, ...models.map((m) => `${NAMESPACE}/${m.id}`)].sort());
    const tags = (await (await fetch(`http://${host}/v2/${NAMESPACE}/model-runtime/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags.sort()).toEqual([version, 'latest'].sort());
  });

  it('pulls the runtime back and it reports its version', async () => {
    const image = `${host}/${NAMESPACE}/model-runtime:${version}`;
    // Only the runtime's local copies: a model's pull test may be using its own.
    await docker('rmi', '-f', ...pushed.filter((tag) => tag.includes('/model-runtime:')));
    await expect(docker('image', 'inspect', image)).rejects.toThrow();
    await docker('pull', '-q', image);
    expect((await docker('run', '--rm', '--network', 'none', image, '--version')).trim()).toBe(version);
  });

  for (const m of models) {
    it(`pulls ${m.id} back and it serves describe over its socket`, async () => {
      const image = `${host}/${NAMESPACE}/${m.id}:${m.version}`;
      await docker('pull', '-q', image);
      const dirs = makeSharedDirs(`ruth-test-pull-${m.id}`);
      const container = await modelContainer(image, dirs).start();
      try {
        const described = await request<Record<string, unknown>>(join(dirs.socketDir, `vas_model_${m.id}.sock`), { op: 'describe' });
        expect(described).toMatchObject({ model_id: m.id, model_version: m.version, runtime_version: version });
      } finally {
        await docker('rm', '-f', container.getId());
        dirs.cleanup();
      }
    });
  }
});

/**
 * The generated deployment files: deploy/kubernetes/ rendered by `kubectl
 * kustomize` (Debian's kubernetes-client) and every object validated against
 * the Kubernetes OpenAPI schemas (kubernetes-models); deploy/compose.yaml
 * read back by `docker compose config`. No cluster and no container here:
 * the compose demo itself runs in test/images/compose-demo.test.ts.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ROOT, readModels } from '../../scripts/lib/models.js';

const exec = promisify(execFile);
type Obj = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any };

async function kustomize(dir: string): Promise<Obj[]> {
  const { stdout } = await exec('kubectl', ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 });
  return YAML.parseAllDocuments(stdout).map((d) => d.toJS() as Obj);
}

/** Validates one object against its kind's OpenAPI schema; returns the error text or ''. */
async function schemaErrors(obj: Obj): Promise<string> {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const spec = `kubernetes-models/${group ? `${group}/` : ''}${version}/${obj.kind}`;
  const module = (await import(/* @vite-ignore */ spec)) as Record<string, new (o: unknown) => { validate(): void }>;
  try {
    new module[obj.kind]!(obj).validate();
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

const memoryOf = (id: string): number => (YAML.parse(readFileSync(join(ROOT, 'models', id, 'model.yaml'), 'utf8')) as { resource_requirements: { memory_mb: number } }).resource_requirements.memory_mb;

function checkPod(ds: Obj, ids: string[]): void {
  const pod = ds.spec.template.spec;
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.volumes).toEqual(expect.arrayContaining([
    { name: 'vas', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
    { name: 'sockets', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
  ]));
  expect(pod.containers.map((c: { name: string }) => c.name).sort()).toEqual([...ids].sort());
  for (const c of pod.containers) {
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'vas', mountPath: '/dev/shm/vas', readOnly: true }, { name: 'sockets', mountPath: '/run/ruth-ai' }]));
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) expect(c[probe].exec.command).toEqual(['ruth-model', 'health']);
  }
}

describe('deploy/kubernetes', { timeout: 60_000 }, () => {
  it('the base renders to one DaemonSet running every model, hardened, and every object is schema-valid', async () => {
    const ids = (await readModels()).map((m) => m.id);
    const objects = await kustomize(join(ROOT, 'deploy/kubernetes/base'));
    expect(objects.map((o) => o.kind)).toEqual(['DaemonSet']);
    for (const o of objects) expect(await schemaErrors(o)).toBe('');
    checkPod(objects[0]!, ids);
    for (const c of objects[0]!.spec.template.spec.containers) {
      const mb = memoryOf(c.name);
      expect(c.resources).toEqual({ requests: { memory: `${mb}Mi` }, limits: { memory: `${mb}Mi` } });
    }
  });

  it('the overlay example adds a second model to the same pod and points the images at a registry', async () => {
    const ids = (await readModels()).map((m) => m.id);
    const objects = await kustomize(join(ROOT, 'deploy/kubernetes/overlays/people-counter'));
    for (const o of objects) expect(await schemaErrors(o)).toBe('');
    checkPod(objects[0]!, [...ids, 'people-counter']);
    const images = objects[0]!.spec.template.spec.containers.map((c: { image: string }) => c.image);
    expect(images).toContain('ghcr.io/ruth-ai/people-counter:0.1.0');
    for (const id of ids) expect(images.some((i: string) => i.startsWith(`ghcr.io/ruth-ai/${id}:`))).toBe(true);
  });

  it('a GPU model gets nvidia.com/gpu and a GPU node selector', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ruth-deploy-gpu-'));
    scratch.push(dir);
    const model = join(dir, 'models', 'fall-detection');
    for (const f of ['model.yaml', 'package.json', 'package-lock.json']) cpSync(join(ROOT, 'models/fall-detection', f), join(model, f));
    const yaml = join(model, 'model.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('gpu_required: false', 'gpu_required: true').replace('cpu_fallback_allowed: true', 'cpu_fallback_allowed: false'));
    await exec('npx', ['--no-install', 'tsx', 'scripts/generate.ts', '--models-dir', join(dir, 'models'), '--output', join(dir, 'docker-bake.json')], { cwd: ROOT });
    const [ds] = await kustomize(join(dir, 'deploy/kubernetes/base'));
    expect(await schemaErrors(ds!)).toBe('');
    const pod = ds!.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(pod.containers[0].resources.limits).toEqual({ memory: '512Mi', 'nvidia.com/gpu': 1 });
    const compose = YAML.parse(readFileSync(join(dir, 'deploy/compose.yaml'), 'utf8')) as { services: Record<string, any> };
    expect(compose.services['fall-detection'].deploy.resources.reservations.devices).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
  });

  it('the schema check rejects a broken object (the validator is really on)', async () => {
    const [ds] = await kustomize(join(ROOT, 'deploy/kubernetes/base'));
    ds!.spec.template.spec.containers[0].securityContext.runAsNonRoot = 'yes';
    expect(await schemaErrors(ds!)).toMatch(/runAsNonRoot/);
  });
});

describe('deploy/compose.yaml', { timeout: 60_000 }, () => {
  it('docker compose reads it: one hardened service per model, the demo profile adds producer and watcher', async () => {
    const ids = (await readModels()).map((m) => m.id);
    const read = async (...profile: string[]) =>
      YAML.parse((await exec('docker', ['compose', '-f', join(ROOT, 'deploy/compose.yaml'), ...profile, 'config'])).stdout) as { services: Record<string, any> };
    const plain = await read();
    expect(Object.keys(plain.services).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const s = plain.services[id];
      expect(s).toMatchObject({ user: '10001:10001', read_only: true, cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'], network_mode: 'none' });
      expect(s.healthcheck.test).toEqual(['CMD', 'ruth-model', 'health']);
      expect(s.deploy.resources.limits.memory).toBe(String(memoryOf(id) * 1024 * 1024));
      expect(s.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'vas', target: '/dev/shm/vas', read_only: true })]));
    }
    const demo = await read('--profile', 'demo');
    expect(Object.keys(demo.services).sort()).toEqual([...ids, 'producer', 'watcher'].sort());
  });
});

/**
 * The checks every model image passes, started hardened, answering real
 * requests over its mounted socket:
 *   ready line -> hardening -> Docker health -> health/describe ops ->
 *   golden fixtures (real photos as NV12 in shared memory) -> a bad frame
 *   path -> SIGTERM drains, exits 0, removes its socket.
 * Used for each models/<id>/ (model-images.test.ts) and for a freshly
 * scaffolded model of each engine template (scaffold-images.test.ts).
 */
import { existsSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { request } from '@ruth-ai/model-runtime';
import { frameFromImage, loadGoldenCases, matchDetections, until, type GoldenCase, type ReturnedDetection } from '@ruth-ai/model-runtime/testing';
import type { ImageUnderTest } from '../images/global-setup.js';
import { RUNTIME_UID, docker, makeSharedDirs, modelContainer, type SharedDirs } from './containers.js';

type Json = Record<string, unknown>;

/**
 * One describe block for one model image. The golden tests are named at
 * collection from listGoldensIn (default: the model's folder); each loads its
 * case from the model's folder when it runs, so a folder made in a beforeAll
 * (a scaffold copied from a template) can be listed from its template.
 */
export function describeModelImage(image: ImageUnderTest, listGoldensIn = image.modelDir): void {
  const runtimeVersion = inject('runtimeVersion');
  describe(`model image ${image.tag}`, { timeout: 60_000 }, () => {
    const listed = loadGoldenCases(listGoldensIn);
    /** The model's own case, read when the test runs. */
    const ownCase = (name: string): GoldenCase => {
      const found = loadGoldenCases(image.modelDir).find((c) => c.name === name);
      if (!found) throw new Error(`expected ${image.modelDir}/test/golden/${name}.json`);
      return found;
    };
    let dirs: SharedDirs;
    let container: StartedTestContainer | undefined;
    let logs = '';
    let socket: string;

    beforeAll(async () => {
      dirs = makeSharedDirs(`ruth-test-${image.id}`);
      socket = join(dirs.socketDir, `vas_model_${image.id}.sock`);
      container = await modelContainer(image.tag, dirs)
        .withLogConsumer((stream) => stream.on('data', (chunk: Buffer) => (logs += chunk.toString())))
        .start();
    }, 180_000);

    afterAll(async () => {
      if (container) await docker('rm', '-f', container.getId()).catch(() => undefined);
      dirs?.cleanup();
    });

    // Each golden photo is its own scene, so its own camera: a model may keep
    // per-camera state (fall-detection's motion map), and unrelated stills are not one camera's stream.
    const infer = async (frameFile: string, frame: { width: number; height: number; format: string }, frameId: number, config: Json | null = null, camera = 'cam-image-test') =>
      request<Json>(socket, {
        frame_reference: frameFile,
        frame_metadata: { frame_id: frameId, width: frame.width, height: frame.height, format: frame.format, timestamp: Date.now() / 1000 },
        camera_id: camera,
        model_id: image.id,
        timestamp: Date.now() / 1000,
        config,
      });

    it('logs exactly one ready line naming the model, socket and runtime version', () => {
      const ready = logs.split('\n').filter((l) => l.includes('"msg":"ready"'));
      expect(ready).toHaveLength(1);
      const line = JSON.parse(ready[0]) as Json;
      expect(line).toMatchObject({ model_id: image.id, socket: `/tmp/vas_model_${image.id}.sock`, runtime_version: runtimeVersion });
      expect(line.workers).toBeGreaterThanOrEqual(1);
      // The socket is on the host, created by the container's non-root user.
      expect(statSync(socket).isSocket()).toBe(true);
      expect(statSync(socket).uid).toBe(RUNTIME_UID);
    });

    it('runs hardened: non-root, read-only root, no capabilities, no network', async () => {
      const [info] = JSON.parse(await docker('inspect', container!.getId())) as [
        { Config: { User: string }; HostConfig: { ReadonlyRootfs: boolean; CapDrop: string[]; NetworkMode: string; SecurityOpt: string[] } },
      ];
      expect(info.Config.User).toMatch(/^10001(:10001)?$/);
      expect(info.HostConfig).toMatchObject({ ReadonlyRootfs: true, CapDrop: ['ALL'], NetworkMode: 'none' });
      expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
      const write = await container!.exec(['sh', '-c', 'touch /opt/ruth-ai/x 2>&1; id -u']);
      expect(write.output).toMatch(/Read-only file system/);
      expect(write.output.trim().split('\n').pop()).toBe(String(RUNTIME_UID));
    });

    it('is reported healthy by Docker (HEALTHCHECK runs ruth-model health)', async () => {
      const status = (await docker('inspect', '-f', '{{.State.Health.Status}}', container!.getId())).trim();
      expect(status).toBe('healthy');
    });

    it('answers the health and describe ops', async () => {
      const health = await request<Json>(socket, { op: 'health' });
      expect(health).toMatchObject({ op: 'health', status: 'ready' });
      const described = await request<Json>(socket, { op: 'describe' });
      expect(described).toMatchObject({ op: 'describe', model_id: image.id, model_version: image.version, runtime_version: runtimeVersion, status: 'ready' });
    });

    it('has golden fixtures', () => {
      expect(listed.length, `${listGoldensIn}/test/golden/*.json`).toBeGreaterThan(0);
      expect(loadGoldenCases(image.modelDir).map((c) => c.name)).toEqual(listed.map((c) => c.name));
    });

    for (const [index, { name, description }] of listed.entries()) {
      it(`golden ${name}: ${description}`, async () => {
        const golden = ownCase(name);
        const frame = await frameFromImage(golden.image, golden.format);
        const file = join(dirs.shmDir, `${golden.name}.${golden.format.toLowerCase()}`);
        writeFileSync(file, frame.bytes);
        chmodSync(file, 0o644);
        const frameId = 1000 + index;
        const res = await infer(file, frame, frameId, golden.config, `golden-${golden.name}`);
        expect(res).toMatchObject({ model_id: image.id, camera_id: `golden-${golden.name}`, frame_id: frameId });
        expect(res.error_code ?? null, String(res.error)).toBe(golden.expect.error_code);
        if (golden.expect.error_code === null) {
          expect(res.error).toBeNull();
          expect(matchDetections(golden.expect.detections, res.detections as ReturnedDetection[], golden.expect.exact_count)).toEqual([]);
        } else {
          expect(res.detections).toEqual([]);
        }
      });
    }

    it('refuses a frame outside shared memory with PATH_NOT_ALLOWED and keeps serving', async () => {
      const res = await infer('/etc/passwd', { width: 4, height: 2, format: 'NV12' }, 7);
      expect(res).toMatchObject({ frame_id: 7, error_code: 'PATH_NOT_ALLOWED', detections: [] });
      expect(await request<Json>(socket, { op: 'health' })).toMatchObject({ status: 'ready' });
    });

    it('drains on SIGTERM: exits 0 after a complete drain and removes its socket', { timeout: 180_000 }, async () => {
      // A container of its own: stopping the shared one would break every test that runs after this one.
      const own = makeSharedDirs(`ruth-test-${image.id}-drain`);
      let ownLogs = '';
      const draining = await modelContainer(image.tag, own)
        .withLogConsumer((stream) => stream.on('data', (chunk: Buffer) => (ownLogs += chunk.toString())))
        .start();
      try {
        const id = draining.getId();
        await docker('kill', '--signal', 'TERM', id);
        expect((await docker('wait', id)).trim()).toBe('0');
        // The outcome, not a duration: the runtime says it drained everything in time.
        const stopped = await until(() => ownLogs.split('\n').find((l) => l.includes('"msg":"stopped"')), 10_000, 'the stopped log line');
        expect(JSON.parse(stopped)).toMatchObject({ msg: 'stopped', drained: true });
        expect(ownLogs).not.toContain('drain deadline passed');
        expect(existsSync(join(own.socketDir, `vas_model_${image.id}.sock`))).toBe(false);
      } finally {
        await docker('rm', '-f', draining.getId()).catch(() => undefined);
        own.cleanup();
      }
    });
  });
}

/**
 * The arm64 fall-detection image, built for linux/arm64 on this amd64 host
 * and run under QEMU user emulation: an arm64 image, it starts hardened like
 * the amd64 image of the `images` project, and answers a golden case with the
 * detections models/fall-detection/test/golden/ expects.
 *
 * Emulation is slow (docs/deploy.md has the figures): one worker instead of
 * one per core, and longer load and request timeouts than model.yaml's, set
 * the way an operator of a slow box would (RUTH_* variables, same image).
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { request } from '@ruth-ai/model-runtime';
import { frameFromImage, loadGoldenCases, matchDetections, type ReturnedDetection } from '@ruth-ai/model-runtime/testing';
import { runtimeVersion } from '../../scripts/lib/models.js';
import { docker, makeSharedDirs, modelContainer, type SharedDirs } from '../support/containers.js';

const MODEL_DIR = new URL('../../models/fall-detection/', import.meta.url).pathname;
const GOLDEN = 'person-standing';
const MINUTE = 60_000;

describe('arm64 fall-detection image under QEMU', { timeout: 20 * MINUTE }, () => {
  const image = `${inject('arm64Namespace')}/fall-detection:latest`;
  let dirs: SharedDirs;
  let container: StartedTestContainer | undefined;
  let logs = '';

  beforeAll(async () => {
    dirs = makeSharedDirs('ruth-test-arm64');
    container = await modelContainer(image, dirs, {
      RUTH_WORKERS: '1',
      RUTH_LOAD_TIMEOUT_MS: String(30 * MINUTE),
      RUTH_REQUEST_TIMEOUT_MS: String(10 * MINUTE),
    })
      .withPlatform('linux/arm64')
      // One `ruth-model health` (a Node start) takes seconds under emulation.
      .withHealthCheck({ test: ['CMD', 'ruth-model', 'health'], interval: 5_000, timeout: 60_000, retries: 3, startPeriod: 30 * MINUTE })
      .withStartupTimeout(30 * MINUTE)
      .withLogConsumer((stream) => stream.on('data', (chunk: Buffer) => (logs += chunk.toString())))
      .start();
  }, 30 * MINUTE);

  afterAll(async () => {
    if (container) await docker('rm', '-f', container.getId()).catch(() => undefined);
    dirs?.cleanup();
  });

  it('is an arm64 image, runs as aarch64 and hardened, and logs its start-up time', async () => {
    const [info] = JSON.parse(await docker('image', 'inspect', image)) as [{ Architecture: string; Os: string; Size: number }];
    expect(info).toMatchObject({ Os: 'linux', Architecture: 'arm64' });
    expect((await container!.exec(['uname', '-m'])).output.trim()).toBe('aarch64');
    const [c] = JSON.parse(await docker('inspect', container!.getId())) as [{ Config: { User: string }; HostConfig: Record<string, unknown> }];
    expect(c.Config.User).toMatch(/^10001(:10001)?$/);
    expect(c.HostConfig).toMatchObject({ ReadonlyRootfs: true, CapDrop: ['ALL'], NetworkMode: 'none' });
    const ready = JSON.parse(logs.split('\n').find((l) => l.includes('"msg":"ready"'))!) as { startup_ms: number; workers: number };
    expect(ready.workers).toBe(1);
    console.log(`arm64 fall-detection under QEMU: image ${(info.Size / 1e6).toFixed(1)} MB, ready after startup_ms ${ready.startup_ms}`);
  });

  it(`answers the golden case ${GOLDEN} as the amd64 image does`, async () => {
    const golden = loadGoldenCases(MODEL_DIR).find((c) => c.name === GOLDEN);
    expect(golden, `models/fall-detection/test/golden/${GOLDEN}.json`).toBeDefined();
    const frame = await frameFromImage(golden!.image, golden!.format);
    const file = join(dirs.shmDir, `${GOLDEN}.nv12`);
    writeFileSync(file, frame.bytes);
    chmodSync(file, 0o644);
    const socket = join(dirs.socketDir, 'vas_model_fall-detection.sock');
    const described = await request<Record<string, unknown>>(socket, { op: 'describe' }, { timeoutMs: MINUTE });
    expect(described).toMatchObject({ model_id: 'fall-detection', runtime_version: runtimeVersion(), status: 'ready' });
    const now = Date.now() / 1000;
    const res = await request<Record<string, unknown>>(socket, {
      frame_reference: file,
      frame_metadata: { frame_id: 1, width: frame.width, height: frame.height, format: frame.format, timestamp: now },
      camera_id: 'cam-arm64',
      model_id: 'fall-detection',
      timestamp: now,
      config: golden!.config,
    }, { timeoutMs: 10 * MINUTE });
    expect(res.error, String(res.error)).toBeNull();
    expect(matchDetections(golden!.expect.detections, res.detections as ReturnedDetection[], golden!.expect.exact_count)).toEqual([]);
    console.log(`arm64 fall-detection under QEMU: ${GOLDEN} answered, total_ms ${(res.metadata as { total_ms?: number } | undefined)?.total_ms}`);
  });
});

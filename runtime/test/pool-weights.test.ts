/**
 * The worker threads start while the main thread checks the weights' sha256
 * (lifecycle/start-server.ts), but no handler's load() runs before the pool
 * is given the checked paths: the threads import the handler meanwhile.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InferenceRequest } from '../src/api/wire.js';
import { loadModelConfig } from '../src/config/load-model-config.js';
import { verifyWeights } from '../src/config/verify-weights.js';
import { FrameDir } from '../src/testing/frame-dir.js';
import { FIXTURE_MODELS } from '../src/testing/spawn-server.js';
import { until } from '../src/testing/until.js';
import { WorkerPool } from '../dist/pool/worker-pool.js';
import { goodRequest } from './helpers/frames.js';

describe('workers start before the weights are checked', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruth-pool-weights-'));
  const frames = new FrameDir();
  const pools: WorkerPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    frames.cleanup();
    rmSync(dir, { recursive: true, force: true });
    delete process.env.ECHO_IMPORTED_FILE;
    delete process.env.ECHO_WEIGHTS_RELEASED;
  });

  it('imports the handler in every thread, loads only once the paths are given, then serves with them', async () => {
    const modelDir = path.join(FIXTURE_MODELS, 'echo');
    const config = loadModelConfig(path.join(modelDir, 'model.yaml'));
    // Read by the handler in each thread (threads copy the environment when they start).
    process.env.ECHO_IMPORTED_FILE = path.join(dir, 'imported');
    const released = path.join(dir, 'released');
    process.env.ECHO_WEIGHTS_RELEASED = released;
    let release!: (paths: string[]) => void;
    const weights = new Promise<string[]>((resolve) => (release = resolve));
    const logged: string[] = [];
    const pool = new WorkerPool({ modelDir, config, weights, allowedRoots: [frames.dir], workers: 2, maxInFlight: 16, timeoutMs: 5000, log: (_level, msg) => logged.push(msg) });
    pools.push(pool);
    const ready = pool.ready(50_000);
    await until(() => readdirSync(dir).filter((f) => f.startsWith('imported.')).length === 2, 50_000, 'both threads imported the handler');
    expect(logged).not.toContain('worker ready');

    writeFileSync(released, '');
    release(await verifyWeights(config, modelDir));
    await ready;
    expect(logged.filter((m) => m === 'worker ready')).toHaveLength(2);
    const answer = await pool.run(goodRequest(frames.nv12('a.nv12', 64, 48)) as unknown as InferenceRequest);
    expect(answer.ok).toBe(true);
    // The handler reads its first weight (fixtures/models/echo/weights/tiny.bin) at load and echoes it.
    expect(answer.ok && JSON.parse(answer.metadata)).toMatchObject({ weight: 'ruth test weight v1' });
  });
});

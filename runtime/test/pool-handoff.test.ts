/**
 * Issue 8, finding 1: any failure to hand a request to a worker becomes that
 * request's error answer. Validation bounds what callers can send, so the
 * pool is driven directly here with a request that cannot be copied.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelConfig } from '../src/config/load-model-config.js';
import { verifyWeights } from '../src/config/verify-weights.js';
import type { InferenceRequest } from '../src/api/wire.js';
import { WorkerPool } from '../dist/pool/worker-pool.js';
import { FrameDir } from '../src/testing/frame-dir.js';
import { goodRequest } from './helpers/frames.js';
import { FIXTURE_MODELS } from '../src/testing/spawn-server.js';

describe('pool hand-off', { timeout: 30_000 }, () => {
  let pool: WorkerPool;
  let frames: FrameDir;
  beforeAll(async () => {
    frames = new FrameDir();
    const dir = path.join(FIXTURE_MODELS, 'echo');
    const config = loadModelConfig(path.join(dir, 'model.yaml'));
    const weights = await verifyWeights(config, dir);
    pool = new WorkerPool({ modelDir: dir, config, weights, allowedRoots: [frames.dir], workers: 1, maxInFlight: 16, timeoutMs: 5000, log: () => undefined });
    await pool.ready(20_000);
  });
  afterAll(async () => {
    await pool?.close();
    frames?.cleanup();
  });

  it('answers HANDOFF_FAILED for a request too deep to copy, and serves the next one', async () => {
    const good = frames.nv12('g.nv12', 64, 48);
    const deep = JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`) as Record<string, unknown>;
    const bad = await pool.run({ ...(goodRequest(good) as unknown as InferenceRequest), config: deep });
    expect(bad).toMatchObject({ ok: false, code: 'HANDOFF_FAILED' });
    const ok = await pool.run(goodRequest(good) as unknown as InferenceRequest);
    expect(ok.ok).toBe(true);
  });
});

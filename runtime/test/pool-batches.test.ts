/**
 * Issue 8: no request waits behind a slow one while another worker is free.
 * Small requests are batched to a worker (one message, not one per
 * request); when one of a batch is slow, the ones after it are taken back
 * for an idle worker, and one still not started at its deadline is
 * QUEUE_TIMEOUT with its worker left alone, never TIMEOUT. The pool is
 * driven directly with the echo fixture: requests run in one turn of the
 * event loop form one batch, and batching is pinned on (batchUnderMs), so
 * the batches do not depend on how fast this machine is today.
 */
import path from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { InferenceRequest } from '../src/api/wire.js';
import { loadModelConfig } from '../src/config/load-model-config.js';
import { verifyWeights } from '../src/config/verify-weights.js';
import { WorkerPool } from '../dist/pool/worker-pool.js';
import { FrameDir } from '../src/testing/frame-dir.js';
import { FIXTURE_MODELS } from '../src/testing/spawn-server.js';
import { gate, goodRequest } from './helpers/frames.js';

const ECHO = path.join(FIXTURE_MODELS, 'echo');

describe('batches behind a slow request', { timeout: 60_000 }, () => {
  let frames: FrameDir;
  let good: string;
  let pool: WorkerPool | null = null;
  const logged: string[] = [];
  beforeAll(() => {
    frames = new FrameDir();
    good = frames.nv12('grey.nv12', 64, 48);
  });
  afterEach(async () => {
    await pool?.close();
    pool = null;
    logged.length = 0;
  });
  afterAll(() => frames?.cleanup());

  async function startPool(workers: number, timeoutMs: number): Promise<WorkerPool> {
    const config = loadModelConfig(path.join(ECHO, 'model.yaml'));
    const weights = await verifyWeights(config, ECHO);
    pool = new WorkerPool({ modelDir: ECHO, config, weights, allowedRoots: [frames.dir], workers, maxInFlight: 64, timeoutMs, log: (_level, msg) => logged.push(msg), batchUnderMs: Infinity });
    await pool.ready(20_000);
    // The pool batches once it has measured a few tasks.
    const warm = await Promise.all(Array.from({ length: 16 }, () => run(pool!)));
    expect(warm.map((r) => r.ok)).toEqual(Array(16).fill(true));
    return pool;
  }
  const run = (p: WorkerPool, over: Record<string, unknown> = {}): Promise<Awaited<ReturnType<WorkerPool['run']>>> => Promise.resolve(p.run(goodRequest(good, over) as unknown as InferenceRequest));
  const codes = (results: Awaited<ReturnType<WorkerPool['run']>>[]): (string | null)[] => results.map((r) => (r.ok ? null : r.code));

  it('with two workers, requests batched with a held one are answered by the other worker while it is held', async () => {
    const p = await startPool(2, 10_000);
    const held = gate(frames.dir);
    let heldDone = false;
    // Run in one turn: two batches, the held one first in the first.
    const first = run(p, { config: held.config }).finally(() => (heldDone = true));
    const rest = Array.from({ length: 8 }, () => run(p));
    expect(codes(await Promise.all(rest))).toEqual(Array(8).fill(null));
    expect(heldDone).toBe(false);
    held.open();
    expect((await first).ok).toBe(true);
    expect(logged.filter((m) => m === 'worker died')).toEqual([]);
  });

  it('with one worker, requests in a batch not started by their deadline get QUEUE_TIMEOUT, and the worker is left alone', async () => {
    // request_timeout_ms 2000: two sleepers run 1.2 s each, each well inside its own budget,
    // so the eight after them in the same batch have not started when their deadline passes.
    const p = await startPool(1, 2000);
    const sleep = { config: { mode: 'sleep', ms: 1200 } };
    const results = await Promise.all([run(p, sleep), run(p, sleep), ...Array.from({ length: 8 }, () => run(p))]);
    expect(codes(results)).toEqual([null, null, ...Array(8).fill('QUEUE_TIMEOUT')]);
    expect(logged.filter((m) => m === 'worker died')).toEqual([]);
    expect((await run(p)).ok).toBe(true);
  });
});

/**
 * The serving floor of issue 2 against the real `ruth-model serve`:
 * pipelining order, 256 concurrent one-shot callers, OVERLOADED, handler
 * failures, worker crashes, deadlines, health/describe and the heartbeat.
 */
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModelClient } from '../src/client/model-client.js';
import { request } from '../src/client/one-shot.js';
import { FrameDir } from '../src/testing/frame-dir.js';
import { framed, gate, goodRequest } from './helpers/frames.js';
import { startServerProcess } from '../src/testing/spawn-server.js';
import { until } from '../src/testing/until.js';
import { serveEchoFixture } from './helpers/echo-serving.js';
import { waitForInFlight, waitForStatus } from './helpers/wait.js';

const frameIdOf = (body: Record<string, unknown>): number => (body.frame_metadata as { frame_id: number }).frame_id;
const health = (socketPath: string): Promise<Record<string, number | string>> => request<Record<string, number | string>>(socketPath, { op: 'health' });
/** Waits until the server has answered `n` more requests than `before` (health's total_requests). */
async function answered(socketPath: string, before: number, n: number): Promise<void> {
  await until(async () => ((await health(socketPath)).total_requests as number) >= before + n, 10_000, `${n} requests answered`);
}

describe('serving', { timeout: 30_000 }, () => {
  const serving = serveEchoFixture();

  it('logs one ready line with the agreed fields and binds the socket with mode 0600', () => {
    expect(serving.server.logs.filter((l) => l.msg === 'ready')).toHaveLength(1);
    expect(serving.server.ready).toMatchObject({ model_id: 'echo', runtime_version: '1.0.0', workers: 2 });
    expect(typeof serving.server.ready.startup_ms).toBe('number');
    const st = statSync(serving.server.socketPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('runs the real frame through preprocess and returns contract-shaped detections', async () => {
    const body = goodRequest(serving.good);
    const r = await request(serving.server.socketPath, body);
    expect(r).toMatchObject({ model_id: 'echo', camera_id: 'cam-1', frame_id: frameIdOf(body), error: null, error_code: null });
    // bbox clamped to [0, 1]; confidence from model.yaml's confidence_threshold.
    expect(r.detections).toEqual([{ class_id: 0, class_name: 'person', confidence: 0.4, bbox: [0, 0.2, 0.5, 1], track_id: null }]);
    const m = r.metadata as Record<string, unknown>;
    expect(m.shape).toEqual([1, 32, 32, 3]);
    expect(m.weight).toBe('ruth test weight v1');
    expect(m.warmups).toBe(1);
    expect(m.device).toBe('cpu');
    for (const k of ['read_ms', 'preprocess_ms', 'inference_ms', 'total_ms']) expect(typeof m[k]).toBe('number');
    // Letterbox pad (114/255) plus the grey frame: the mean lies between the two levels.
    expect(m.mean as number).toBeGreaterThan(0.4);
    expect(m.mean as number).toBeLessThan(0.8);
  });

  it('merges request config over model.yaml defaults', async () => {
    const r = await request(serving.server.socketPath, goodRequest(serving.good, { config: { confidence_threshold: 0.9 } }));
    expect(r.detections[0]!.confidence).toBe(0.9);
  });

  it('passes model.yaml parameters as config defaults that a request overrides', async () => {
    const byDefault = await request(serving.server.socketPath, goodRequest(serving.good));
    expect(byDefault.metadata!.label).toBe('from-model-yaml');
    expect(byDefault.detections[0]!.confidence).toBe(0.4);
    const overridden = await request(serving.server.socketPath, goodRequest(serving.good, { config: { label: 'from-request' } }));
    expect(overridden.metadata!.label).toBe('from-request');
  });

  it('answers pipelined keep-alive requests in request order', async () => {
    const client = new ModelClient(serving.server.socketPath, { timeoutMs: 10_000 });
    // The first is held inside the handler until the five after it are done.
    const held = gate(serving.frames.dir);
    const before = (await health(serving.server.socketPath)).total_requests as number;
    const bodies = [goodRequest(serving.good, { config: held.config }), ...Array.from({ length: 5 }, () => goodRequest(serving.good))];
    // Sent together, so they may be batched with the held one: those are taken back for the other worker.
    const pending = bodies.map((b) => client.request(b));
    await answered(serving.server.socketPath, before, 5);
    held.open();
    const results = await Promise.all(pending);
    expect(results.map((r) => r.frame_id)).toEqual(bodies.map(frameIdOf));
    expect(results.every((r) => r.error === null)).toBe(true);
    client.close();
  });

  it('keeps order and keeps serving when a bad request sits between good ones on one connection', async () => {
    const client = new ModelClient(serving.server.socketPath, { timeoutMs: 10_000 });
    const held = gate(serving.frames.dir);
    const before = (await health(serving.server.socketPath)).total_requests as number;
    const first = goodRequest(serving.good, { config: held.config });
    const last = goodRequest(serving.good);
    const pending = [
      client.request(first),
      client.send<Record<string, unknown>>(framed('{"not json')),
      client.send<Record<string, unknown>>(Buffer.alloc(4)),
      client.request({ op: 'health' }),
      client.request(last),
    ];
    // The two bad ones and the last good one are done while the first is held.
    await answered(serving.server.socketPath, before, 3);
    held.open();
    const answers = await Promise.all(pending);
    expect(answers[0]!.frame_id).toBe(frameIdOf(first));
    expect(answers[1]!.error_code).toBe('INVALID_JSON');
    expect(answers[2]!.error_code).toBe('EMPTY_REQUEST');
    expect((answers[3] as unknown as Record<string, unknown>).op).toBe('health');
    expect(answers[4]).toMatchObject({ frame_id: frameIdOf(last), error: null });
    client.close();
  });

  it('holds 256 concurrent one-shot callers: none refused, none lost', async () => {
    const bodies = Array.from({ length: 256 }, () => goodRequest(serving.good));
    const results = await Promise.allSettled(bodies.map((b) => request(serving.server.socketPath, b, { timeoutMs: 20_000 })));
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toEqual([]);
    const answers = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof request>>>).value);
    expect(answers.map((a) => a.frame_id)).toEqual(bodies.map(frameIdOf));
    expect(answers.filter((a) => a.error !== null)).toEqual([]);
  });

  it('a handler that throws fails that request only (INFERENCE_FAILED)', async () => {
    const [bad, ok] = await Promise.all([
      request(serving.server.socketPath, goodRequest(serving.good, { config: { mode: 'throw' } })),
      request(serving.server.socketPath, goodRequest(serving.good)),
    ]);
    expect(bad.error_code).toBe('INFERENCE_FAILED');
    expect(bad.error).toMatch(/failed on purpose/);
    expect(bad.detections).toEqual([]);
    expect(ok.error).toBeNull();
  });

  it('an invalid handler result is INFERENCE_FAILED, never a malformed success', async () => {
    const r = await request(serving.server.socketPath, goodRequest(serving.good, { config: { mode: 'bad-output' } }));
    expect(r.error_code).toBe('INFERENCE_FAILED');
    expect(r.detections).toEqual([]);
  });

  it.each(['bigint', 'circular', 'getter-throws'])('a handler result that cannot be sent (%s) is INFERENCE_FAILED, not INTERNAL_ERROR', async (mode) => {
    const r = await request(serving.server.socketPath, goodRequest(serving.good, { config: { mode } }));
    expect(r.error_code).toBe('INFERENCE_FAILED');
    expect(r.error).toMatch(/handler returned/);
    expect(r.detections).toEqual([]);
    const ok = await request(serving.server.socketPath, goodRequest(serving.good));
    expect(ok.error_code).toBeNull();
  });

  it('a worker that exits gives WORKER_CRASHED; others are unaffected and the worker is replaced', async () => {
    const slow = request(serving.server.socketPath, goodRequest(serving.good, { config: { mode: 'sleep', ms: 200 } }));
    const crashed = await request(serving.server.socketPath, goodRequest(serving.good, { config: { mode: 'crash' } }));
    expect(crashed.error_code).toBe('WORKER_CRASHED');
    expect((await slow).error).toBeNull();
    const after = await Promise.all(Array.from({ length: 8 }, () => request(serving.server.socketPath, goodRequest(serving.good))));
    expect(after.map((r) => r.error)).toEqual(Array(8).fill(null));
    // Health is truthful while the replacement loads (degraded), then ready: it loaded the model.
    await waitForStatus(serving.server.socketPath, 'ready');
  });

  it('a crash inside a batch fails only the crashing request; its batch-mates are re-run and answered', async () => {
    // Enough quick requests first that the pool measures tasks as small and batches them.
    await Promise.all(Array.from({ length: 32 }, () => request(serving.server.socketPath, goodRequest(serving.good))));
    const client = new ModelClient(serving.server.socketPath, { timeoutMs: 10_000 });
    const bodies = [0, 1, 2, 3, 4, 5].map((i) => goodRequest(serving.good, i === 2 ? { config: { mode: 'crash' } } : {}));
    const answers = await Promise.all(bodies.map((b) => client.request(b)));
    expect(answers.map((a) => a.frame_id)).toEqual(bodies.map(frameIdOf));
    expect(answers.map((a) => a.error_code)).toEqual([null, null, 'WORKER_CRASHED', null, null, null]);
    client.close();
  });

  it('one slow request among small ones does not hold the small ones back', async () => {
    await Promise.all(Array.from({ length: 32 }, () => request(serving.server.socketPath, goodRequest(serving.good))));
    const held = gate(serving.frames.dir);
    let slowDone = false;
    const slow = request(serving.server.socketPath, goodRequest(serving.good, { config: held.config })).finally(() => (slowDone = true));
    await waitForInFlight(serving.server.socketPath, 1);
    // The other worker answers all ten while the slow one is still held.
    const quick = await Promise.all(Array.from({ length: 10 }, () => request(serving.server.socketPath, goodRequest(serving.good))));
    expect(quick.map((r) => r.error)).toEqual(Array(10).fill(null));
    expect(slowDone).toBe(false);
    held.open();
    expect((await slow).error).toBeNull();
  });

  it('an uncaught exception in a worker thread gives WORKER_CRASHED', async () => {
    const r = await request(serving.server.socketPath, goodRequest(serving.good, { config: { mode: 'crash-async' } }));
    expect(r.error_code).toBe('WORKER_CRASHED');
    expect((await request(serving.server.socketPath, goodRequest(serving.good))).error).toBeNull();
  });

  it('a request past request_timeout_ms gets TIMEOUT and the server recovers', async () => {
    const r = await request(serving.server.socketPath, goodRequest(serving.good, { config: { mode: 'spin', ms: 4000 } }));
    expect(r.error_code).toBe('TIMEOUT');
    expect((await request(serving.server.socketPath, goodRequest(serving.good))).error).toBeNull();
  });

  it('health answers status and counters', async () => {
    const before = await health(serving.server.socketPath);
    await Promise.all([0, 1, 2].map(() => request(serving.server.socketPath, goodRequest(serving.good))));
    await request(serving.server.socketPath, goodRequest(serving.good, { config: { mode: 'throw' } }));
    const h = await health(serving.server.socketPath);
    expect(h).toMatchObject({ status: 'ready', model_id: 'echo', workers: 2, in_flight: 0, runtime_version: '1.0.0' });
    expect(h.total_requests).toBe((before.total_requests as number) + 4);
    expect(h.total_errors).toBe((before.total_errors as number) + 1);
    for (const k of ['avg_latency_ms', 'p50_latency_ms', 'p99_latency_ms', 'uptime_seconds']) expect(typeof h[k]).toBe('number');
    expect(h.p99_latency_ms as number).toBeGreaterThanOrEqual(h.p50_latency_ms as number);
  });

  it('describe answers identity, input spec, classes and the runtime version', async () => {
    const d = await request<Record<string, unknown>>(serving.server.socketPath, { op: 'describe' });
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(d).toMatchObject({ model_id: 'echo', model_name: 'Echo test model', model_version: '1.0.0', classes: ['person'], supported_tasks: ['detection'], runtime_version: pkg.version });
    expect(d.input).toMatchObject({ width: 32, height: 32, resize: 'letterbox', dtype: 'float32' });
  });

  it('writes the heartbeat file with the old keys', async () => {
    await waitForStatus(serving.server.socketPath, 'ready');
    const read = (): Record<string, unknown> => JSON.parse(readFileSync(serving.server.heartbeatFile, 'utf8')) as Record<string, unknown>;
    // The file says what health says; it is rewritten every 5 s.
    const hb = await until(() => (read().status === 'ready' ? read() : null), 15_000, 'the heartbeat file to say ready');
    expect(hb).toMatchObject({ model_id: 'echo', status: 'ready' });
    expect(Date.now() - Date.parse(hb.timestamp as string)).toBeLessThan(30_000);
    for (const k of ['total_requests', 'total_errors', 'avg_latency_ms', 'uptime_seconds']) expect(typeof hb[k]).toBe('number');
  });
});

describe('admission bound', { timeout: 30_000 }, () => {
  it('past RUTH_MAX_IN_FLIGHT callers get OVERLOADED at once', async () => {
    const frames = new FrameDir();
    const server = await startServerProcess({ RUTH_WORKERS: '1', RUTH_MAX_IN_FLIGHT: '2' });
    try {
      const good = frames.nv12('g.nv12', 64, 48);
      const held = gate(frames.dir);
      const slow = [0, 1].map(() => request(server.socketPath, goodRequest(good, { config: held.config })));
      await waitForInFlight(server.socketPath, 2);
      // Answered while both requests ahead of it are still held: at once, not after them.
      const over = await request(server.socketPath, goodRequest(good));
      expect(over.error_code).toBe('OVERLOADED');
      held.open();
      expect((await Promise.all(slow)).map((r) => r.error)).toEqual([null, null]);
      expect((await request(server.socketPath, goodRequest(good))).error).toBeNull();
    } finally {
      await server.stop();
      server.cleanup();
      frames.cleanup();
    }
  });
});

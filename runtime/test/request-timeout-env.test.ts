/**
 * RUTH_REQUEST_TIMEOUT_MS replaces model.yaml's request_timeout_ms, for
 * hardware slower than the model was tuned on (an arm64 image under QEMU):
 * a request that the fixture's 2 s would cut off (serving.test.ts) is
 * answered, and a bad value stops start-up naming the variable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../src/client/one-shot.js';
import { FrameDir } from '../src/testing/frame-dir.js';
import { runCli, startServerProcess, type ServerProcess } from '../src/testing/spawn-server.js';
import { goodRequest } from './helpers/frames.js';

describe('RUTH_REQUEST_TIMEOUT_MS', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let frames: FrameDir;

  beforeAll(async () => {
    frames = new FrameDir();
    server = await startServerProcess({ RUTH_WORKERS: '1', RUTH_REQUEST_TIMEOUT_MS: '40000' });
  });
  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
    frames?.cleanup();
  });

  it('lets a request run past model.yaml request_timeout_ms (2000)', async () => {
    const good = frames.nv12('grey.nv12', 64, 48, 200);
    const r = await request(server.socketPath, goodRequest(good, { config: { mode: 'spin', ms: 4000 } }));
    expect(r.error_code, String(r.error)).toBeNull();
    expect(r.detections).toHaveLength(1);
  });

  it('refuses a value that is not a positive integer', async () => {
    const cli = runCli(['serve'], { RUTH_REQUEST_TIMEOUT_MS: '10s', RUTH_MODELS_DIR: '/nonexistent' });
    expect((await cli.exited).code).not.toBe(0);
    expect(cli.stderr() + JSON.stringify(cli.logs)).toMatch(/RUTH_REQUEST_TIMEOUT_MS must be a positive integer, got .*10s/);
  });
});

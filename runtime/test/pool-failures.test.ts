/**
 * Issue 8, findings 1, 4 and 5, against the real `ruth-model serve`: a
 * request that cannot be copied to a worker, replacement workers that cannot
 * load, and deadlines under overload. These are the pool's failure
 * guarantees: any rework of the pool must keep them.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../src/client/one-shot.js';
import { FrameDir } from '../src/testing/frame-dir.js';
import { framed, goodRequest } from './helpers/frames.js';
import { exchangeRaw } from './helpers/raw.js';
import { runCli, startServerProcess, type ServerProcess } from '../src/testing/spawn-server.js';
import { until } from '../src/testing/until.js';
import { waitForStatus } from './helpers/wait.js';

/** A request body whose `key` (at top level or in frame_metadata) nests `depth` levels: about 30 KB, built as text. */
function deepBody(frame: string, where: 'config' | 'frame_metadata', depth: number): Buffer {
  const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const body = goodRequest(frame);
  const text = where === 'config' ? JSON.stringify(body).replace('"config":null', `"config":${deep}`) : JSON.stringify(body).replace('"frame_metadata":{', `"frame_metadata":{"extra":${deep},`);
  return framed(text);
}

describe('pool failure guarantees', { timeout: 60_000 }, () => {
  let frames: FrameDir;
  let good: string;
  beforeAll(() => {
    frames = new FrameDir();
    good = frames.nv12('grey.nv12', 64, 48);
  });
  afterAll(() => frames?.cleanup());

  describe('one server', () => {
    let server: ServerProcess;
    beforeAll(async () => {
      server = await startServerProcess({ RUTH_WORKERS: '1' });
    });
    afterAll(async () => {
      await server?.stop();
      server?.cleanup();
    });

    it('answers a 5,000-deep config and a 5,000-deep extra metadata key with their codes, and keeps serving', async () => {
      const deepConfig = await exchangeRaw(server.socketPath, deepBody(good, 'config', 5000));
      expect(deepConfig.responses[0]).toMatchObject({ error_code: 'CONFIG_TOO_LARGE' });
      const deepMeta = await exchangeRaw(server.socketPath, deepBody(good, 'frame_metadata', 5000));
      expect(deepMeta.responses[0]).toMatchObject({ error_code: 'METADATA_TOO_LARGE' });
      const ok = await request(server.socketPath, goodRequest(good, { config: { a: { b: { c: 1 } } } }));
      expect(ok.error_code).toBeNull();
      expect(server.proc.exitCode).toBeNull();
    });

    it('queue time does not count against a running request: no kill, queued past the deadline is QUEUE_TIMEOUT', async () => {
      // One worker, request_timeout_ms 2000: B starts at about 1.2 s and runs 1.2 s of its own.
      // The server is shared with the other tests of this block (one ends its worker on purpose):
      // start with the worker live, and count only the deaths logged during this test.
      await waitForStatus(server.socketPath, 'ready');
      const logsBefore = server.logs.length;
      const a = request(server.socketPath, goodRequest(good, { config: { mode: 'sleep', ms: 1200 } }));
      const b = request(server.socketPath, goodRequest(good, { config: { mode: 'sleep', ms: 1200 } }));
      const c = request(server.socketPath, goodRequest(good, { config: { mode: 'sleep', ms: 10 } }));
      const [ra, rb, rc] = await Promise.all([a, b, c]);
      expect(ra.error_code).toBeNull();
      expect(rb.error_code).toBeNull();
      expect(rc.error_code).toBe('QUEUE_TIMEOUT');
      expect(server.logs.slice(logsBefore).filter((l) => l.msg === 'worker died')).toEqual([]);
    });

    it('a worker exit with code 0 is a death: WORKER_CRASHED, then replaced', async () => {
      const r = await request(server.socketPath, goodRequest(good, { config: { mode: 'exit0' } }));
      expect(r.error_code).toBe('WORKER_CRASHED');
      await waitForStatus(server.socketPath, 'ready');
      expect((await request(server.socketPath, goodRequest(good))).error_code).toBeNull();
    });
  });

  it('replacement workers that cannot load: not_ready with the reason everywhere, retried until the cause is gone', async () => {
    const server = await startServerProcess({ RUTH_WORKERS: '1', ECHO_LOAD_FAIL_FILE: path.join(frames.dir, 'no-load') });
    const flag = path.join(frames.dir, 'no-load');
    try {
      writeFileSync(flag, '');
      expect((await request(server.socketPath, goodRequest(good, { config: { mode: 'crash' } }))).error_code).toBe('WORKER_CRASHED');
      // While the replacement loads, health is already not_ready (one worker, none live); then the load fails.
      const down = await waitForStatus(server.socketPath, 'not_ready', /could not load/);
      expect(down.error).toMatch(/0 of 1 workers live \(worker 0: could not load the model: load failed on purpose/);
      const cli = runCli(['health', '--socket', server.socketPath]);
      expect((await cli.exited).code).toBe(1);
      // The heartbeat tells the same (written every 5 s).
      await until(() => JSON.parse(readFileSync(server.heartbeatFile, 'utf8')).status === 'not_ready', 20_000, 'the heartbeat to say not_ready');
      expect(JSON.parse(readFileSync(server.heartbeatFile, 'utf8')).status).toBe('not_ready');
      expect(server.logs.some((l) => l.msg === 'replacement worker failed to load; retrying')).toBe(true);

      rmSync(flag);
      await waitForStatus(server.socketPath, 'ready');
      expect((await request(server.socketPath, goodRequest(good))).error_code).toBeNull();
    } finally {
      if (existsSync(flag)) rmSync(flag);
      await server.stop();
      server.cleanup();
    }
  });
});

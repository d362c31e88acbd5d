import { afterAll, beforeAll, beforeEach } from 'vitest';
import { FrameDir } from '../../src/testing/frame-dir.js';
import { startServerProcess, type ServerProcess } from '../../src/testing/spawn-server.js';
import { waitForStatus } from './wait.js';

/** What `serveEchoFixture` gives a describe block; its fields are set before the block's first test. */
export interface EchoServing {
  server: ServerProcess;
  frames: FrameDir;
  /** A 64×48 grey NV12 frame in `frames`. */
  good: string;
}

/**
 * The echo fixture under the real `ruth-model serve` with two workers, for the describe block that calls this.
 * Some tests end a worker on purpose. Each test starts with both workers live, whatever ran before it (the suite is
 * shuffled in CI): the tests that hold a request need the other worker to serve the rest.
 */
export function serveEchoFixture(): EchoServing {
  const serving = {} as EchoServing;
  beforeAll(async () => {
    serving.frames = new FrameDir();
    serving.good = serving.frames.nv12('grey.nv12', 64, 48, 200);
    serving.server = await startServerProcess({ RUTH_WORKERS: '2' });
  });
  afterAll(async () => {
    await serving.server?.stop();
    serving.server?.cleanup();
    serving.frames?.cleanup();
  });
  beforeEach(async () => {
    await waitForStatus(serving.server.socketPath, 'ready');
  });
  return serving;
}

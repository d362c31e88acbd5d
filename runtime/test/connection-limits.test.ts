/**
 * Issue 8, finding 2, against the real `ruth-model serve` with small limits:
 * partial bodies, idle connections, the connection limit, the shared budget
 * of partial bytes and a caller that never reads its answers.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../src/client/one-shot.js';
import { MessageDecoder } from '../src/ipc/message-codec.js';
import { framed } from './helpers/frames.js';
import { startServerProcess, type ServerProcess } from '../src/testing/spawn-server.js';
import { until } from '../src/testing/until.js';

/** Opens a connection, writes `bytes`, and collects answers until the server closes it. */
function untilClosed(socketPath: string, bytes: Buffer): Promise<{ answers: Record<string, unknown>[]; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const decoder = new MessageDecoder(1 << 30);
    const answers: Record<string, unknown>[] = [];
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) if (item.kind === 'message') answers.push(JSON.parse(item.body.toString('utf8')) as Record<string, unknown>);
    });
    socket.on('close', () => resolve({ answers, socket }));
    socket.on('error', reject);
  });
}

/** The first `n` bytes of a framed request that announces `size` bytes of body. */
function partial(size: number, n: number): Buffer {
  return framed(Buffer.alloc(size, 0x20)).subarray(0, 4 + n);
}

describe('connection limits', { timeout: 30_000 }, () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({
      RUTH_WORKERS: '1',
      RUTH_READ_TIMEOUT_MS: '400',
      RUTH_IDLE_TIMEOUT_MS: '800',
      RUTH_MAX_CONNECTIONS: '4',
      RUTH_MAX_BUFFERED_BYTES: String(100_000),
    });
  });
  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
  });

  it('the default request limit fits the contract: 64 KiB, not 10 MiB', async () => {
    const { answers } = await untilClosed(server.socketPath, framed('{}', 65 * 1024));
    expect(answers[0]).toMatchObject({ error_code: 'REQUEST_TOO_LARGE' });
  });

  it('a started request that stalls gets READ_TIMEOUT and is closed', async () => {
    const { answers } = await untilClosed(server.socketPath, partial(1000, 999));
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ error_code: 'READ_TIMEOUT' });
  });

  it('an idle connection is closed quietly', async () => {
    const { answers } = await untilClosed(server.socketPath, Buffer.alloc(0));
    expect(answers).toEqual([]);
  });

  it('partial bodies past the shared budget get SERVER_BUSY, and the budget is given back', async () => {
    const first = untilClosed(server.socketPath, partial(60_000, 59_000));
    const second = untilClosed(server.socketPath, partial(60_000, 59_000));
    const answers = (await Promise.all([first, second])).map((r) => r.answers[0]?.error_code).sort();
    expect(answers).toEqual(['READ_TIMEOUT', 'SERVER_BUSY']);
    const health = await request<Record<string, unknown>>(server.socketPath, { op: 'health' });
    expect(health.status).toBe('ready');
    // Both connections are gone: a new partial body fits again.
    const again = await untilClosed(server.socketPath, partial(60_000, 59_000));
    expect(again.answers[0]).toMatchObject({ error_code: 'READ_TIMEOUT' });
  });

  it('past the connection limit a caller gets TOO_MANY_CONNECTIONS; refusals are logged and counted', async () => {
    const held = await Promise.all(
      Array.from({ length: 4 }, () => new Promise<net.Socket>((resolve) => {
        const s = net.connect(server.socketPath, () => resolve(s));
        s.on('error', () => undefined);
      })),
    );
    try {
      const { answers } = await untilClosed(server.socketPath, Buffer.alloc(0));
      expect(answers[0]).toMatchObject({ error_code: 'TOO_MANY_CONNECTIONS' });
    } finally {
      for (const s of held) s.destroy();
    }
    // The held sockets may still be closing: a health request may be refused (answered) meanwhile.
    const health = await until(async () => {
      const h = await request<Record<string, unknown>>(server.socketPath, { op: 'health' });
      return h.op === 'health' ? h : null;
    }, 10_000, 'a health answer once the held connections closed');
    expect(health.refused_connections as number).toBeGreaterThanOrEqual(1);
    expect(server.logs.some((l) => l.msg === 'connection refused: limit reached')).toBe(true);
  });

  it('stops reading from a caller that never reads its answers, then drops it', async () => {
    // 20,000 pipelined health requests (about 360 KB in, 7 MB of answers out), never read.
    const one = framed(JSON.stringify({ op: 'health' }));
    const flood = Buffer.concat(Array.from({ length: 20_000 }, () => one));
    const socket = net.connect(server.socketPath);
    socket.on('error', () => undefined);
    socket.pause(); // never read
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    const flushed = socket.write(flood);
    // The server stopped reading: our write does not drain.
    expect(flushed).toBe(false);
    // After the idle time with its answers unread, the server drops the connection
    // (health's own connection is the only one left).
    await until(async () => (await request<Record<string, unknown>>(server.socketPath, { op: 'health' })).open_connections === 1, 15_000, 'the never-reading connection to be dropped');
    socket.destroy();
    const health = await request<Record<string, unknown>>(server.socketPath, { op: 'health' });
    expect(health.status).toBe('ready');
  });
});

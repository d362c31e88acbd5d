/**
 * Answers written by the worker itself (pool/reply-lease.ts): the lease's
 * ownership rules on a real socket, then against the real `ruth-model serve`
 * the cases where the main thread and a worker could both want the socket: a
 * caller that leaves while its request runs (its descriptor then belongs to
 * the next caller), a caller that never reads answers bigger than the socket
 * holds, a worker that dies right after writing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../src/client/one-shot.js';
import { MessageDecoder, encodeMessage } from '../src/ipc/message-codec.js';
import { ReplyLeases, writeDirect } from '../src/pool/reply-lease.js';
import { until } from '../src/testing/until.js';
import { gate, goodRequest } from './helpers/frames.js';
import { serveEchoFixture } from './helpers/echo-serving.js';
import { waitForInFlight, waitForStatus } from './helpers/wait.js';

type Body = Record<string, unknown>;
const health = (socketPath: string): Promise<Body> => request<Body>(socketPath, { op: 'health' });
const frameIdOf = (body: Body): number => (body.frame_metadata as { frame_id: number }).frame_id;

/** A connected pair on a real Unix socket: the server side's descriptor, and the caller's end. */
async function socketPair(dir: string): Promise<{ fd: number; server: net.Socket; caller: net.Socket; close(): void }> {
  const file = path.join(dir, `pair-${Math.random().toString(36).slice(2)}.sock`);
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(file, resolve));
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const caller = net.connect(file);
  const server = await accepted;
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  return { fd, server, caller, close: () => (caller.destroy(), server.destroy(), listener.close()) };
}

/** Reads framed messages from a socket until `n` arrived. */
function readMessages(sock: net.Socket, n: number): Promise<Body[]> {
  const decoder = new MessageDecoder(1 << 30);
  const got: Body[] = [];
  return new Promise((resolve, reject) => {
    sock.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) if (item.kind === 'message') got.push(JSON.parse(item.body.toString('utf8')) as Body);
      if (got.length >= n) resolve(got);
    });
    sock.on('error', reject);
    sock.on('end', () => reject(new Error(`connection ended after ${got.length}/${n} messages`)));
  });
}

describe('reply leases on a real socket', { timeout: 10_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ruth-lease-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a worker writes only while the lease is pending; after the main thread settled it, nothing', async () => {
    const pair = await socketPair(dir);
    const leases = new ReplyLeases(4);
    const first = leases.take(pair.fd)!;
    const one = encodeMessage('{"n":1}');
    expect(writeDirect(leases.words, first, one)).toBe(one.length);
    expect(leases.release(first)).toEqual({ bytes: one.length, total: one.length });
    const second = leases.take(pair.fd)!;
    expect(leases.settle(second)).toBeNull();
    expect(writeDirect(leases.words, second, encodeMessage('{"n":2}'))).toBe(0);
    leases.release(second);
    // The caller sees the first answer, then what the main thread writes itself: never the settled one.
    pair.server.write(encodeMessage('{"n":3}'));
    expect(await readMessages(pair.caller, 2)).toEqual([{ n: 1 }, { n: 3 }]);
    pair.close();
  });

  it('a lease taken back and given to another request cannot be claimed with the old one', async () => {
    const pair = await socketPair(dir);
    const leases = new ReplyLeases(1);
    const old = leases.take(pair.fd)!;
    leases.release(old);
    const reused = leases.take(pair.fd)!;
    expect(reused.lease).toBe(old.lease);
    expect(writeDirect(leases.words, old, encodeMessage('{"stale":true}'))).toBe(0);
    const fresh = encodeMessage('{"fresh":true}');
    expect(writeDirect(leases.words, reused, fresh)).toBe(fresh.length);
    expect(leases.settle(reused)).toEqual({ bytes: fresh.length, total: fresh.length });
    expect(await readMessages(pair.caller, 1)).toEqual([{ fresh: true }]);
    pair.close();
  });

  it('a write that would block writes what fits and reports it; oversized answers are left to the main thread', async () => {
    const pair = await socketPair(dir);
    pair.caller.pause();
    const leases = new ReplyLeases(1);
    const answer = encodeMessage(JSON.stringify({ pad: 'y'.repeat(60_000) }));
    let wrote = { bytes: 0, total: 0 };
    // Fill the socket: sooner or later an answer only partly fits.
    for (let i = 0; i < 100; i++) {
      const lease = leases.take(pair.fd)!;
      const bytes = writeDirect(leases.words, lease, answer);
      wrote = leases.release(lease) ?? { bytes: 0, total: answer.length };
      expect(wrote.bytes).toBe(bytes);
      if (bytes < answer.length) break;
    }
    expect(wrote.total).toBe(answer.length);
    expect(wrote.bytes).toBeLessThan(answer.length);
    const big = leases.take(pair.fd)!;
    expect(writeDirect(leases.words, big, encodeMessage(JSON.stringify({ pad: 'z'.repeat(70_000) })))).toBe(0);
    expect(leases.settle(big)).toBeNull();
    pair.close();
  });
});

describe('answers written by the worker, against ruth-model serve', { timeout: 30_000 }, () => {
  const serving = serveEchoFixture();

  it('a caller that leaves while its request runs: the worker never writes to the descriptor the next caller gets', async () => {
    const before = (await health(serving.server.socketPath)).total_requests as number;
    const leaver = net.connect(serving.server.socketPath);
    await new Promise((resolve) => leaver.once('connect', resolve));
    leaver.pause();
    // An answer the leaver never reads (more than a paused socket takes in): when it closes with it unread,
    // the server's next read fails (ECONNRESET) and Node closes the server's side at once.
    leaver.write(encodeMessage(JSON.stringify(goodRequest(serving.good, { config: { mode: 'big', bytes: 120_000 } }))));
    await until(async () => ((await health(serving.server.socketPath)).total_requests as number) >= before + 1, 10_000, 'first answer');
    const held = gate(serving.frames.dir);
    const heldBody = goodRequest(serving.good, { config: held.config });
    leaver.write(encodeMessage(JSON.stringify(heldBody)));
    await waitForInFlight(serving.server.socketPath, 1);
    leaver.destroy();
    // Closed on the server's side too (only the health probe's own connection left open).
    await until(async () => (await health(serving.server.socketPath)).open_connections === 1, 10_000, 'leaver closed by the server');
    // New callers reuse the lowest free descriptors: one of them gets the leaver's, which the server closed.
    const callers = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const sock = net.connect(serving.server.socketPath);
        await new Promise((resolve) => sock.once('connect', resolve));
        const mine = goodRequest(serving.good);
        const answers = readMessages(sock, 2);
        sock.write(encodeMessage(JSON.stringify(mine)));
        return { sock, mine, answers };
      }),
    );
    await until(async () => (await health(serving.server.socketPath)).open_connections === 9, 10_000, 'new callers connected');
    held.open();
    await until(async () => ((await health(serving.server.socketPath)).total_requests as number) >= before + 2 + callers.length, 10_000, 'held request done');
    for (const c of callers) c.sock.write(encodeMessage('{"op":"health"}'));
    for (const c of callers) {
      const [first, second] = await c.answers;
      expect(first).toMatchObject({ frame_id: frameIdOf(c.mine), error: null });
      expect(second).toMatchObject({ op: 'health' });
      c.sock.destroy();
    }
  });

  it('a caller that reads nothing while answers bigger than the socket holds pile up gets every byte, in order', async () => {
    const sock = net.connect(serving.server.socketPath);
    await new Promise((resolve) => sock.once('connect', resolve));
    sock.pause();
    const sent: Body[] = [];
    let before = (await health(serving.server.socketPath)).total_requests as number;
    // One at a time, each once the one before is answered: each is first in line when it arrives.
    for (let i = 0; i < 8; i++) {
      const body = goodRequest(serving.good, { config: { mode: 'big', bytes: 50_000 + i } });
      sent.push(body);
      sock.write(encodeMessage(JSON.stringify(body)));
      await until(async () => ((await health(serving.server.socketPath)).total_requests as number) >= before + 1, 10_000, `answer ${i}`);
      before++;
    }
    const answers = readMessages(sock, sent.length);
    sock.resume();
    const got = await answers;
    expect(got.map((a) => a.frame_id)).toEqual(sent.map(frameIdOf));
    got.forEach((a, i) => {
      expect(a.error).toBeNull();
      expect(((a.metadata as Body).pad as string).length).toBe(50_000 + i);
    });
    sock.destroy();
  });

  it('a worker that dies right after writing an answer: the caller has that answer, once, and the worker is replaced', async () => {
    const before = await health(serving.server.socketPath);
    const body = goodRequest(serving.good, { config: { mode: 'exit-after' } });
    const r = await request<Body>(serving.server.socketPath, body);
    expect(r).toMatchObject({ frame_id: frameIdOf(body), error: null, error_code: null });
    expect((r.metadata as Body).mean).toBeTypeOf('number');
    await until(async () => serving.server.logs.some((l) => l.msg === 'worker died'), 10_000, 'worker died');
    await waitForStatus(serving.server.socketPath, 'ready');
    const after = await health(serving.server.socketPath);
    // Counted once, as answered: not re-run on another worker, not WORKER_CRASHED.
    expect(after.total_requests).toBe((before.total_requests as number) + 1);
    expect(after.total_errors).toBe(before.total_errors);
  });
});

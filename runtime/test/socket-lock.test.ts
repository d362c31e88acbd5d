/**
 * Finding 8 of issue 8: two servers started at once over a stale socket
 * must not both bind. The races are made deterministic with hooks: B passes
 * its check first, then waits until A's start has settled. And a server
 * killed with SIGKILL must not keep its successor waiting on its lock.
 */
import { existsSync, lstatSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from '../src/client/one-shot.js';
import { ByteBudget } from '../src/ipc/connection-limits.js';
import { IpcServer } from '../src/ipc/server.js';
import { lockPathFor, type LockHooks } from '../src/ipc/socket-lock.js';
import { startServerProcess } from '../src/testing/spawn-server.js';

const dir = mkdtempSync(join(tmpdir(), 'ruth-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Leaves a socket file that nothing answers on, as a crashed server does. */
async function staleSocket(path: string): Promise<void> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(`${path}.tmp`, resolve));
  // Closing a listener unlinks the path it was bound to: move the file away first.
  renameSync(`${path}.tmp`, path);
  await new Promise((resolve) => s.close(resolve));
  expect(lstatSync(path).isSocket()).toBe(true);
}

function server(path: string, name: string, afterStaleCheck?: () => Promise<void>, lockHooks?: LockHooks, lockWaitMs = 300): IpcServer {
  return new IpcServer({
    socketPath: path,
    handler: { onMessage: () => JSON.stringify({ server: name }), onDecodeError: () => '{}' },
    limits: { maxRequestBytes: 1024, readTimeoutMs: 10_000, idleTimeoutMs: 60_000, maxPending: 16, maxUnreadBytes: 65_536, budget: new ByteBudget(1 << 20) },
    maxConnections: 16,
    mode: 0o600,
    lockWaitMs,
    afterStaleCheck,
    lockHooks,
  });
}

describe('socket lock', { timeout: 20_000 }, () => {
  it('lets exactly one of two servers racing over a stale socket bind, and that one is reachable', async () => {
    const path = join(dir, 'race.sock');
    await staleSocket(path);
    let atHook!: () => void;
    const bAtHook = new Promise<void>((resolve) => (atHook = resolve));
    let releaseB!: () => void;
    const aDone = new Promise<void>((resolve) => (releaseB = resolve));
    const b = server(path, 'B', () => {
      atHook();
      return aDone;
    });
    const a = server(path, 'A');
    const bListen = b.listen();
    await bAtHook; // B found the socket stale and is about to remove it
    const aListen = a.listen();
    void aListen.catch(() => undefined).then(releaseB);
    const results = await Promise.allSettled([aListen, bListen]);
    try {
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const winner = results[0].status === 'fulfilled' ? 'A' : 'B';
      expect(await request(path, { op: 'health' }, { timeoutMs: 5000 })).toEqual({ server: winner });
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(String(loser.reason)).toMatch(/another (live )?server (holds|is already listening)/);
    } finally {
      await a.stopAccepting();
      await b.stopAccepting();
    }
    expect(existsSync(lockPathFor(path))).toBe(false);
  });

  it('takes over a stale socket when no server holds its lock, and releases the lock on stop', async () => {
    const path = join(dir, 'stale.sock');
    await staleSocket(path);
    const s = server(path, 'S');
    await s.listen();
    expect(existsSync(lockPathFor(path))).toBe(true);
    expect(await request(path, { op: 'health' }, { timeoutMs: 5000 })).toEqual({ server: 'S' });
    await s.stopAccepting();
    expect(existsSync(lockPathFor(path))).toBe(false);
    expect(existsSync(path)).toBe(false);
  });

  it('takes over at once the lock of a server killed with SIGKILL (no wait for a live holder is allowed)', async () => {
    const killed = await startServerProcess({ RUTH_WORKERS: '1' });
    try {
      killed.proc.kill('SIGKILL');
      await killed.exited;
      // What a crash leaves: the socket and its lock, with nothing listening on either.
      expect(lstatSync(killed.socketPath).isSocket()).toBe(true);
      expect(lstatSync(lockPathFor(killed.socketPath)).isSocket()).toBe(true);
      const successor = server(killed.socketPath, 'next', undefined, undefined, 0);
      await successor.listen();
      try {
        expect(await request(killed.socketPath, { op: 'health' }, { timeoutMs: 5000 })).toEqual({ server: 'next' });
      } finally {
        await successor.stopAccepting();
      }
      expect(existsSync(lockPathFor(killed.socketPath))).toBe(false);
    } finally {
      killed.cleanup();
    }
  });

  it('lets exactly one of two servers taking over the same dead lock bind', async () => {
    const path = join(dir, 'dead-lock.sock');
    await staleSocket(path);
    // A lock socket nothing listens on: its holder was killed.
    await staleSocket(lockPathFor(path));
    let atHook!: () => void;
    const bAtHook = new Promise<void>((resolve) => (atHook = resolve));
    let releaseB!: () => void;
    const aDone = new Promise<void>((resolve) => (releaseB = resolve));
    const b = server(path, 'B', undefined, {
      afterDeadCheck: () => {
        atHook();
        return aDone;
      },
    });
    const a = server(path, 'A');
    const bListen = b.listen();
    await bAtHook; // B found the lock dead and is about to take it over
    const aListen = a.listen();
    void aListen.catch(() => undefined).then(releaseB);
    const results = await Promise.allSettled([aListen, bListen]);
    try {
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect(await request(path, { op: 'health' }, { timeoutMs: 5000 })).toEqual({ server: 'A' });
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/another server is already listening/);
    } finally {
      await a.stopAccepting();
      await b.stopAccepting();
    }
    expect(existsSync(lockPathFor(path))).toBe(false);
    expect(existsSync(`${lockPathFor(path)}.takeover`)).toBe(false);
  });

  it('refuses, and deletes nothing, when the lock path is not a socket', async () => {
    const path = join(dir, 'foreign.sock');
    writeFileSync(lockPathFor(path), 'a user file');
    await expect(server(path, 'S').listen()).rejects.toThrow(/exists and is not a socket/);
    expect(readFileSync(lockPathFor(path), 'utf8')).toBe('a user file');
  });
});

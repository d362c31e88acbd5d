/**
 * One server per socket path, even when two start at once over a stale
 * socket. Without it both see the stale file, both remove it and both bind:
 * the first one's socket is unlinked under it and it is unreachable while
 * both log ready.
 *
 * The lock is a listening Unix socket, `<socket>.lock`, taken before the
 * stale-socket check and held for the server's life, so check, unlink and
 * bind happen under it.
 *   - Taking it is bind(): atomic, only one process can create the path.
 *   - Its holder is alive exactly while a connect() to it succeeds: the kernel
 *     closes a listener when its process dies, even on SIGKILL, so a crashed
 *     server's lock is known dead at once (ECONNREFUSED) and a restarted
 *     container is not kept waiting. This works across containers that share
 *     the socket folder, where process ids mean nothing.
 *   - A dead lock file is removed only under `<socket>.lock.takeover` (an
 *     atomic mkdir), after checking again that it is still dead: two servers
 *     taking over at once can never remove a live lock.
 */
import { mkdir, rmdir, stat, unlink } from 'node:fs/promises';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartupError } from '../errors/errors.js';
import { isLive, probeSocket } from './socket-file.js';

/** How long a starting server waits for a live lock holder that does not answer on the socket (yet). */
export const DEFAULT_LOCK_WAIT_MS = 15_000;
/**
 * A takeover folder older than this was left by a server that died within
 * the few microseconds of its takeover; it is removed.
 */
const TAKEOVER_STALE_MS = 5000;
const RETRY_MS = 100;

export type ReleaseLock = () => Promise<void>;

export function lockPathFor(socketPath: string): string {
  return `${socketPath}.lock`;
}

/** Test hooks, to force an order that is otherwise a matter of luck. */
export interface LockHooks {
  /** Called after a dead lock was found and before its takeover starts. */
  afterDeadCheck?: () => Promise<void>;
}

/**
 * Takes the socket path's lock. Throws at once when a live server answers on
 * the path; waits (up to waitMs) while a live holder is not answering yet
 * (it is starting); takes over a dead holder's lock at once.
 */
export async function lockSocketPath(socketPath: string, waitMs = DEFAULT_LOCK_WAIT_MS, hooks: LockHooks = {}): Promise<ReleaseLock> {
  const lockPath = lockPathFor(socketPath);
  const deadline = performance.now() + waitMs;
  for (;;) {
    const held = await tryBind(lockPath);
    if (held) return () => new Promise<void>((resolve) => held.close(() => resolve()));
    const state = await probeSocket(lockPath);
    if (state === 'dead') {
      await hooks.afterDeadCheck?.();
      await takeOverDead(lockPath);
      continue;
    }
    if (state === 'absent') continue; // released between our bind and our probe
    if (state === 'other') throw new StartupError('SOCKET_IN_USE', `socket lock path ${lockPath} exists and is not a socket; refusing to remove it`);
    if (await isLive(socketPath)) throw new StartupError('SOCKET_IN_USE', `another server is already listening on ${socketPath}`);
    if (performance.now() >= deadline) {
      throw new StartupError('SOCKET_IN_USE', `another live server holds ${lockPath} and has not bound ${socketPath} within ${waitMs} ms; refusing to start beside it`);
    }
    await sleep(RETRY_MS);
  }
}

/** Listens on the lock path; null when the path exists. Connections to it are probes: closed at once. */
async function tryBind(lockPath: string): Promise<net.Server | null> {
  const server = net.createServer((probe) => probe.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(lockPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') return null;
    throw new StartupError('SOCKET_IN_USE', `cannot create the socket lock ${lockPath}: ${(err as Error).message}`);
  }
  // The lock must not keep a stopping process alive.
  server.unref();
  return server;
}

/**
 * Removes a dead lock file under the takeover folder, after checking again
 * that it is dead: while the folder exists no one else removes the lock, and
 * a dead holder cannot bind it again, so the file removed is the dead one.
 */
async function takeOverDead(lockPath: string): Promise<void> {
  const guard = `${lockPath}.takeover`;
  try {
    await mkdir(guard);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > TAKEOVER_STALE_MS) await rmdir(guard).catch(() => undefined);
    else await sleep(1);
    return;
  }
  try {
    if ((await probeSocket(lockPath)) === 'dead') {
      await unlink(lockPath).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw new StartupError('SOCKET_IN_USE', `cannot remove the dead socket lock ${lockPath}: ${err.message}`);
      });
    }
  } finally {
    await rmdir(guard).catch(() => undefined);
  }
}

/**
 * One server per socket path, even when two start at once over a stale
 * socket. Without it both see the stale file, both remove it and both bind:
 * the first one's socket is unlinked under it and it is unreachable while
 * both log ready.
 *
 * The lock is `<socket>.lock` (proper-lockfile: an atomic mkdir, kept fresh
 * while held, stale once its holder has stopped refreshing it for STALE_MS).
 * It is taken before the stale-socket check and held for the server's life,
 * so check, unlink and bind happen under it.
 */
import lockfile from 'proper-lockfile';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartupError } from '../errors/errors.js';
import { isLive } from './socket-file.js';

/** A lock not refreshed for this long belongs to a dead server and is taken over. */
export const LOCK_STALE_MS = 5000;
const LOCK_UPDATE_MS = 1000;
/** How long a starting server waits for a lock held by a server that is not (yet) answering. */
export const DEFAULT_LOCK_WAIT_MS = LOCK_STALE_MS * 3;
const RETRY_MS = 100;

export type ReleaseLock = () => Promise<void>;

export function lockPathFor(socketPath: string): string {
  return `${socketPath}.lock`;
}

/**
 * Takes the socket path's lock. Throws at once when a live server answers on
 * the path; waits (up to waitMs) while another server holds the lock but is
 * not answering yet, which is either starting or dead (its lock then goes stale).
 */
export async function lockSocketPath(socketPath: string, onLost: (err: Error) => void, waitMs = DEFAULT_LOCK_WAIT_MS): Promise<ReleaseLock> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    try {
      const release = await lockfile.lock(socketPath, {
        realpath: false,
        lockfilePath: lockPathFor(socketPath),
        stale: LOCK_STALE_MS,
        update: LOCK_UPDATE_MS,
        // The default throws from a timer, which would kill a serving server.
        onCompromised: onLost,
      });
      return () => release().catch(() => undefined);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (await isLive(socketPath)) throw new StartupError('SOCKET_IN_USE', `another server is already listening on ${socketPath}`);
      if (performance.now() >= deadline) {
        throw new StartupError('SOCKET_IN_USE', `another server holds ${lockPathFor(socketPath)} and has not bound ${socketPath} within ${waitMs} ms; refusing to start beside it`);
      }
      await sleep(RETRY_MS);
    }
  }
}

/**
 * The socket file's life: its path, removing a stale one left by a crashed
 * server (but never stealing the path from a live one), and its permissions.
 */
import { chown, chmod, lstat, unlink } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { OptionError, StartupError } from '../errors/errors.js';

export function socketPathFor(socketDir: string, modelId: string): string {
  return path.join(socketDir, `vas_model_${modelId}.sock`);
}

/** Resolves true when something accepts a connection on `socketPath`. */
export function isLive(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    const timer = setTimeout(() => {
      sock.destroy();
      // Accepting slowly is still alive: never take over a busy server's path.
      resolve(true);
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/**
 * Removes a stale socket file. Throws when a live server answers on it, or
 * when the path exists and is not a socket (we never delete a user's file).
 */
export async function clearStaleSocket(socketPath: string, beforeUnlink?: () => Promise<void>): Promise<'absent' | 'removed'> {
  let stat;
  try {
    stat = await lstat(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
  if (!stat.isSocket()) throw new StartupError('SOCKET_IN_USE', `socket path ${socketPath} exists and is not a socket; refusing to remove it`);
  if (await isLive(socketPath)) throw new StartupError('SOCKET_IN_USE', `another server is already listening on ${socketPath}`);
  await beforeUnlink?.();
  await unlink(socketPath);
  return 'removed';
}

function groupId(group: string): number {
  if (/^\d+$/.test(group)) return Number(group);
  // Node has no getgrnam; getent is in every Debian image.
  const line = execFileSync('getent', ['group', group], { encoding: 'utf8' }).trim();
  const gid = Number(line.split(':')[2]);
  if (!Number.isInteger(gid)) throw new OptionError(`RUTH_SOCKET_GROUP ${JSON.stringify(group)}: no such group`);
  return gid;
}

/** Applies the mode (e.g. 0o600) and, if given, the group (name or gid). */
export async function applySocketPermissions(socketPath: string, mode: number, group?: string): Promise<void> {
  if (group !== undefined && group !== '') await chown(socketPath, -1, groupId(group));
  await chmod(socketPath, mode);
}

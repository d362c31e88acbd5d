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

/**
 * What answers on a socket path: 'live' (a connection was accepted, or is
 * slow to be: a busy server is still alive), 'dead' (a socket file nothing
 * listens on: its process ended), 'absent', or 'other' (not a socket).
 */
export function probeSocket(socketPath: string, timeoutMs = 1000): Promise<'live' | 'dead' | 'absent' | 'other'> {
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    const timer = setTimeout(() => {
      sock.destroy();
      resolve('live');
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve('live');
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT') resolve('absent');
      else if (err.code !== 'ECONNREFUSED') resolve('live'); // e.g. EAGAIN: a full backlog is a busy server
      else lstat(socketPath).then((s) => resolve(s.isSocket() ? 'dead' : 'other'), () => resolve('absent'));
    });
  });
}

/** Resolves true when something accepts a connection on `socketPath`. */
export async function isLive(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return (await probeSocket(socketPath, timeoutMs)) === 'live';
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

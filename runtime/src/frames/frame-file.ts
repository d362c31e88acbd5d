/**
 * What both frame readers share (read-frame.ts for a raw file, read-export.ts
 * for an export folder): the Frame they return, and opening and reading a
 * frame file with errno mapped to the runtime's codes.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { RuntimeError } from '../errors/errors.js';
import type { FrameLayout } from './layout.js';
import { verifyOpenedPath } from './path-guard.js';

export interface Frame {
  layout: FrameLayout;
  /** byteLength bytes; aliases a per-thread buffer, valid until the next readFrame() in this thread. */
  data: Uint8Array;
  frameId?: number;
}

export const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Opens a file read-only, mapping errno to the runtime's codes. */
function openFrameFile(path: string, what: string): number {
  try {
    return openSync(path, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RuntimeError('FRAME_NOT_FOUND', `${what} ${JSON.stringify(path)} does not exist`);
    if (code === 'ELOOP') throw new RuntimeError('PATH_NOT_ALLOWED', `${what} ${JSON.stringify(path)} is a symlink, which is not followed`);
    throw new RuntimeError('FRAME_UNREADABLE', `${what} ${JSON.stringify(path)} cannot be opened: ${code ?? String(err)}`);
  }
}

/**
 * Opens `path` (a real path that passed the path check) and proves the
 * descriptor is that very file and a regular one: never a file outside the
 * roots reached through a swapped folder, never a FIFO or device. The caller
 * closes the returned fd.
 */
export function openRegularFile(path: string, what: string): { fd: number; stat: BigIntStats } {
  const fd = openFrameFile(path, what);
  try {
    verifyOpenedPath(fd, path, what);
    const stat = fstatSync(fd, { bigint: true });
    if (!stat.isFile()) throw new RuntimeError('FRAME_UNREADABLE', `${what} ${JSON.stringify(path)} is not a regular file`);
    return { fd, stat };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Reads exactly `length` bytes from the start of fd into buf, or returns how many it got before EOF. */
export function readFully(fd: number, buf: Uint8Array, length: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
export function tooShort(path: string, got: number, layout: FrameLayout): string {
  return `frame ${JSON.stringify(path)} holds ${got} bytes; ${layout.format} ${layout.width}x${layout.height} stride ${layout.stride} needs ${layout.byteLength}`;
}

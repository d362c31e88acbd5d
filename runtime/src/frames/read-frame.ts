/**
 * Reads one frame from shared memory, in either form of docs/protocol.md:
 *
 *  1. a raw file whose bytes are the frame; geometry from frame_metadata;
 *  2. a video-service export folder holding frame.data and the 64-byte
 *     frame.meta header; the header's geometry, stride and data_size win.
 *
 * Synchronous on purpose: it runs inside a worker thread, where blocking
 * reads of tmpfs are faster than async round trips. Files are opened
 * read-only (O_NOFOLLOW, O_NONBLOCK so a FIFO cannot hang us) and closed
 * before returning.
 *
 * The returned Frame's data aliases a per-thread buffer: it is valid only
 * until the next readFrame() call in the same thread.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type BigIntStats } from 'node:fs';
import type { FrameMetadata } from '../api/wire.js';
import { RuntimeError } from '../errors/errors.js';
import { readExportFolder, type ExportReadHooks } from './read-export.js';
import { frameLayout, type FrameLayout } from './layout.js';
import { resolveAllowedPath, verifyOpenedPath } from './path-guard.js';
import { readBuffer } from './read-buffer.js';

export interface Frame {
  layout: FrameLayout;
  /** byteLength bytes; aliases a per-thread buffer, valid until the next readFrame() in this thread. */
  data: Uint8Array;
  frameId?: number;
}

export interface ReadFrameOptions {
  allowedRoots: readonly string[];
  /** Test injection points; never set in production. */
  hooks?: ExportReadHooks & {
    /** Called after the reference passed the path check and before anything is opened. */
    afterCheck?: () => void;
  };
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

function readRawFile(path: string, meta: FrameMetadata, checked: BigIntStats): Frame {
  const layout = frameLayout(meta.format, meta.width, meta.height, meta.stride ?? undefined);
  const { fd, stat } = openRegularFile(path, 'frame_reference');
  try {
    if (stat.ino !== checked.ino || stat.dev !== checked.dev) {
      throw new RuntimeError('FRAME_TORN', `frame_reference ${JSON.stringify(path)} was replaced between its check and its open`);
    }
    const size = Number(stat.size);
    if (size < layout.byteLength) throw new RuntimeError('FRAME_TOO_SHORT', tooShort(path, size, layout));
    const buf = readBuffer(layout.byteLength);
    const got = readFully(fd, buf, layout.byteLength);
    if (got < layout.byteLength) throw new RuntimeError('FRAME_TOO_SHORT', tooShort(path, got, layout));
    const frameId = typeof meta.frame_id === 'number' ? meta.frame_id : undefined;
    return { layout, data: buf.subarray(0, layout.byteLength), frameId };
  } finally {
    closeSync(fd);
  }
}

export function tooShort(path: string, got: number, layout: FrameLayout): string {
  return `frame ${JSON.stringify(path)} holds ${got} bytes; ${layout.format} ${layout.width}x${layout.height} stride ${layout.stride} needs ${layout.byteLength}`;
}

export function readFrame(reference: string, meta: FrameMetadata, options: ReadFrameOptions): Frame {
  const real = resolveAllowedPath(reference, options.allowedRoots);
  options.hooks?.afterCheck?.();
  let checked: BigIntStats;
  try {
    checked = statSync(real, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RuntimeError('FRAME_NOT_FOUND', `frame_reference ${JSON.stringify(reference)} does not exist`);
    throw new RuntimeError('FRAME_UNREADABLE', `frame_reference ${JSON.stringify(reference)} cannot be read: ${code ?? String(err)}`);
  }
  return checked.isDirectory() ? readExportFolder(real, options.hooks) : readRawFile(real, meta, checked);
}

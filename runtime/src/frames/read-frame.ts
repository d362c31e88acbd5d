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
import { closeSync, constants, openSync, statSync, type BigIntStats } from 'node:fs';
import type { FrameMetadata } from '../api/wire.js';
import { RuntimeError } from '../errors/errors.js';
import { openRegularFile, readFully, tooShort, type Frame } from './frame-file.js';
import { readExportFolder, type ExportReadHooks } from './read-export.js';
import { frameLayout } from './layout.js';
import { resolveAllowedPath, resolveInsideRoots } from './path-guard.js';
import { readBuffer } from './read-buffer.js';

export type { Frame } from './frame-file.js';

export interface ReadFrameOptions {
  allowedRoots: readonly string[];
  /** Test injection points; never set in production. */
  hooks?: ExportReadHooks & {
    /** Called after the reference passed the path check and before anything is opened. */
    afterCheck?: () => void;
  };
}

function readRawFile(path: string, meta: FrameMetadata, checked: BigIntStats): Frame {
  const { fd, stat } = openRegularFile(path, 'frame_reference');
  if (stat.ino !== checked.ino || stat.dev !== checked.dev) {
    closeSync(fd);
    throw new RuntimeError('FRAME_TORN', `frame_reference ${JSON.stringify(path)} was replaced between its check and its open`);
  }
  return readOpenFile(fd, stat, path, meta);
}

/** Reads the frame from open regular file `fd`, and closes it. */
function readOpenFile(fd: number, stat: BigIntStats, path: string, meta: FrameMetadata): Frame {
  try {
    const layout = frameLayout(meta.format, meta.width, meta.height, meta.stride ?? undefined);
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

/**
 * Opens for reading the very file an O_PATH descriptor resolved, whatever its
 * path has become since (its /proc/self/fd link is a magic link: no
 * O_NOFOLLOW). Null when it cannot be read (the two-step check names why).
 */
function reopen(handle: number): number | null {
  try {
    return openSync(`/proc/self/fd/${handle}`, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
}

export function readFrame(reference: string, meta: FrameMetadata, options: ReadFrameOptions): Frame {
  const found = resolveInsideRoots(reference, options.allowedRoots);
  if (found) {
    try {
      if (found.stat.isDirectory()) {
        options.hooks?.afterCheck?.();
        return readExportFolder(found.real, options.hooks);
      }
      if (found.stat.isFile()) {
        options.hooks?.afterCheck?.();
        const fd = reopen(found.handle);
        if (fd !== null) return readOpenFile(fd, found.stat, found.real, meta);
      }
    } finally {
      closeSync(found.handle);
    }
  }
  // Anything else (missing, outside, a FIFO, no /proc): the two-step check, which names the refusal.
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

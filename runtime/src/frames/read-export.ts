/**
 * Reads a video-service export folder (frame.data + frame.meta) without ever
 * returning a torn frame.
 *
 * The exporter renames frame.data into place, then frame.meta, with no lock.
 * A reader can therefore meet new data under old metadata. Each attempt:
 *
 *   1. read frame.meta (header h1, and its stat);
 *   2. open frame.data, fstat it, read the bytes h1 asks for, close;
 *   3. read frame.meta again (h2) and stat the frame.data path again.
 *
 * The attempt is torn when h1 != h2 (a new header arrived), when frame.data's
 * inode changed (a new data file arrived), when frame.data is newer than
 * frame.meta (its rename, which sets ctime, came later: data of the next
 * frame under this header), or when the data
 * file's size is not the header's data_size. A torn attempt is retried a few
 * times, then FRAME_TORN. Because the exporter never writes a file in place
 * (it renames fresh files), bytes read through one open fd are never mixed.
 *
 * The hard case is the exporter stalled between its two renames: new data
 * under the old header, both stable, so re-reading proves nothing, and file
 * timestamps are too coarse (one kernel tick) to order the two renames. On
 * tmpfs (/dev/shm, where the exporter writes) inode numbers are handed out
 * in creation order, and the exporter creates each frame's data file before
 * its meta file and after the previous meta file. So a data inode higher
 * than the meta inode means "data of a later frame": torn. On other file
 * systems inode numbers carry no order and only the checks above apply.
 */
import { closeSync, statSync, statfsSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from '../errors/errors.js';
import { FRAME_META_SIZE, parseFrameMeta, type FrameMetaHeader } from './frame-meta.js';
import { frameLayout, type FrameLayout } from './layout.js';
import { readBuffer } from './read-buffer.js';
import { openRegularFile, readFully, tooShort, type Frame } from './frame-file.js';

export interface ExportReadHooks {
  /** Called after the data bytes are read and before the header is read again. */
  afterDataRead?: (attempt: number) => void;
}

export const MAX_READ_ATTEMPTS = 4;

const metaBytes = new Uint8Array(FRAME_META_SIZE);
const metaBytes2 = new Uint8Array(FRAME_META_SIZE);
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function readMeta(path: string, into: Uint8Array): BigIntStats {
  const { fd, stat: st } = openRegularFile(path, 'frame.meta');
  try {
    const got = readFully(fd, into, FRAME_META_SIZE);
    if (got < FRAME_META_SIZE) {
      throw new RuntimeError('FRAME_UNREADABLE', `frame.meta ${JSON.stringify(path)} holds ${got} bytes, expected ${FRAME_META_SIZE}`);
    }
    return st;
  } finally {
    closeSync(fd);
  }
}

function headerLayout(h: FrameMetaHeader, path: string): FrameLayout {
  let layout: FrameLayout;
  try {
    layout = frameLayout(h.format, h.width, h.height, h.stride);
  } catch (err) {
    throw new RuntimeError('FRAME_UNREADABLE', `frame.meta ${JSON.stringify(path)} has invalid geometry: ${(err as Error).message}`);
  }
  if (h.dataSize < layout.byteLength) {
    throw new RuntimeError(
      'FRAME_UNREADABLE',
      `frame.meta ${JSON.stringify(path)}: data_size ${h.dataSize} is less than ${layout.byteLength}, the size of ${layout.format} ${layout.width}x${layout.height} stride ${layout.stride}`,
    );
  }
  return layout;
}

const TMPFS_MAGIC = 0x01021994;
const tmpfsCache = new Map<string, boolean>();

/** Whether inode numbers in dir follow creation order (tmpfs allocates them from a counter). */
function inodesOrdered(dir: string): boolean {
  let known = tmpfsCache.get(dir);
  if (known === undefined) {
    try {
      known = statfsSync(dir).type === TMPFS_MAGIC;
    } catch {
      known = false;
    }
    if (tmpfsCache.size > 1024) tmpfsCache.clear();
    tmpfsCache.set(dir, known);
  }
  return known;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function readExportFolder(dir: string, hooks?: ExportReadHooks): Frame {
  const metaPath = join(dir, 'frame.meta');
  const dataPath = join(dir, 'frame.data');
  let reason = '';
  let shortHeader: Uint8Array | undefined;
  for (let attempt = 1; attempt <= MAX_READ_ATTEMPTS; attempt++) {
    if (attempt > 1) Atomics.wait(sleepCell, 0, 0, attempt - 1); // back off 1, 2, 3 ms: the exporter is mid-update
    const metaStat = readMeta(metaPath, metaBytes);
    const header = parseFrameMeta(metaBytes, metaPath);
    const layout = headerLayout(header, metaPath);

    const { fd, stat: dataStat } = openRegularFile(dataPath, 'frame.data');
    let got: number;
    const buf = readBuffer(layout.byteLength);
    try {
      got = readFully(fd, buf, layout.byteLength);
    } finally {
      closeSync(fd);
    }
    hooks?.afterDataRead?.(attempt);

    const metaStat2 = readMeta(metaPath, metaBytes2);
    let dataInoNow: bigint | undefined;
    try {
      dataInoNow = statSync(dataPath, { bigint: true }).ino;
    } catch {
      dataInoNow = undefined; // renamed away mid-read: torn
    }
    if (metaStat2.ino !== metaStat.ino || !sameBytes(metaBytes, metaBytes2)) {
      reason = 'frame.meta changed while frame.data was read';
    } else if (dataInoNow !== dataStat.ino) {
      reason = 'frame.data was replaced while it was read';
    } else if (dataStat.ctimeNs > metaStat.ctimeNs || (dataStat.ino > metaStat.ino && inodesOrdered(dir))) {
      reason = 'frame.data is newer than frame.meta (the exporter is between its two renames)';
    } else if (dataStat.size < BigInt(header.dataSize) || got < layout.byteLength) {
      // Either the exporter is mid-update with a smaller frame, or the file
      // really is short. Short only if the same header says so twice running.
      reason = `frame.data holds ${dataStat.size} bytes but frame.meta says data_size ${header.dataSize}`;
      if (shortHeader !== undefined && sameBytes(shortHeader, metaBytes)) {
        throw new RuntimeError('FRAME_TOO_SHORT', `${tooShort(dataPath, Number(dataStat.size), layout)} (data_size ${header.dataSize})`);
      }
      shortHeader = metaBytes.slice();
    } else {
      // A file longer than data_size is fine: data_size is honoured and the tail ignored.
      return { layout, data: buf.subarray(0, layout.byteLength), frameId: header.frameId };
    }
  }
  throw new RuntimeError('FRAME_TORN', `${dir}: ${reason}, ${MAX_READ_ATTEMPTS} times in a row`);
}

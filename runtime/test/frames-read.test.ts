import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeError } from '../src/errors/errors.js';
import { encodeFrameMeta } from '../src/frames/frame-meta.js';
import { frameLayout } from '../src/frames/layout.js';
import { readFrame } from '../src/frames/read-frame.js';
import { writeExportFrame } from '../src/frames/write-export.js';

let root: string;
let outside: string;
const opts = (): { allowedRoots: string[] } => ({ allowedRoots: [root] });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof RuntimeError) return err.code;
    throw err;
  }
  return undefined;
}

/** NV12 bytes where each row's pixels hold (row + plane marker), and padding holds 0xEE. */
function paddedNv12(w: number, h: number, stride: number): Uint8Array {
  const l = frameLayout('NV12', w, h, stride);
  const d = new Uint8Array(l.byteLength).fill(0xee);
  for (let y = 0; y < h; y++) d.fill(y & 0x7f, y * stride, y * stride + w);
  for (let y = 0; y < h / 2; y++) d.fill(0x80 | y, l.uOffset + y * stride, l.uOffset + y * stride + w);
  return d;
}

beforeAll(() => {
  root = mkdtempSync('/dev/shm/ruth-frames-');
  outside = mkdtempSync(join(tmpdir(), 'ruth-outside-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('readFrame: raw file', () => {
  it('reads exactly the frame bytes, honouring a padded stride', () => {
    const data = paddedNv12(6, 4, 8);
    const file = join(root, 'raw-padded.nv12');
    writeFileSync(file, Buffer.concat([data, Buffer.from('trailing bytes are ignored')]));
    const frame = readFrame(file, { width: 6, height: 4, format: 'nv12', stride: 8, frame_id: 7 }, opts());
    expect(frame.layout).toMatchObject({ format: 'NV12', width: 6, height: 4, stride: 8, byteLength: 48 });
    expect(Array.from(frame.data)).toEqual(Array.from(data));
    expect(frame.frameId).toBe(7);
    // Row 1 starts at the stride, not at the width.
    expect(frame.data[8]).toBe(1);
    expect(frame.data[6]).toBe(0xee);
  });

  it('FRAME_TOO_SHORT when the file holds fewer bytes than the geometry needs', () => {
    const file = join(root, 'short.nv12');
    writeFileSync(file, new Uint8Array(6 * 4 * 1.5 - 1));
    expect(codeOf(() => readFrame(file, { width: 6, height: 4, format: 'NV12' }, opts()))).toBe('FRAME_TOO_SHORT');
    expect(() => readFrame(file, { width: 6, height: 4, format: 'NV12' }, opts())).toThrow(/35 bytes.*needs 36/);
  });

  it('FRAME_NOT_FOUND for a missing file inside the roots', () => {
    expect(codeOf(() => readFrame(join(root, 'missing'), { width: 2, height: 2, format: 'NV12' }, opts()))).toBe('FRAME_NOT_FOUND');
  });

  it('PATH_NOT_ALLOWED for paths outside the roots, relative paths and symlink escapes', () => {
    const secret = join(outside, 'secret.bin');
    writeFileSync(secret, new Uint8Array(64));
    const link = join(root, 'escape.nv12');
    symlinkSync(secret, link);
    const meta = { width: 4, height: 4, format: 'NV12' };
    expect(codeOf(() => readFrame(secret, meta, opts()))).toBe('PATH_NOT_ALLOWED');
    expect(codeOf(() => readFrame(link, meta, opts()))).toBe('PATH_NOT_ALLOWED');
    expect(codeOf(() => readFrame(`${root}/../../etc/passwd`, meta, opts()))).toBe('PATH_NOT_ALLOWED');
    expect(codeOf(() => readFrame('frame.nv12', meta, opts()))).toBe('PATH_NOT_ALLOWED');
    // A missing path outside the roots says "not allowed", not "not found": no probing.
    expect(codeOf(() => readFrame('/etc/no-such-file', meta, opts()))).toBe('PATH_NOT_ALLOWED');
    // A symlink that stays inside the roots is fine.
    const target = join(root, 'inside.gray');
    writeFileSync(target, new Uint8Array([1, 2, 3, 4]));
    symlinkSync(target, join(root, 'inside-link.gray'));
    expect(Array.from(readFrame(join(root, 'inside-link.gray'), { width: 2, height: 2, format: 'GRAY8' }, opts()).data)).toEqual([1, 2, 3, 4]);
  });

  it('validates the geometry from frame_metadata', () => {
    const file = join(root, 'any.bin');
    writeFileSync(file, new Uint8Array(100));
    expect(codeOf(() => readFrame(file, { width: 3, height: 2, format: 'NV12' }, opts()))).toBe('ODD_DIMENSIONS');
    expect(codeOf(() => readFrame(file, { width: 2, height: 2, format: 'YUY2' }, opts()))).toBe('UNSUPPORTED_FORMAT');
  });
});

describe('readFrame: video-service export folder', () => {
  it('takes geometry and stride from frame.meta, over frame_metadata', () => {
    const dir = join(root, 'vas', 'cam-1');
    const layout = frameLayout('NV12', 6, 4, 8);
    const data = paddedNv12(6, 4, 8);
    writeExportFrame(dir, layout, data, 123456789);
    const frame = readFrame(dir, { width: 640, height: 480, format: 'NV12' }, opts());
    expect(frame.layout).toMatchObject({ width: 6, height: 4, stride: 8 });
    expect(frame.frameId).toBe(123456789);
    expect(Array.from(frame.data)).toEqual(Array.from(data));
  });

  it('honours data_size: a longer file is read up to the frame, a shorter one is FRAME_TOO_SHORT', () => {
    const dir = join(root, 'vas', 'cam-size');
    const layout = frameLayout('GRAY8', 4, 2);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'frame.data'), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9]));
    writeFileSync(join(dir, 'frame.meta'), encodeFrameMeta({ frameId: 1, width: 4, height: 2, format: 'GRAY8', stride: 4, dataSize: 11 }));
    expect(Array.from(readFrame(dir, { width: 1, height: 1, format: 'NV12' }, opts()).data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(layout.byteLength).toBe(8);

    writeFileSync(join(dir, 'frame.data'), new Uint8Array(7));
    writeFileSync(join(dir, 'frame.meta'), encodeFrameMeta({ frameId: 2, width: 4, height: 2, format: 'GRAY8', stride: 4, dataSize: 8 }));
    expect(codeOf(() => readFrame(dir, { width: 1, height: 1, format: 'NV12' }, opts()))).toBe('FRAME_TOO_SHORT');
  });

  it('FRAME_UNREADABLE for a bad header: version, pixel_format, sizes, truncated', () => {
    const dir = join(root, 'vas', 'cam-bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'frame.data'), new Uint8Array(64));
    const good = { frameId: 1, width: 4, height: 4, format: 'NV12' as const, stride: 4, dataSize: 24 };
    const cases: [string, Uint8Array][] = [
      ['version 2', encodeFrameMeta({ ...good, version: 2 })],
      ['data_size smaller than the geometry', encodeFrameMeta({ ...good, dataSize: 23 })],
      ['stride below width', encodeFrameMeta({ ...good, stride: 3 })],
      ['zero width', encodeFrameMeta({ ...good, width: 0 })],
      ['truncated header', encodeFrameMeta(good).subarray(0, 40)],
    ];
    const badFormat = encodeFrameMeta(good);
    new DataView(badFormat.buffer).setUint32(32, 99, true);
    cases.push(['pixel_format 99', badFormat]);
    for (const [name, bytes] of cases) {
      writeFileSync(join(dir, 'frame.meta'), bytes);
      expect(codeOf(() => readFrame(dir, { width: 4, height: 4, format: 'NV12' }, opts())), name).toBe('FRAME_UNREADABLE');
    }
  });

  it('FRAME_NOT_FOUND when the folder has no frame yet', () => {
    const dir = join(root, 'vas', 'cam-empty');
    mkdirSync(dir, { recursive: true });
    expect(codeOf(() => readFrame(dir, { width: 4, height: 4, format: 'NV12' }, opts()))).toBe('FRAME_NOT_FOUND');
  });

  it('does not follow a frame.data symlink out of the roots', () => {
    const dir = join(root, 'vas', 'cam-link');
    mkdirSync(dir, { recursive: true });
    const secret = join(outside, 'frame.data');
    writeFileSync(secret, new Uint8Array(24));
    symlinkSync(secret, join(dir, 'frame.data'));
    writeFileSync(join(dir, 'frame.meta'), encodeFrameMeta({ frameId: 1, width: 4, height: 4, format: 'NV12', stride: 4, dataSize: 24 }));
    expect(codeOf(() => readFrame(dir, { width: 4, height: 4, format: 'NV12' }, opts()))).toBe('PATH_NOT_ALLOWED');
  });
});

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe('readFrame: hostile paths (issue 8, finding 3)', () => {
  const meta = { width: 4, height: 4, format: 'GRAY8' };

  /** A folder inside the roots holding frame `name`, and a same-shaped folder outside holding a secret. */
  function swappable(name: string): { inner: string; secretDir: string } {
    const base = mkdtempSync(join(root, 'swap-'));
    const inner = join(base, 'cam');
    mkdirSync(inner);
    writeFileSync(join(inner, name), new Uint8Array(16).fill(1));
    const secretDir = mkdtempSync(join(outside, 'secret-'));
    writeFileSync(join(secretDir, name), new Uint8Array(16).fill(0x5e));
    return { inner, secretDir };
  }
  /** What a rename-exchange race does between check and open: the checked folder becomes a symlink out of the roots. */
  const swapToLink = (inner: string, secretDir: string) => (): void => {
    renameSync(inner, `${inner}.moved`);
    symlinkSync(secretDir, inner);
  };

  it('never serves a raw file reached through a folder swapped for a symlink between check and open', () => {
    const { inner, secretDir } = swappable('frame.gray');
    // The check is made on the resolved descriptor itself: what is read is the file checked (moved along with its folder), never the secret.
    const frame = readFrame(join(inner, 'frame.gray'), meta, { allowedRoots: [root], hooks: { afterCheck: swapToLink(inner, secretDir) } });
    expect(Array.from(frame.data)).toEqual(Array(16).fill(1));
    // The path now leads out of the roots: refused, without naming where.
    expect(codeOf(() => readFrame(join(inner, 'frame.gray'), meta, opts()))).toBe('PATH_NOT_ALLOWED');
    expect(messageOf(() => readFrame(join(inner, 'frame.gray'), meta, opts()))).not.toContain(outside);
  });

  it('never serves an export folder reached through a folder swapped for a symlink between check and open', () => {
    const base = mkdtempSync(join(root, 'swap-export-'));
    const inner = join(base, 'cam');
    const layout = frameLayout('GRAY8', 4, 4);
    writeExportFrame(inner, layout, new Uint8Array(16).fill(1), 1);
    const secretDir = mkdtempSync(join(outside, 'secret-export-'));
    writeExportFrame(secretDir, layout, new Uint8Array(16).fill(0x5e), 2);
    const read = (): unknown => readFrame(inner, meta, { allowedRoots: [root], hooks: { afterCheck: swapToLink(inner, secretDir) } });
    expect(codeOf(read)).toBe('PATH_NOT_ALLOWED');
  });

  it('answers the same for existing and missing files outside the roots, naming neither', () => {
    const secret = join(outside, 'exists.bin');
    writeFileSync(secret, new Uint8Array(16));
    const toExisting = join(root, 'to-existing');
    const toMissing = join(root, 'to-missing');
    symlinkSync(secret, toExisting);
    symlinkSync(join(outside, 'no-such-file'), toMissing);
    for (const link of [toExisting, toMissing, join(toMissing, 'deeper')]) {
      expect(codeOf(() => readFrame(link, meta, opts()))).toBe('PATH_NOT_ALLOWED');
      expect(messageOf(() => readFrame(link, meta, opts()))).not.toContain(outside);
    }
    // A dangling link that stays inside the roots is simply not found.
    const inner = join(root, 'to-missing-inside');
    symlinkSync(join(root, 'not-yet'), inner);
    expect(codeOf(() => readFrame(inner, meta, opts()))).toBe('FRAME_NOT_FOUND');
  });

  it('FRAME_UNREADABLE (not an ESPIPE error) when frame.data or a raw frame is a FIFO', () => {
    const dir = join(root, 'vas', 'cam-fifo');
    mkdirSync(dir, { recursive: true });
    execFileSync('mkfifo', [join(dir, 'frame.data')]);
    writeFileSync(join(dir, 'frame.meta'), encodeFrameMeta({ frameId: 1, width: 4, height: 4, format: 'GRAY8', stride: 4, dataSize: 16 }));
    expect(codeOf(() => readFrame(dir, meta, opts()))).toBe('FRAME_UNREADABLE');
    expect(messageOf(() => readFrame(dir, meta, opts()))).toMatch(/frame\.data .* is not a regular file/);
    const fifo = join(root, 'raw.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(codeOf(() => readFrame(fifo, meta, opts()))).toBe('FRAME_UNREADABLE');
  });
});

describe('readFrame: a frame replaced mid-read', () => {
  const layout = frameLayout('GRAY8', 8, 8);
  const frameBytes = (id: number): Uint8Array => new Uint8Array(layout.byteLength).fill(id & 0xff);

  it('retries and returns the new, consistent frame when the exporter replaced it once', () => {
    const dir = join(root, 'vas', 'cam-torn-once');
    writeExportFrame(dir, layout, frameBytes(1), 1);
    let calls = 0;
    const frame = readFrame(dir, { width: 8, height: 8, format: 'GRAY8' }, {
      allowedRoots: [root],
      hooks: {
        afterDataRead: () => {
          if (calls++ === 0) writeExportFrame(dir, layout, frameBytes(2), 2);
        },
      },
    });
    expect(calls).toBe(2);
    expect(frame.frameId).toBe(2);
    expect(frame.data.every((b) => b === 2)).toBe(true);
  });

  it('FRAME_TORN when the frame keeps changing under the reader', () => {
    const dir = join(root, 'vas', 'cam-torn-always');
    writeExportFrame(dir, layout, frameBytes(1), 1);
    let id = 1;
    const read = (): unknown =>
      readFrame(dir, { width: 8, height: 8, format: 'GRAY8' }, {
        allowedRoots: [root],
        hooks: { afterDataRead: () => writeExportFrame(dir, layout, frameBytes(++id), id) },
      });
    expect(codeOf(read)).toBe('FRAME_TORN');
  });

  it('detects new data under the old header (the exporter between its two renames)', () => {
    const dir = join(root, 'vas', 'cam-half');
    writeExportFrame(dir, layout, frameBytes(1), 1);
    // Only frame.data is replaced, and frame.meta is not (yet): a later rename.
    let calls = 0;
    const read = (): unknown =>
      readFrame(dir, { width: 8, height: 8, format: 'GRAY8' }, {
        allowedRoots: [root],
        hooks: {
          afterDataRead: () => {
            if (calls++ > 0) return;
            writeFileSync(join(dir, '.tmp'), frameBytes(2));
            renameSync(join(dir, '.tmp'), join(dir, 'frame.data'));
          },
        },
      });
    // The data was replaced while being read: retried; the retry then sees data newer than the header.
    expect(codeOf(read)).toBe('FRAME_TORN');
  });
});

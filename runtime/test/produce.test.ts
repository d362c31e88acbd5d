/**
 * The frame producer writes what the video service's exporter writes: real
 * frames of a real clip (Debian opencv-doc's vtest.avi, decoded by ffmpeg)
 * in /dev/shm, read back by the runtime's own export reader, byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFrameMeta } from '../src/frames/frame-meta.js';
import { readExportFolder } from '../src/frames/read-export.js';
import { produceFrames } from '../src/produce/producer.js';
import { openSource } from '../src/produce/sources.js';

const CLIP = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
const PHOTOS = new URL('../../models/fall-detection/test/images/', import.meta.url).pathname;

/** Frame `n` (1-based) of the clip, decoded by ffmpeg alone: the reference bytes. */
function ffmpegFrame(n: number, fps: number, width: number, height: number): Buffer {
  const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', CLIP, '-vf', `fps=${fps},scale=${width}:${height}`, '-frames:v', String(n), '-pix_fmt', 'nv12', '-f', 'rawvideo', 'pipe:1'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(r.status, String(r.stderr)).toBe(0);
  const size = (width * height * 3) / 2;
  return r.stdout.subarray((n - 1) * size, n * size);
}

describe('ruth-model produce', { timeout: 60_000 }, () => {
  let vas: string;
  beforeAll(() => {
    // Host packages from .ci/install-host.sh: say which is missing rather than skip.
    expect(existsSync(CLIP), `${CLIP} (Debian package opencv-doc)`).toBe(true);
    expect(spawnSync('ffmpeg', ['-version']).status, 'ffmpeg (Debian package ffmpeg)').toBe(0);
    vas = mkdtempSync('/dev/shm/ruth-produce-');
  });
  afterAll(() => rmSync(vas, { recursive: true, force: true }));

  it('writes the clip frame by frame as frame.data + a 64-byte frame.meta, through renames only', async () => {
    const source = openSource({ path: CLIP, fps: 10, loop: false });
    expect([source.width, source.height]).toEqual([768, 576]);
    const seen: number[] = [];
    const n = await produceFrames(source.frames, { vasDir: vas, camera: 'cam-clip', fps: 200, width: 768, height: 576, maxFrames: 6, onFrame: (id) => seen.push(id) });
    expect(n).toBe(6);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    const dir = join(vas, 'cam-clip');
    // No temporary file is left: each was renamed into place.
    expect(readdirSync(dir).sort()).toEqual(['frame.data', 'frame.meta']);
    const meta = readFileSync(join(dir, 'frame.meta'));
    expect(meta.byteLength).toBe(64);
    const header = parseFrameMeta(meta, dir);
    expect(header).toMatchObject({ version: 1, frameId: 6, width: 768, height: 576, format: 'NV12', stride: 768, dataSize: 768 * 576 * 1.5 });
    const ageMs = Date.now() - Number(header.timestampNs / 1_000_000n);
    expect(ageMs).toBeGreaterThanOrEqual(0);

    const frame = readExportFolder(dir);
    expect(frame.frameId).toBe(6);
    expect(Buffer.from(frame.data).equals(ffmpegFrame(6, 10, 768, 576))).toBe(true);
  });

  it('pads rows to --stride and the reader returns the same pixels', async () => {
    const source = openSource({ path: CLIP, fps: 10, loop: false, width: 320, height: 240 });
    await produceFrames(source.frames, { vasDir: vas, camera: 'cam-stride', fps: 200, width: 320, height: 240, stride: 384, maxFrames: 2 });
    const dir = join(vas, 'cam-stride');
    const header = parseFrameMeta(readFileSync(join(dir, 'frame.meta')), dir);
    expect(header).toMatchObject({ frameId: 2, width: 320, height: 240, stride: 384, dataSize: 384 * 360 });
    const frame = readExportFolder(dir);
    const packed = ffmpegFrame(2, 10, 320, 240);
    for (let row = 0; row < 360; row++) {
      expect(Buffer.from(frame.data.subarray(row * 384, row * 384 + 320)).equals(packed.subarray(row * 320, (row + 1) * 320))).toBe(true);
      expect(frame.data.subarray(row * 384 + 320, (row + 1) * 384).every((b) => b === 0)).toBe(true);
    }
  });

  it('loops a folder of pictures in name order at one size', async () => {
    const folder = mkdtempSync('/dev/shm/ruth-produce-pics-');
    try {
      const photos = readdirSync(PHOTOS).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(0, 2);
      photos.forEach((p, i) => copyFileSync(join(PHOTOS, p), join(folder, `${i}-${p}`)));
      const source = openSource({ path: folder, fps: 10, loop: true, width: 640, height: 480 });
      const frames: Buffer[] = [];
      await produceFrames(source.frames, {
        vasDir: vas, camera: 'cam-pics', fps: 200, width: 640, height: 480, maxFrames: 3,
        onFrame: () => frames.push(Buffer.from(readFileSync(join(vas, 'cam-pics', 'frame.data')))),
      });
      await source.frames.return(undefined);
      expect(frames).toHaveLength(3);
      expect(frames[0]!.equals(frames[1]!)).toBe(false); // two different photos
      expect(frames[2]!.equals(frames[0]!)).toBe(true); // then the first again
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a camera id that is not one path segment', async () => {
    const source = openSource({ path: CLIP, fps: 10, loop: false });
    await expect(produceFrames(source.frames, { vasDir: vas, camera: '../etc', fps: 10, width: 768, height: 576 })).rejects.toThrow(/--camera must be/);
    await source.frames.return(undefined);
  });
});

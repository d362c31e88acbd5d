/**
 * The frame producer: writes a stream of NV12 frames into a video-service
 * export folder, <vasDir>/<camera>/ (frame.data then frame.meta, each through
 * a temporary file and a rename: frames/write-export.ts), at a steady rate.
 *
 * The rate is wall-clock: frame k is due at start + k/fps. A producer that
 * falls behind (slow disk, busy host) does not burst to catch up; it restarts
 * its schedule from now, as a camera would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { frameLayout, type FrameLayout } from '../frames/layout.js';
import { writeExportFrame } from '../frames/write-export.js';

export interface ProduceOptions {
  vasDir: string;
  camera: string;
  fps: number;
  width: number;
  height: number;
  /** Bytes per luma row; > width pads each row (as hardware encoders do). */
  stride?: number;
  /** Stop after this many frames; undefined: until the source ends or the signal fires. */
  maxFrames?: number;
  signal?: AbortSignal;
  /** Called after each frame is in place. */
  onFrame?: (frameId: number) => void;
}

/** Packed NV12 → the same frame with rows of `layout.stride` bytes (padding zeroed). */
export function padRows(packed: Uint8Array, layout: FrameLayout): Uint8Array {
  const { width, height, stride } = layout;
  if (stride === width) return packed;
  const out = new Uint8Array(layout.byteLength);
  const rows = height + height / 2; // Y rows, then interleaved UV rows of the same width
  for (let r = 0; r < rows; r++) out.set(packed.subarray(r * width, (r + 1) * width), r * stride);
  return out;
}

/** The camera's folder name is a path segment: no separators, no dot names. */
export function checkCameraId(camera: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(camera)) {
    throw new Error(`--camera must be 1-128 letters, digits, '.', '_' or '-' (not starting with '.' or '-'), got ${JSON.stringify(camera)}`);
  }
  return camera;
}

/** Writes frames until the source ends, maxFrames are written or the signal aborts. Returns the count. */
export async function produceFrames(frames: AsyncIterable<Uint8Array>, o: ProduceOptions): Promise<number> {
  const dir = join(o.vasDir, checkCameraId(o.camera));
  const layout = frameLayout('NV12', o.width, o.height, o.stride);
  const interval = 1000 / o.fps;
  let due = performance.now();
  let written = 0;
  for await (const packed of frames) {
    if (o.signal?.aborted) break;
    const wait = due - performance.now();
    if (wait > 0) {
      try {
        await sleep(wait, undefined, { signal: o.signal });
      } catch {
        break; // aborted while waiting
      }
    } else if (wait < -interval) {
      due = performance.now(); // fell behind by more than a frame: no burst
    }
    written++;
    writeExportFrame(dir, layout, padRows(packed, layout), written);
    o.onFrame?.(written);
    due += interval;
    if (o.maxFrames !== undefined && written >= o.maxFrames) break;
  }
  return written;
}

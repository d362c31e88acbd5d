/**
 * Following one camera's export folder as the platform's core would: poll
 * frame.meta (64 bytes) for a new frame id, then read the whole frame with
 * the runtime's own tear-proof reader. Polling, not inotify: it works the
 * same across containers sharing a tmpfs volume and costs one small read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FRAME_META_SIZE, parseFrameMeta } from '../frames/frame-meta.js';
import { readExportFolder } from '../frames/read-export.js';
import type { Frame } from '../frames/read-frame.js';
import { preprocess } from '../preprocess/preprocess.js';
import type { RgbImage } from '../image/decode.js';

/** The frame id in frame.meta now, or undefined while there is none (or it is mid-rename). */
export function currentFrameId(dir: string): number | undefined {
  try {
    const bytes = readFileSync(join(dir, 'frame.meta'));
    return bytes.byteLength >= FRAME_META_SIZE ? parseFrameMeta(bytes, dir).frameId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the folder holds a frame other than `lastId`, then reads it.
 * Returns undefined when the signal aborts first.
 */
export async function nextFrame(dir: string, lastId: number | undefined, pollMs: number, signal?: AbortSignal): Promise<Frame | undefined> {
  while (!signal?.aborted) {
    const id = currentFrameId(dir);
    if (id !== undefined && id !== lastId) {
      try {
        return readExportFolder(dir);
      } catch {
        // Torn or vanished under a fast producer: the next poll reads again.
      }
    }
    try {
      await sleep(pollMs, undefined, { signal });
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The full-size RGB picture of a frame (for drawing on): the preprocessor at 1:1, no resize. */
export function frameToRgb(frame: Frame): RgbImage {
  const { width, height } = frame.layout;
  const tensor = preprocess(frame, {
    width, height, resize: 'stretch', dtype: 'uint8', layout: 'nhwc', channel_order: 'rgb',
    mean: [0, 0, 0], std: [1, 1, 1], pad_value: 0,
  });
  return { width, height, data: tensor.data as Uint8Array };
}

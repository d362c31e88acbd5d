/**
 * Where the producer's frames come from: a video file (decoded by ffmpeg,
 * optionally looped) or a folder of pictures (each decoded once, then looped).
 * Either way: packed NV12 frames of one size, as an endless or finite stream.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNv12, probeSize } from './ffmpeg.js';

const PICTURE = /\.(jpe?g|png|bmp|webp|tiff?)$/i;

export interface SourceOptions {
  path: string;
  fps: number;
  loop: boolean;
  /** Output size; default: the source's, made even. */
  width?: number;
  height?: number;
}

export interface FrameSource {
  width: number;
  height: number;
  description: string;
  frames: AsyncGenerator<Buffer>;
}

const even = (n: number): number => Math.max(2, n & ~1);

export function pictureFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => PICTURE.test(f)).sort().map((f) => join(dir, f));
}

async function* loopPictures(files: string[], width: number, height: number, loop: boolean): AsyncGenerator<Buffer> {
  // Decoded once: a folder of stills is small, and ffmpeg per frame is not.
  const decoded: Buffer[] = [];
  for (const file of files) {
    for await (const frame of decodeNv12({ file, width, height, maxFrames: 1 })) decoded.push(frame);
  }
  do {
    for (const frame of decoded) yield frame;
  } while (loop);
}

export function openSource(o: SourceOptions): FrameSource {
  const isDir = statSync(o.path).isDirectory();
  const files = isDir ? pictureFiles(o.path) : [o.path];
  if (files.length === 0) throw new Error(`${o.path} holds no picture (.jpg, .png, .bmp, .webp, .tif)`);
  const probed = o.width && o.height ? { width: o.width, height: o.height } : probeSize(files[0]!);
  const width = even(o.width ?? probed.width);
  const height = even(o.height ?? probed.height);
  const frames = isDir
    ? loopPictures(files, width, height, o.loop)
    : decodeNv12({ file: o.path, width, height, fps: o.fps, loop: o.loop });
  const what = isDir ? `${files.length} picture(s) in ${o.path}` : o.path;
  return { width, height, frames, description: `${what} as NV12 ${width}x${height}` };
}

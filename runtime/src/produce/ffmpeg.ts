/**
 * ffmpeg (Debian's, found on PATH) as the decoder of the frame producer:
 * a video file or a still picture → raw NV12 frames on a pipe. Kept out of
 * the runtime image; the frame-producer image and the host carry it.
 */
import { spawn, spawnSync } from 'node:child_process';

export class FfmpegError extends Error {
  override name = 'FfmpegError';
}

/** Width and height of the first video stream (ffprobe). */
export function probeSize(file: string): { width: number; height: number } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
  });
  if (r.error) throw new FfmpegError(`ffprobe could not run (${(r.error as NodeJS.ErrnoException).code}): install ffmpeg (Debian: apt-get install ffmpeg)`);
  const m = /^(\d+),(\d+)/.exec(r.stdout.trim());
  if (r.status !== 0 || !m) throw new FfmpegError(`ffprobe found no video stream in ${file}: ${r.stderr.trim() || r.stdout.trim()}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

export interface DecodeOptions {
  file: string;
  width: number;
  height: number;
  /** Frames per second of video time that ffmpeg emits (its fps filter); omit for stills. */
  fps?: number;
  /** Start the file again at its end, forever. */
  loop?: boolean;
  /** Stop after this many frames (ffmpeg -frames:v). */
  maxFrames?: number;
}

function decodeArgs(o: DecodeOptions): string[] {
  const filters = [...(o.fps ? [`fps=${o.fps}`] : []), `scale=${o.width}:${o.height}`];
  return [
    '-nostdin', '-v', 'error',
    ...(o.loop ? ['-stream_loop', '-1'] : []),
    '-i', o.file,
    '-an', '-vf', filters.join(','),
    ...(o.maxFrames ? ['-frames:v', String(o.maxFrames)] : []),
    // swscale's RGB→YUV default is BT.601 limited range, as the runtime reads it.
    '-pix_fmt', 'nv12', '-f', 'rawvideo', 'pipe:1',
  ];
}

/**
 * Yields one packed NV12 frame (width*height*3/2 bytes) at a time. The pipe
 * applies back-pressure: ffmpeg decodes only as fast as the caller pulls.
 * Returning early (break) kills ffmpeg.
 */
export async function* decodeNv12(o: DecodeOptions): AsyncGenerator<Buffer> {
  const frameBytes = (o.width * o.height * 3) / 2;
  const child = spawn('ffmpeg', decodeArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(new FfmpegError(`ffmpeg could not run (${err.code}): install ffmpeg (Debian: apt-get install ffmpeg)`)));
    child.on('close', (code) => resolve(code));
  });
  exited.catch(() => undefined); // observed below
  let frame = Buffer.allocUnsafe(frameBytes);
  let filled = 0;
  let count = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - at);
        chunk.copy(frame, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === frameBytes) {
          count++;
          yield frame;
          frame = Buffer.allocUnsafe(frameBytes);
          filled = 0;
        }
      }
    }
    const code = await exited;
    if (code !== 0) throw new FfmpegError(`ffmpeg failed on ${o.file} (exit ${code}): ${stderr.trim()}`);
    if (count === 0) throw new FfmpegError(`ffmpeg decoded no frame from ${o.file}: ${stderr.trim()}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

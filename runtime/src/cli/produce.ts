/**
 * `ruth-model produce --source VIDEO|FOLDER --camera ID [--vas-dir /dev/shm/vas]
 *                     [--fps 10] [--width W --height H] [--stride S]
 *                     [--loop] [--frames N]`
 *
 * Plays a video file (decoded by ffmpeg) or a folder of pictures into
 * <vas-dir>/<camera>/ exactly as the video service exports frames, at --fps
 * frames per second of wall-clock time. Needs ffmpeg on PATH: the
 * ruth-ai/frame-producer image carries it, the model images do not.
 * Runs until the source ends (never with --loop), --frames are written, or
 * SIGTERM/SIGINT. One status line on stderr every 5 s.
 */
import { flags } from './args.js';
import { openSource } from '../produce/sources.js';
import { produceFrames } from '../produce/producer.js';

const USAGE = 'usage: ruth-model produce --source VIDEO|FOLDER --camera ID [--vas-dir /dev/shm/vas] [--fps 10] [--width W --height H] [--stride S] [--loop] [--frames N]';

function positive(name: string, raw: string | undefined, fallback?: number): number | undefined {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

export async function produceCommand(argv: string[]): Promise<number> {
  const loop = argv.includes('--loop');
  let options: Parameters<typeof produceFrames>[1];
  let source: ReturnType<typeof openSource>;
  try {
    const f = flags(argv.filter((a) => a !== '--loop'), ['source', 'camera', 'vas-dir', 'fps', 'width', 'height', 'stride', 'frames']);
    if (!f.source || !f.camera) throw new Error('--source and --camera are required');
    const fps = positive('fps', f.fps, 10)!;
    source = openSource({ path: f.source, fps, loop, width: positive('width', f.width), height: positive('height', f.height) });
    const maxFrames = positive('frames', f.frames);
    options = {
      vasDir: f['vas-dir'] ?? '/dev/shm/vas',
      camera: f.camera,
      fps,
      width: source.width,
      height: source.height,
      stride: positive('stride', f.stride),
      maxFrames: maxFrames === undefined ? undefined : Math.floor(maxFrames),
    };
  } catch (err) {
    process.stderr.write(`ruth-model produce: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }

  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const where = `${options.vasDir}/${options.camera}`;
  process.stderr.write(`ruth-model produce: ${source.description} at ${options.fps} fps into ${where}\n`);
  let last = 0;
  const status = setInterval(() => process.stderr.write(`ruth-model produce: ${last} frames written to ${where}\n`), 5000);
  try {
    const n = await produceFrames(source.frames, { ...options, signal: stop.signal, onFrame: (id) => (last = id) });
    process.stderr.write(`ruth-model produce: done, ${n} frames written to ${where}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`ruth-model produce: ${(err as Error).message}\n`);
    return 1;
  } finally {
    clearInterval(status);
    await source.frames.return(undefined);
  }
}

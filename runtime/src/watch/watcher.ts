/**
 * `watch`: follow one camera, send each new frame to a model, draw and log
 * every answer. One request is in flight at a time, the way a frame-by-frame
 * caller works: when the model is slower than the camera, the next request
 * takes the newest frame and the frames in between count as dropped.
 *
 *   frame.meta poll ─▶ read frame (ids k) ─▶ request k ──────────▶ answer k
 *                                           while k runs: draw + log k-1
 *
 * Drawing and logging answer k-1 happen after request k is written, so the
 * model never waits for the PNG encoder.
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceResponse } from '../api/wire.js';
import { ModelClient } from '../client/model-client.js';
import type { Frame } from '../frames/read-frame.js';
import { annotate } from '../image/annotate.js';
import type { RgbImage } from '../image/decode.js';
import { encodePng } from '../image/encode-png.js';
import { frameToRgb, nextFrame } from './camera.js';
import { WatchStats } from './stats.js';

export interface WatchOptions {
  socket: string;
  modelId: string;
  camera: string;
  /** The export root: frames are read from <vasDir>/<camera>. */
  vasDir: string;
  outDir: string;
  /** Stop after this many answers; undefined: until the signal. */
  maxAnswers?: number;
  /** Annotated frames kept on disk (older ones are deleted). */
  keep: number;
  config: Record<string, unknown> | null;
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
  onAnswer?: (stats: WatchStats) => void;
}

interface Sent {
  frameId: number;
  rgb: RgbImage;
  sentAt: number;
  answer: Promise<InferenceResponse>;
}

export interface WatchResult {
  stats: WatchStats;
  framesDir: string;
  /** Index of the oldest annotated frame still on disk (frames are <index>.png, 6 digits). */
  firstKept: number;
  written: number;
}

export async function watchCamera(o: WatchOptions): Promise<WatchResult> {
  const dir = join(o.vasDir, o.camera);
  const framesDir = join(o.outDir, 'frames');
  mkdirSync(framesDir, { recursive: true });
  const log = join(o.outDir, 'answers.jsonl');
  writeFileSync(log, '');
  const client = new ModelClient(o.socket, { timeoutMs: o.timeoutMs });
  const stats = new WatchStats();
  let written = 0;
  let lastSent: number | undefined;

  const send = (frame: Frame): Sent => {
    const frameId = frame.frameId!;
    // A lower id means the producer started again: nothing was dropped.
    stats.onSend(lastSent !== undefined && frameId > lastSent ? frameId - lastSent - 1 : 0);
    lastSent = frameId;
    const now = Date.now() / 1000;
    const { width, height, format, stride } = frame.layout;
    const sentAt = performance.now();
    // Asked first, converted for drawing after: the model reads the folder
    // when its worker starts, so the sooner it is asked, the likelier it
    // reads the frame drawn on (the export format cannot pin one frame).
    const answer = client.request<InferenceResponse>({
      frame_reference: dir,
      frame_metadata: { frame_id: frameId, width, height, format, stride, timestamp: now },
      camera_id: o.camera,
      model_id: o.modelId,
      timestamp: now,
      config: o.config,
    });
    const rgb = frameToRgb(frame); // before the next read reuses the buffer
    return { frameId, rgb, sentAt, answer };
  };

  const finish = (s: Sent, response: InferenceResponse | undefined, error: string | undefined, latencyMs: number): void => {
    const line = { frame_id: s.frameId, latency_ms: Math.round(latencyMs * 10) / 10, response: response ?? null, error: error ?? null };
    appendFileSync(log, `${JSON.stringify(line)}\n`);
    if (!response || response.error) return;
    written++;
    writeFileSync(join(framesDir, `${String(written).padStart(6, '0')}.png`), encodePng(annotate(s.rgb, response.detections ?? [])));
    if (written > o.keep) rmSync(join(framesDir, `${String(written - o.keep).padStart(6, '0')}.png`), { force: true });
  };

  const settle = async (s: Sent): Promise<[InferenceResponse | undefined, string | undefined, number]> => {
    try {
      const r = await s.answer;
      return [r, r.error ? `${r.error_code ?? 'ERROR'}: ${r.error}` : undefined, performance.now() - s.sentAt];
    } catch (err) {
      return [undefined, (err as Error).message, performance.now() - s.sentAt];
    }
  };

  const first = await nextFrame(dir, undefined, o.pollMs, o.signal);
  let inFlight = first ? send(first) : undefined;
  try {
    while (inFlight) {
      const [response, error, latency] = await settle(inFlight);
      if (error) stats.onError();
      else stats.onAnswer(inFlight.frameId, latency, (response!.detections ?? []).map((d) => d.class_name));
      o.onAnswer?.(stats);
      const done = inFlight;
      const more = !o.signal?.aborted && (o.maxAnswers === undefined || stats.answered < o.maxAnswers);
      const frame = more ? await nextFrame(dir, lastSent, o.pollMs, o.signal) : undefined;
      inFlight = frame ? send(frame) : undefined;
      finish(done, response, error, latency);
    }
  } finally {
    client.close();
  }
  return { stats, framesDir, firstKept: Math.max(1, written - o.keep + 1), written };
}

/**
 * The motion step on stretches of vtest.avi the walking measurement does not
 * label (eval-walking.ts uses frames 40-750 as labelled stills with their
 * history): every frame of FIRST..LAST sent in order under one camera id, at
 * 768×576 and placed in 1920×1080, through `ruth-model serve` with the
 * model.yaml defaults. STREAM_CONFIGS (a JSON list of request configs, null
 * for the defaults) compares settings in one run: each frame is sent once
 * per config, one after the other, each config under its own camera id, so
 * all see the same machine load. No labels: it prints how
 * many people each frame's answer holds, how many frames had a `fall` (every
 * person in the clip walks: any fall is false), pose passes and ms per frame.
 * Not a test: a check that what the walking frames show holds elsewhere.
 *
 *   [STREAM_CONFIGS='[null, {"motion_max_shrink": 8}]'] npx tsx models/fall-detection/bench/walking-stream.ts [first=100] [last=400]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request, type InferenceResponse, fetchWeights } from '@ruth-ai/model-runtime';
import { frameFromImage, startServerProcess } from '@ruth-ai/model-runtime/testing';
import { VTEST } from './eval-sources.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const [FIRST, LAST] = [Number(process.argv[2] ?? 100), Number(process.argv[3] ?? 400)];
const CONFIGS = JSON.parse(process.env.STREAM_CONFIGS ?? '[null]') as (Record<string, unknown> | null)[];

await fetchWeights(MODEL_DIR);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'walk-stream-'));
const shm = mkdtempSync('/dev/shm/walk-stream-');
const server = await startServerProcess({ RUTH_MODEL_ID: 'fall-detection' }, path.dirname(MODEL_DIR), 60_000);
const load0 = os.loadavg()[0]!;
try {
  for (const hd of [false, true]) {
    const dir = path.join(tmp, hd ? 'hd' : 'sd');
    execFileSync('mkdir', ['-p', dir]);
    const place = hd ? ',scale=1440:1080:flags=bicubic,pad=1920:1080:240:0:black' : '';
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', VTEST, '-vf', `select=between(n\\,${FIRST}\\,${LAST})${place}`, '-vsync', 'vfr', path.join(dir, '%04d.png')]);
    const totals = CONFIGS.map(() => ({ people: 0, moving: 0, falls: 0, passes: 0, ms: 0, n: 0 }));
    for (const file of readdirSync(dir).sort()) {
      const frame = frameFromImage(path.join(dir, file), 'NV12');
      const f = path.join(shm, 'frame.nv12');
      writeFileSync(f, frame.bytes);
      for (const [i, config] of CONFIGS.entries()) {
        const t = totals[i]!;
        const now = Date.now() / 1000;
        const t0 = performance.now();
        const res = await request<InferenceResponse>(server.socketPath, {
          frame_reference: f, frame_metadata: { frame_id: t.n, width: frame.width, height: frame.height, format: 'NV12', timestamp: now },
          camera_id: `stream-${hd}-${i}`, model_id: 'fall-detection', timestamp: now, config,
        }, { timeoutMs: 60_000 });
        t.ms += performance.now() - t0;
        if (res.error) throw new Error(JSON.stringify(res.error));
        const dets = res.detections as { class_name: string; view?: string }[];
        t.n++;
        t.people += dets.length;
        t.moving += dets.filter((d) => d.view === 'moving').length;
        if (dets.some((d) => d.class_name === 'fall')) t.falls++;
        t.passes += Number(res.metadata?.pose_passes ?? 0);
      }
    }
    for (const [i, t] of totals.entries()) {
      console.log(`| ${JSON.stringify(CONFIGS[i])} | ${hd ? '1920×1080' : '768×576'} | ${FIRST}-${LAST} | ${t.n} | ${(t.people / t.n).toFixed(2)} | ${(t.moving / t.n).toFixed(2)} | ${t.falls} | ${(t.passes / t.n).toFixed(2)} | ${(t.ms / t.n).toFixed(0)} |`);
    }
  }
  console.log(`(load ${load0.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)}; columns: config (null: model.yaml defaults), size, frames, sent, people per frame, of them moving reads, frames with a fall, pose passes/frame, ms/frame)`);
} finally {
  await server.stop('SIGTERM');
  server.cleanup();
  rmSync(tmp, { recursive: true, force: true });
  rmSync(shm, { recursive: true, force: true });
}

/**
 * Micro-benchmark of one thread's frame → tensor work (not part of the test
 * suite: timings are noisy). Run after a build:
 *   npx tsx runtime/bench/preprocess-bench.ts
 * Prints ms/frame (median of several rounds, and the minimum) for the cases
 * the end-to-end target depends on, plus non-integer scales that exercise
 * every tap. Wall time and CPU time are both shown: on a shared machine wall
 * time includes waiting for a core, CPU time is the work itself. Each frame's
 * tensor is released as a worker does (its memory reused); the first case is
 * also timed without that, on fresh memory every frame.
 */
import { preprocess, releaseInput } from '@ruth-ai/model-runtime';
import { yuvKernelName } from '@ruth-ai/model-runtime/testing';
import { SPEC_640, testFrame, timePreprocess } from './preprocess-timing.js';

const cases = [
  { name: '1920x1080 NV12 -> 640x640 float32 letterbox nhwc', w: 1920, h: 1080, spec: SPEC_640 },
  { name: '1920x1080 NV12 -> 640x640 float32 letterbox nchw', w: 1920, h: 1080, spec: { ...SPEC_640, layout: 'nchw' as const } },
  { name: '1920x1080 NV12 -> 256x256 uint8 letterbox', w: 1920, h: 1080, spec: { ...SPEC_640, width: 256, height: 256, dtype: 'uint8' as const } },
  { name: '1280x720 NV12 -> 416x416 float32 letterbox', w: 1280, h: 720, spec: { ...SPEC_640, width: 416, height: 416 } },
  { name: '640x480 NV12 -> 256x256 uint8 letterbox', w: 640, h: 480, spec: { ...SPEC_640, width: 256, height: 256, dtype: 'uint8' as const } },
];

const fmt = (x: { median: number; min: number }): string => `${x.median.toFixed(2)} ms/frame (min ${x.min.toFixed(2)})`;
console.log(`YUV kernel: ${yuvKernelName()}`);
for (const c of cases) {
  const t = timePreprocess(preprocess, releaseInput, testFrame('NV12', c.w, c.h), c.spec);
  console.log(`${c.name.padEnd(52)} wall ${fmt(t.wall)}  cpu ${fmt(t.cpu)}`);
}
const fresh = timePreprocess(preprocess, undefined, testFrame('NV12', 1920, 1080), SPEC_640);
console.log(`${'the first, fresh tensor memory every frame'.padEnd(52)} wall ${fmt(fresh.wall)}  cpu ${fmt(fresh.cpu)}`);

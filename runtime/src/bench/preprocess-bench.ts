/**
 * Micro-benchmark of one thread's frame → tensor work (not part of the test
 * suite: timings are noisy). Run after a build:
 *   node runtime/dist/bench/preprocess-bench.js
 * Prints ms/frame (median of several rounds) for the cases the end-to-end
 * target depends on, plus a non-integer scale that exercises every tap.
 * Both wall time and this thread's CPU time are shown: on a shared machine
 * wall time includes waiting for a core, CPU time is the work itself.
 */
import type { InputSpec } from '../config/model-config.js';
import { encodeFrame } from '../frames/encode.js';
import { frameLayout } from '../frames/layout.js';
import { preprocess } from '../preprocess/preprocess.js';

const base: InputSpec = { width: 640, height: 640, resize: 'letterbox', dtype: 'float32', layout: 'nhwc', channel_order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], pad_value: 114 };

const cases: { name: string; w: number; h: number; format: string; spec: InputSpec }[] = [
  { name: '1920x1080 NV12 -> 640x640 float32 letterbox nhwc', w: 1920, h: 1080, format: 'NV12', spec: base },
  { name: '1920x1080 NV12 -> 640x640 float32 letterbox nchw', w: 1920, h: 1080, format: 'NV12', spec: { ...base, layout: 'nchw' } },
  { name: '1920x1080 NV12 -> 256x256 uint8 letterbox', w: 1920, h: 1080, format: 'NV12', spec: { ...base, width: 256, height: 256, dtype: 'uint8' } },
  { name: '1280x720 NV12 -> 416x416 float32 letterbox', w: 1280, h: 720, format: 'NV12', spec: { ...base, width: 416, height: 416 } },
  { name: '640x480 NV12 -> 256x256 uint8 letterbox', w: 640, h: 480, format: 'NV12', spec: { ...base, width: 256, height: 256, dtype: 'uint8' } },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

for (const c of cases) {
  const rgb = new Uint8Array(c.w * c.h * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 31 + (i >> 11)) & 0xff;
  const frame = { layout: frameLayout(c.format, c.w, c.h), data: encodeFrame(rgb, c.w, c.h, c.format) };
  for (let i = 0; i < 20; i++) preprocess(frame, c.spec); // warm the JIT and the plan cache
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 7; r++) {
    const n = 20;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) preprocess(frame, c.spec);
    const used = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / n);
    cpu.push((used.user + used.system) / 1000 / n);
  }
  const fmt = (xs: number[]): string => `${median(xs).toFixed(2)} ms/frame (min ${Math.min(...xs).toFixed(2)})`;
  console.log(`${c.name.padEnd(52)} wall ${fmt(wall)}  cpu ${fmt(cpu)}`);
}

/**
 * One thread's frame -> tensor cost, in CPU time (process.cpuUsage: on a
 * shared machine wall time also counts waiting for a core). Used by
 * preprocess-bench.ts and by `npm run bench` for its target row.
 */
import { encodeFrame, frameLayout, type Frame, type InputSpec, type InputTensor } from '@ruth-ai/model-runtime';

export type PreprocessFn = (frame: Frame, spec: InputSpec) => InputTensor;
/** What a worker does once infer() settled (builds without a tensor pool have none). */
export type ReleaseFn = ((input: InputTensor) => void) | undefined;

export const SPEC_640: InputSpec = { width: 640, height: 640, resize: 'letterbox', dtype: 'float32', layout: 'nhwc', channel_order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1], pad_value: 114 };

/** A frame of a busy test picture (not flat: every table entry and branch gets used). */
export function testFrame(format: string, w: number, h: number): Frame {
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 31 + (i >> 11)) & 0xff;
  return { layout: frameLayout(format, w, h), data: encodeFrame(rgb, w, h, format) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Median and minimum over rounds of `perRound` frames, in ms per frame, wall
 * and CPU: preprocess, then release the tensor as a worker does.
 */
export function timePreprocess(fn: PreprocessFn, release: ReleaseFn, frame: Frame, spec: InputSpec, rounds = 15, perRound = 20): { wall: { median: number; min: number }; cpu: { median: number; min: number } } {
  const one = (): void => {
    const input = fn(frame, spec);
    release?.(input);
  };
  for (let i = 0; i < 20; i++) one(); // warm the JIT and the plan cache
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < perRound; i++) one();
    const used = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / perRound);
    cpu.push((used.user + used.system) / 1000 / perRound);
  }
  return { wall: { median: median(wall), min: Math.min(...wall) }, cpu: { median: median(cpu), min: Math.min(...cpu) } };
}

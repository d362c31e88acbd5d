/**
 * `ruth-model infer` end to end against the real fall-detection server: a
 * fixture photo becomes an NV12 frame in /dev/shm, the answer is printed as
 * JSON, the annotated PNG shows the boxes in the class colours, and the
 * temporary frame is gone afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InferenceResponse, fetchWeights } from '@ruth-ai/model-runtime';
import { CLI, startServerProcess, type ServerProcess } from '@ruth-ai/model-runtime/testing';
import { decodeImage } from '@ruth-ai/model-runtime/image';

const run = promisify(execFile);
const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const IMAGES = path.join(MODEL_DIR, 'test/images');

function shmLeftovers(): string[] {
  return existsSync('/dev/shm') ? readdirSync('/dev/shm').filter((f) => f.startsWith('ruth-infer-')) : [];
}

describe('ruth-model infer', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let out: string;
  const before = new Set(shmLeftovers());

  beforeAll(async () => {
    await fetchWeights(MODEL_DIR);
    server = await startServerProcess({ RUTH_MODEL_ID: 'fall-detection' }, path.dirname(MODEL_DIR), 60_000);
    out = mkdtempSync(path.join(os.tmpdir(), 'fall-infer-'));
  }, 90_000);

  afterAll(async () => {
    await server?.stop('SIGTERM');
    server?.cleanup();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('prints the answer and draws a red fall box where the fallen person is', async () => {
    const png = path.join(out, 'lying.png');
    const { stdout } = await run(process.execPath, [CLI, 'infer', '--socket', server.socketPath, '--image', path.join(IMAGES, 'lying-among-horses.jpg'), '--annotate', png]);
    const res = JSON.parse(stdout) as InferenceResponse;
    expect(res.error).toBeNull();
    expect(res.model_id).toBe('fall-detection');
    expect(res.detections.map((d) => d.class_name)).toEqual(['fall']);

    const img = decodeImage(readFileSync(png));
    expect([img.width, img.height]).toEqual([640, 424]);
    const [x1, y1, , y2] = res.detections[0]!.bbox;
    // A pixel on the box's left edge, half-way down, is the fall colour.
    const x = Math.round(x1 * img.width);
    const y = Math.round(((y1 + y2) / 2) * img.height);
    const o = (y * img.width + x) * 3;
    expect([img.data[o], img.data[o + 1], img.data[o + 2]]).toEqual([230, 30, 30]);
    expect(shmLeftovers().filter((f) => !before.has(f))).toEqual([]);
  });

  it('passes --config through: a person threshold above any person score leaves nothing', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'infer', '--socket', server.socketPath, '--image', path.join(IMAGES, 'lying-among-horses.jpg'), '--config', '{"confidence_threshold":0.99}', '--format', 'nv12']);
    const res = JSON.parse(stdout) as InferenceResponse;
    expect(res.error).toBeNull();
    expect(res.detections).toEqual([]);
    expect(res.metadata?.people).toBe(0);
  });

  it('exits 1 with the error answer printed when the request is refused', async () => {
    const err = await run(process.execPath, [CLI, 'infer', '--socket', server.socketPath, '--image', path.join(IMAGES, 'person-standing.jpg'), '--config', '{"rotation":"sideways"}']).catch((e: { code: number; stdout: string }) => e);
    expect((err as { code: number }).code).toBe(1);
    expect((JSON.parse((err as { stdout: string }).stdout) as InferenceResponse).error_code).toBe('INVALID_CONFIG');
  });

  it('exits 2 with usage when --image is missing, and 1 for a file that is not a picture', async () => {
    const usage = await run(process.execPath, [CLI, 'infer', '--socket', server.socketPath]).catch((e: { code: number; stderr: string }) => e);
    expect((usage as { code: number }).code).toBe(2);
    expect((usage as { stderr: string }).stderr).toMatch(/--image is required/);
    const notPicture = await run(process.execPath, [CLI, 'infer', '--socket', server.socketPath, '--image', path.join(MODEL_DIR, 'model.yaml')]).catch((e: { code: number; stderr: string }) => e);
    expect((notPicture as { code: number }).code).toBe(1);
    expect((notPicture as { stderr: string }).stderr).toMatch(/not a JPEG or PNG/);
  });
});

/**
 * Every golden case through the real runtime path: `ruth-model serve` on
 * this model folder (real weights, worker threads, TF.js wasm), real NV12
 * frames from the fixture photos written to /dev/shm, real requests over the
 * Unix socket. Checks each answer against its labels, then the precision and
 * recall of `fall` and every box's IoU over the whole set.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type InferenceResponse, fetchWeights } from '@ruth-ai/model-runtime';
import { startServerProcess, type ServerProcess, frameFromImage, loadGoldenCases, matchDetections, type GoldenCase } from '@ruth-ai/model-runtime/testing';
import { addCase, emptyTally, outsideRegions, readUnlabelled, summarise } from './support/fall-metrics.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const cases = loadGoldenCases(MODEL_DIR);

/** Each case's `unlabelled` regions (this model's own golden field), read once. */
const unlabelled = new Map(cases.map((c) => [c.name, readUnlabelled(MODEL_DIR, c.name)]));

function labelled(c: GoldenCase, dets: InferenceResponse['detections']): InferenceResponse['detections'] {
  return outsideRegions(dets, unlabelled.get(c.name)!);
}

let server: ServerProcess;
let shmDir: string;
/** Each case's answer with its own config, asked once by whichever test needs it first: every test passes alone and in any order. */
const answers = new Map<string, Promise<InferenceResponse>>();
function answerOf(c: GoldenCase): Promise<InferenceResponse> {
  if (!answers.has(c.name)) answers.set(c.name, ask(c, c.config));
  return answers.get(c.name)!;
}

async function ask(c: GoldenCase, config: Record<string, unknown> | null): Promise<InferenceResponse> {
  const frame = await frameFromImage(c.image, c.format);
  const file = path.join(shmDir, `${c.name}.${c.format.toLowerCase()}`);
  writeFileSync(file, frame.bytes);
  const now = Date.now() / 1000;
  return request<InferenceResponse>(server.socketPath, {
    frame_reference: file,
    frame_metadata: { frame_id: 7, width: frame.width, height: frame.height, format: c.format, timestamp: now },
    // Each photo is its own scene: one camera per case, so the motion map never compares two of them.
    camera_id: `golden-${c.name}`,
    model_id: 'fall-detection',
    timestamp: now,
    config,
  }, { timeoutMs: 30_000 });
}

describe('fall-detection golden fixtures over the real socket', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
    await fetchWeights(MODEL_DIR);
    shmDir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'fall-golden-'));
    server = await startServerProcess({ RUTH_MODEL_ID: 'fall-detection', RUTH_WORKERS: '2' }, path.dirname(MODEL_DIR), 60_000);
  }, 90_000);

  afterAll(async () => {
    if (server) {
      const exit = await server.stop('SIGTERM');
      expect(exit.code).toBe(0);
      expect(existsSync(server.socketPath)).toBe(false);
      server.cleanup();
    }
    if (shmDir) rmSync(shmDir, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(`${c.name}: ${c.description.slice(0, 80)}`, async () => {
      const res = await answerOf(c);
      expect(res.error_code ?? null).toBe(c.expect.error_code);
      if (c.expect.error_code) return;
      expect(res.error).toBeNull();
      expect(matchDetections(c.expect.detections, labelled(c, res.detections), c.expect.exact_count || unlabelled.get(c.name)!.length > 0)).toEqual([]);
      // The contract's shape, plus this model's additions.
      for (const d of res.detections) {
        expect(d.class_id).toBe(d.class_name === 'fall' ? 0 : 1);
        expect(d.confidence).toBeGreaterThanOrEqual(0.2);
        expect(d.confidence).toBeLessThanOrEqual(1);
        expect(d.bbox.every((v) => v >= 0 && v <= 1)).toBe(true);
        expect(d.track_id).toBeNull();
        expect((d.keypoints as { name: string }[]).map((k) => k.name)).toHaveLength(17);
      }
      expect(res.metadata?.people).toBe(res.detections.length);
      expect(typeof res.metadata?.inference_ms).toBe('number');
      expect(typeof res.metadata?.preprocess_ms).toBe('number');
    });
  }

  it('precision and recall of fall are both >= 0.9, and every labelled box is found at IoU >= 0.5', async () => {
    const tally = emptyTally();
    for (const c of cases) addCase(tally, c.expect.detections, labelled(c, (await answerOf(c)).detections));
    const s = summarise(tally);
    console.log(`fall-detection golden set (as labelled): ${JSON.stringify({ ...tally, ious: undefined, ...s })}`);
    expect(s.precision).toBeGreaterThanOrEqual(0.9);
    expect(s.recall).toBeGreaterThanOrEqual(0.9);
    expect(tally.ious.length).toBe(cases.reduce((n, c) => n + c.expect.detections.length, 0));
    expect(s.minIou).toBeGreaterThanOrEqual(0.5);
  });

  it('with the default rotation on every case, falls are never invented (precision 1) and the known misses are the mixed scenes only', async () => {
    const tally = emptyTally();
    const missed: string[] = [];
    for (const c of cases) {
      const res = await ask(c, null);
      const before = tally.fn;
      addCase(tally, c.expect.detections, labelled(c, res.detections));
      if (tally.fn > before) missed.push(c.name);
    }
    const s = summarise(tally);
    console.log(`fall-detection golden set (default rotation everywhere): ${JSON.stringify({ ...tally, ious: undefined, ...s, missed })}`);
    expect(s.precision).toBe(1);
    expect(missed.every((name) => cases.find((c) => c.name === name)?.config?.rotation === 'always')).toBe(true);
  });

  it('rejects a bad fall_threshold override with INVALID_CONFIG, and the next request is served', async () => {
    const c = cases.find((x) => x.name === 'person-standing')!;
    const bad = await ask(c, { fall_threshold: 3 });
    expect(bad.error_code).toBe('INVALID_CONFIG');
    expect(bad.detections).toEqual([]);
    const good = await ask(c, { fall_threshold: 0.9 });
    expect(good.error).toBeNull();
    expect(good.detections.map((d) => d.class_name)).toEqual(['person']);
  });
});

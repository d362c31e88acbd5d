/**
 * Every golden case through the real runtime path: `ruth-model serve` on
 * this model folder (real weights, worker threads, onnxruntime-node), real
 * NV12 frames from the fixture photos written to /dev/shm, real requests
 * over the Unix socket. Each expected line must come back once, its box at
 * IoU >= 0.5 and its text within 10% character error rate; the answer's
 * shape (polygon, text, metadata timings) is checked on every line.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceResponse } from '@ruth-ai/model-runtime';
import { loadGoldenCases, matchDetections, type GoldenCase } from '@ruth-ai/model-runtime/testing';
import { serveModel, type ServedModel } from './served-model.js';

const MODEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const cases = loadGoldenCases(MODEL_DIR);

let model: ServedModel;
const ask = (c: GoldenCase, config: Record<string, unknown> | null): Promise<InferenceResponse> => model.ask(c, config);

describe('text-reading golden fixtures over the real socket', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
    model = await serveModel(MODEL_DIR, 'text-reading', { loadTimeoutMs: 120_000, requestTimeoutMs: 60_000 });
  }, 150_000);

  afterAll(async () => {
    if (model) expect(await model.stop()).toEqual({ code: 0, socketLeft: false });
  });

  for (const c of cases) {
    it(`${c.name}: ${c.description.slice(0, 80)}`, async () => {
      const res = await ask(c, c.config);
      expect(res.error).toBeNull();
      expect(matchDetections(c.expect.detections, res.detections, c.expect.exact_count)).toEqual([]);
      for (const d of res.detections) {
        expect(d).toMatchObject({ class_id: 0, class_name: 'text', track_id: null });
        expect(d.confidence).toBeGreaterThanOrEqual(0.5);
        expect(d.confidence).toBeLessThanOrEqual(1);
        expect(typeof d.text).toBe('string');
        expect((d.text as string).trim()).not.toBe('');
        // The polygon is 4 normalised corners, and the bbox is exactly their extent.
        const polygon = d.polygon as [number, number][];
        expect(polygon).toHaveLength(4);
        expect(polygon.flat().every((v) => v >= 0 && v <= 1)).toBe(true);
        const xs = polygon.map((p) => p[0]);
        const ys = polygon.map((p) => p[1]);
        expect(d.bbox).toEqual([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
      }
      const m = res.metadata!;
      expect(m.lines).toBe(res.detections.length);
      for (const stage of ['det_ms', 'det_post_ms', 'cls_ms', 'rec_ms', 'preprocess_ms', 'inference_ms']) expect(typeof m[stage], stage).toBe('number');
    });
  }

  it('reads the turned page in the order of its lines, top to bottom', async () => {
    const c = cases.find((x) => x.name === 'page-turned')!;
    const res = await ask(c, null);
    const firstWords = res.detections.map((d) => (d.text as string).slice(0, 6));
    expect(firstWords[0]).toBe('techni');
    expect(firstWords.at(-1)).toBe('inspir');
  });

  it('turns no line over with angle_check "never" on an upright page, and rejects a bad setting with INVALID_CONFIG', async () => {
    const c = cases.find((x) => x.name === 'notice-sign')!;
    const res = await ask(c, { angle_check: 'never' });
    expect(res.error).toBeNull();
    expect(matchDetections(c.expect.detections, res.detections, true)).toEqual([]);
    const bad = await ask(c, { unclip_ratio: 'wide' });
    expect(bad.error_code).toBe('INVALID_CONFIG');
    expect(bad.error).toMatch(/unclip_ratio/);
    expect(bad.detections).toEqual([]);
  });

  it('raises confidence_threshold per request: only lines read above it are returned', async () => {
    const c = cases.find((x) => x.name === 'cookie-box')!;
    const all = await ask(c, null);
    const strict = await ask(c, { confidence_threshold: 0.97 });
    expect(strict.detections.length).toBeLessThan(all.detections.length);
    expect(strict.detections.every((d) => d.confidence >= 0.97)).toBe(true);
  });
});

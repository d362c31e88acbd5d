/**
 * The pieces of the decision, on hand-built skeletons and images: the fall
 * score for clear body shapes, the quarter turn and its inverse, the model
 * window, and the per-request settings.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeGeometry, defaultConfig, loadModelConfig } from '@ruth-ai/model-runtime';
import { measureBody } from '../src/body-geometry.js';
import { assessFall, looksHorizontal } from '../src/fall-decision.js';
import { KP, type Pose } from '../src/keypoints.js';
import { rotateImage, unturnPoint } from '../src/rotate.js';
import { fallMinConfidence, readSettings } from '../src/settings.js';
import { lyingHint, zoomHints } from '../src/detect-people.js';
import { modelWindow } from '../src/window.js';
import { cropSquare, enlarges, unzoomPose, zoomSquare } from '../src/zoom.js';

// The decision's constants as shipped (model.yaml parameters, read the way the handler reads them).
const yamlConfig = loadModelConfig(fileURLToPath(new URL('../model.yaml', import.meta.url)));
const RULE = readSettings({ ...yamlConfig.parameters, confidence_threshold: yamlConfig.confidence_threshold, nms_iou_threshold: yamlConfig.nms_iou_threshold }).rule;

type Joints = Partial<Record<keyof typeof KP, [number, number]>>;

/** A pose from named joints (x, y in pixels); joints not given are invisible. */
function pose(j: Joints): Pose {
  const keypoints = Array.from({ length: 17 }, () => ({ x: 0, y: 0, score: 0.05 }));
  for (const [name, [x, y]] of Object.entries(j) as [keyof typeof KP, [number, number]][]) keypoints[KP[name]] = { x, y, score: 0.8 };
  return { keypoints, score: 0.6, box: [0, 0, 1, 1] };
}

// Standing: head at the top, shoulders, hips, knees, ankles straight below.
const standing: Joints = {
  nose: [50, 10], leftEye: [48, 8], rightEye: [52, 8], leftShoulder: [40, 25], rightShoulder: [60, 25],
  leftHip: [43, 60], rightHip: [57, 60], leftKnee: [43, 80], rightKnee: [57, 80], leftAnkle: [43, 100], rightAnkle: [57, 100],
};
// The same body lying on its side: x and y swapped (head left, feet right).
const lying: Joints = Object.fromEntries(Object.entries(standing).map(([k, [x, y]]) => [k, [y, x + 100]]));
// Bent over at the hips: trunk horizontal, legs still vertical.
const bentOver: Joints = {
  nose: [10, 52], leftEye: [8, 50], rightEye: [8, 54], leftShoulder: [25, 50], rightShoulder: [25, 56],
  leftHip: [60, 50], rightHip: [60, 56], leftKnee: [60, 80], rightKnee: [60, 82], leftAnkle: [60, 100], rightAnkle: [60, 102],
};
// Sitting on the floor, legs out: trunk upright, legs horizontal.
const sitting: Joints = {
  nose: [20, 10], leftEye: [18, 8], rightEye: [22, 8], leftShoulder: [12, 25], rightShoulder: [28, 25],
  leftHip: [14, 60], rightHip: [26, 60], leftKnee: [50, 62], rightKnee: [50, 64], leftAnkle: [80, 62], rightAnkle: [80, 64],
};

describe('fall decision from body geometry', () => {
  it('scores a standing person 0 and a lying one near 1', () => {
    const up = measureBody(pose(standing));
    expect(up.torsoAngle).toBeLessThan(5);
    expect(up.headAboveHips).toBeGreaterThan(1);
    expect(assessFall(up, RULE)).toEqual({ fallScore: 0, uncertain: false });
    expect(looksHorizontal(up)).toBe(false);

    const down = measureBody(pose(lying));
    expect(down.torsoAngle).toBeGreaterThan(85);
    expect(assessFall(down, RULE).fallScore).toBeGreaterThanOrEqual(0.9);
    expect(looksHorizontal(down)).toBe(true);
  });

  it('calls a body lying slanted, 40° off the floor with the head up, a fall', () => {
    // The standing body turned 50° about its hips: what the slanted views (rotation "views") read.
    const t = (50 * Math.PI) / 180;
    const slanted: Joints = Object.fromEntries(Object.entries(standing).map(([k, [x, y]]) => {
      const [dx, dy] = [x - 50, y - 60];
      return [k, [100 + dx * Math.cos(t) - dy * Math.sin(t), 100 + dx * Math.sin(t) + dy * Math.cos(t)]];
    }));
    const body = measureBody(pose(slanted));
    expect(body.torsoAngle).toBeGreaterThan(45);
    expect(body.torsoAngle).toBeLessThan(55);
    expect(assessFall(body, RULE).fallScore).toBeGreaterThanOrEqual(0.6);
  });

  it('keeps bending over well below the default fall threshold and sitting at 0', () => {
    expect(assessFall(measureBody(pose(bentOver)), RULE).fallScore).toBeLessThan(0.4);
    expect(assessFall(measureBody(pose(sitting)), RULE).fallScore).toBe(0);
  });

  it('calls a pose without a visible trunk uncertain, never a fall', () => {
    const headOnly = measureBody(pose({ nose: [50, 10], leftEye: [48, 8], rightEye: [52, 8], leftEar: [45, 9] }));
    expect(assessFall(headOnly, RULE)).toEqual({ fallScore: 0, uncertain: true });
  });
});

describe('quarter turns', () => {
  const w = 64;
  const h = 32;
  const src = Int32Array.from({ length: w * h * 3 }, (_, i) => (i * 7919) % 256);

  for (const turn of ['cw', 'ccw'] as const) {
    it(`${turn}: every turned pixel maps back to the source pixel it came from`, () => {
      const out = rotateImage(src, w, h, turn, new Int32Array(src.length));
      for (let y = 0; y < w; y++) {
        for (let x = 0; x < h; x++) {
          const back = unturnPoint(x + 0.5, y + 0.5, w, h, turn);
          const sx = Math.floor(back.x);
          const sy = Math.floor(back.y);
          expect(out[(y * h + x) * 3 + 1]).toBe(src[(sy * w + sx) * 3 + 1]);
        }
      }
    });
  }

  it('cw turns the top-left corner to the top-right', () => {
    // Source (0, 0) is the top-left; after a clockwise turn it is at the top-right (h-1, 0).
    const p = unturnPoint(h - 0.5, 0.5, w, h, 'cw');
    expect([Math.floor(p.x), Math.floor(p.y)]).toEqual([0, 0]);
  });
});

describe('model window', () => {
  const spec = { width: 256, height: 256, resize: 'letterbox' as const };
  it('cuts the letterbox padding to a multiple of 32', () => {
    expect(modelWindow(computeGeometry(640, 480, spec))).toEqual({ x: 0, y: 32, w: 256, h: 192 });
    expect(modelWindow(computeGeometry(1920, 1080, spec))).toEqual({ x: 0, y: 48, w: 256, h: 160 });
    expect(modelWindow(computeGeometry(480, 640, spec))).toEqual({ x: 32, y: 0, w: 192, h: 256 });
    expect(modelWindow(computeGeometry(512, 512, spec))).toEqual({ x: 0, y: 0, w: 256, h: 256 });
  });
});

describe('lying hint (the trigger for the turned passes)', () => {
  const slot = (box: [number, number, number, number]): Pose => ({ keypoints: [], score: 0.01, box });
  it('fires on a wide box of any score, not on tall or tiny ones', () => {
    expect(lyingHint(slot([10, 100, 76, 120]), 1.2)).toBe(true);
    expect(lyingHint(slot([10, 20, 40, 120]), 1.2)).toBe(false);
    expect(lyingHint(slot([10, 10, 18, 13]), 1.2)).toBe(false);
  });
  it('takes a box only a little wider than tall at wide_box_aspect 1.2, not at 1.4 (the default)', () => {
    const slightlyWide = slot([100, 150, 130, 174]); // 30 x 24 px: aspect 1.25
    expect(lyingHint(slightlyWide, 1.2)).toBe(true);
    expect(lyingHint(slightlyWide, 1.4)).toBe(false);
  });
  it('zooms first where several views left a wide box, then by score; one look per place; none on a tall box', () => {
    const at = (box: [number, number, number, number], score: number): Pose => ({ keypoints: [], score, box });
    const lone = at([10, 10, 70, 40], 0.09); // the strongest slot, seen by its own pass only
    const seen = at([100, 150, 160, 175], 0.03); // weak, but the other views left boxes on the same place
    const tall = at([200, 20, 220, 120], 0.5);
    const passes = [[lone, tall, seen], [at([102, 148, 158, 176], 0.02)], [at([98, 152, 163, 174], 0.0)], []];
    const wide = (s: Pose): boolean => lyingHint(s, 1.4);
    expect(zoomHints(passes, [], 1, 0.3, wide)).toEqual([seen]);
    // Its echoes in the other views are the same place: the second look goes to the lone box, the tall one never gets one.
    expect(zoomHints(passes, [], 3, 0.3, wide)).toEqual([seen, lone]);
  });
  it('gives no look to a place whose square the zoom window would not enlarge', () => {
    const at = (box: [number, number, number, number], score: number): Pose => ({ keypoints: [], score, box });
    const span = at([0, 40, 250, 200], 0.05); // a weak slot across the frame, seen by every view
    const small = at([100, 150, 160, 175], 0.01); // 60 px: a 78-px square, enlarged to 128
    const passes = [[span, small], [at([2, 38, 248, 204], 0.04)], [at([4, 42, 252, 198], 0.03)]];
    const fits = (s: Pose): boolean => lyingHint(s, 1.4) && enlarges(s.box, 1.3, 128);
    expect(enlarges(small.box, 1.3, 128)).toBe(true);
    expect(enlarges(span.box, 1.3, 128)).toBe(false);
    expect(zoomHints(passes, [], 1, 0.3, fits)).toEqual([small]);
  });
});

describe('zoom (a closer look at a small lying person)', () => {
  it('cuts a square around the hint, inside the input, and maps poses back', () => {
    const sq = zoomSquare([200, 240, 250, 250], 256, 1.6);
    expect(sq.side).toBeCloseTo(80);
    expect(sq.x + sq.side).toBeLessThanOrEqual(256);
    expect(sq.y).toBe(256 - 80); // pushed up to stay inside
    const back = unzoomPose({ keypoints: [{ x: 64, y: 0, score: 1 }], score: 1, box: [0, 0, 128, 128] }, sq, 128);
    expect(back.box).toEqual([sq.x, sq.y, sq.x + 80, sq.y + 80]);
    expect(back.keypoints[0]).toMatchObject({ x: sq.x + 40, y: sq.y });
  });
  it('enlarges the square bilinearly: a one-pixel-per-value ramp stays a ramp', () => {
    const size = 8;
    const src = new Uint8Array(size * size * 3);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) src.fill(x * 10, (y * size + x) * 3, (y * size + x) * 3 + 3);
    const out = cropSquare(src, size, { x: 2, y: 2, side: 4 }, 8, new Int32Array(8 * 8 * 3));
    const row = Array.from({ length: 8 }, (_, i) => out[i * 3]);
    expect(row).toEqual([18, 23, 28, 33, 38, 43, 48, 53].map((v) => Math.round(v)));
  });
});

describe('settings', () => {
  // The defaults come from model.yaml, through the runtime's own defaultConfig (what the worker merges requests over).
  const base = defaultConfig(loadModelConfig(fileURLToPath(new URL('../model.yaml', import.meta.url))));
  it('reads model.yaml defaults and request overrides', () => {
    expect(readSettings(base)).toEqual({
      personThreshold: 0.2, fallThreshold: 0.6, fallMinConfidence: 0.2, zoomFallMinConfidence: 0.26, rotation: 'views', views: [90, -90, 135, -135], slantedViewSide: 256, slantedMinScore: 0.25, probeScore: 0.02, mergeIou: 0.3, zoomRegions: 1, zoomRegionsNobody: 1, zoomContext: 1.3, zoomMaxSide: 512, wideAspect: 1.4,
      motionRegions: 4, motionMaxShrink: 1.5, motion: { threshold: 14, learnRate: 0.05 },
      rule: { trunk: [20, 45], legs: [20, 45], wide: [0.8, 1.5], headLow: [0.6, 0.1], bentOver: 0.3, hiddenLegs: 0.8, cueWeight: 0.2, minKeypoints: 5 },
    });
    expect(readSettings({ ...base, trunk_angle_ramp: [30, 55] }).rule.trunk).toEqual([30, 55]);
    expect(readSettings({ ...base, fall_threshold: 0.8, rotation: 'never' })).toMatchObject({ fallThreshold: 0.8, rotation: 'never' });
    for (const rotation of ['auto', 'always', 'regions']) expect(readSettings({ ...base, rotation })).toMatchObject({ rotation });
  });
  it('asks a zoomed or moving read for more person score before it is a fall', () => {
    const s = readSettings(base);
    for (const pass of ['upright', 'turn90', 'turn-135', 'cw']) expect(fallMinConfidence(pass, s)).toBe(0.2);
    for (const pass of ['cw-zoom', 'ccw-zoom', 'moving']) expect(fallMinConfidence(pass, s)).toBe(0.26);
  });
  it('rejects bad or missing values with INVALID_CONFIG', () => {
    const cases: Record<string, unknown>[] = [
      { ...base, fall_threshold: 2 }, { ...base, fall_threshold: 'high' }, { ...base, rotation: 'sometimes' }, { ...base, probe_score: -1 }, { ...base, zoom_regions: 1.5 }, { ...base, zoom_regions: -1 },
      { ...base, fall_threshold: undefined }, { ...base, rotation: undefined }, { ...base, nms_iou_threshold: null },
      { ...base, trunk_angle_ramp: [40, 40] }, { ...base, trunk_angle_ramp: [40] }, { ...base, leg_angle_ramp: ['a', 65] }, { ...base, cue_weight: 0.6 },
      { ...base, min_keypoints: 18 }, { ...base, head_above_hips_ramp: undefined },
      { ...base, views: [0] }, { ...base, views: [45, 45] }, { ...base, views: [200] }, { ...base, views: 'all' }, { ...base, slanted_view_side: 200 }, { ...base, slanted_view_side: 32 }, { ...base, motion_regions: 9 }, { ...base, motion_learn_rate: 2 },
      { ...base, wide_box_aspect: 0.9 }, { ...base, wide_box_aspect: 5 }, { ...base, wide_box_aspect: '1.2' }, { ...base, wide_box_aspect: undefined },
      { ...base, zoom_max_side: 16 }, { ...base, zoom_max_side: 600 }, { ...base, zoom_max_side: '128' }, { ...base, zoom_max_side: undefined },
      { ...base, zoom_context: 0.9 }, { ...base, zoom_context: 5 }, { ...base, zoom_context: '1.3' }, { ...base, zoom_context: undefined },
      { ...base, motion_max_shrink: 0.5 }, { ...base, motion_max_shrink: 9 }, { ...base, motion_max_shrink: undefined },
    ];
    for (const bad of cases) {
      let caught: unknown;
      try {
        readSettings(bad as typeof base);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(Error);
      expect((caught as { code?: string }).code).toBe('INVALID_CONFIG');
    }
  });
});

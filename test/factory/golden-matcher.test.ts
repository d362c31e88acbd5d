import { describe, expect, it } from 'vitest';
import { iou, matchDetections } from '@ruth-ai/model-runtime/testing';

describe('golden matcher', () => {
  it('computes IoU of normalised xyxy boxes', () => {
    expect(iou([0, 0, 1, 1], [0, 0, 1, 1])).toBe(1);
    expect(iou([0, 0, 0.5, 1], [0.5, 0, 1, 1])).toBe(0);
    expect(iou([0, 0, 0.5, 0.5], [0.25, 0.25, 0.75, 0.75])).toBeCloseTo(0.0625 / 0.4375);
  });

  it('pairs each expected detection with a distinct returned one of the same class', () => {
    const expected = [
      { class_name: 'person', bbox: [0.1, 0.1, 0.3, 0.9] as [number, number, number, number] },
      { class_name: 'person', bbox: [0.12, 0.1, 0.32, 0.9] as [number, number, number, number] },
    ];
    // Both expected boxes overlap the first returned one; only one may take it.
    expect(matchDetections(expected, [{ class_name: 'person', bbox: [0.1, 0.1, 0.3, 0.9] }], false)).toHaveLength(1);
    expect(matchDetections(expected, [{ class_name: 'person', bbox: [0.1, 0.1, 0.3, 0.9] }, { class_name: 'person', bbox: [0.12, 0.1, 0.32, 0.9] }], true)).toEqual([]);
  });

  it('reports a wrong class, a low IoU and extra detections', () => {
    const expected = [{ class_name: 'fall', bbox: [0.1, 0.5, 0.9, 0.9] as [number, number, number, number], min_iou: 0.5 }];
    expect(matchDetections(expected, [{ class_name: 'person', bbox: [0.1, 0.5, 0.9, 0.9] }], true)).toEqual([
      'expected fall at [0.100, 0.500, 0.900, 0.900] (min IoU 0.5); best fall IoU was 0.000',
    ]);
    expect(matchDetections(expected, [{ class_name: 'fall', bbox: [0.1, 0.1, 0.9, 0.5] }], true)).toEqual([
      'expected fall at [0.100, 0.500, 0.900, 0.900] (min IoU 0.5); best fall IoU was 0.000',
    ]);
    expect(matchDetections([], [{ class_name: 'person', bbox: [0, 0, 1, 1] }], true)).toEqual(['expected exactly 0 detection(s), got 1; unmatched: person@[0.000, 0.000, 1.000, 1.000]']);
    expect(matchDetections([], [{ class_name: 'person', bbox: [0, 0, 1, 1] }], false)).toEqual([]);
  });
});

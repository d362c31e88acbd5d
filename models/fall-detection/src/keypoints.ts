/**
 * MoveNet's 17 keypoints (the COCO order) and the output layout of MoveNet
 * MultiPose: [1, 6, 56], per person 17 × (y, x, score) normalised to the
 * input tensor, then [ymin, xmin, ymax, xmax, score].
 */
export const KEYPOINT_NAMES = [
  'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
  'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
  'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
] as const;

export const KP = {
  nose: 0, leftEye: 1, rightEye: 2, leftEar: 3, rightEar: 4,
  leftShoulder: 5, rightShoulder: 6, leftElbow: 7, rightElbow: 8, leftWrist: 9, rightWrist: 10,
  leftHip: 11, rightHip: 12, leftKnee: 13, rightKnee: 14, leftAnkle: 15, rightAnkle: 16,
} as const;

export const MAX_PEOPLE = 6;
const STRIDE = 56;

/** A point in input-tensor pixels (x right, y down) with the model's score. */
export interface Keypoint {
  x: number;
  y: number;
  score: number;
}

export interface Pose {
  keypoints: Keypoint[];
  /** The model's person score. */
  score: number;
  /** The model's own box, input pixels [x1, y1, x2, y2]. */
  box: [number, number, number, number];
}

/** Decodes the raw [1, 6, 56] output into poses in input pixels (size w × h). */
export function decodePoses(raw: Float32Array, w: number, h: number): Pose[] {
  const poses: Pose[] = [];
  for (let p = 0; p < MAX_PEOPLE; p++) {
    const o = p * STRIDE;
    if (o + STRIDE > raw.length) break;
    const keypoints: Keypoint[] = [];
    for (let k = 0; k < 17; k++) {
      keypoints.push({ x: raw[o + k * 3 + 1] * w, y: raw[o + k * 3] * h, score: raw[o + k * 3 + 2] });
    }
    const box: Pose['box'] = [raw[o + 52] * w, raw[o + 51] * h, raw[o + 54] * w, raw[o + 53] * h];
    poses.push({ keypoints, score: raw[o + 55], box });
  }
  return poses;
}

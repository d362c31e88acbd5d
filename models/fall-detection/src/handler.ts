/**
 * fall-detection: MoveNet MultiPose finds people; body geometry decides, one
 * frame at a time, who has fallen. One detection per person:
 *   class `fall` (0) or `person` (1), confidence = the person score,
 *   bbox in the original frame, 17 named keypoints, and `fall_score`.
 */
import { defaultConfig, defineModel, inputBoxToFrame, inputPointToFrame, type Detection, type FrameGeometry, type InputTensor } from '@ruth-ai/model-runtime';
import { detectPeople } from './detect-people.js';
import { frameBoxToInput, frameCropper } from './frame-crop.js';
import { MotionTracker } from './motion.js';
import { personBox, type Person } from './people.js';
import { KEYPOINT_NAMES } from './keypoints.js';
import { loadMoveNet, type MoveNet } from './movenet.js';
import { fallMinConfidence, readSettings, type Settings } from './settings.js';
import { modelWindow } from './window.js';

interface State {
  net: MoveNet;
  size: number;
  /** Per-camera backgrounds of this worker (motion.ts). */
  motion: MotionTracker;
}

const CLASS_FALL = 0;
const CLASS_PERSON = 1;

function checkInput(input: InputTensor, size: number): Uint8Array {
  if (!(input.data instanceof Uint8Array) || input.shape.join('x') !== `1x${size}x${size}x3`) {
    throw new Error(`expected a uint8 [1, ${size}, ${size}, 3] input, got ${input.dtype} [${input.shape.join(', ')}]: check model.yaml input`);
  }
  return input.data;
}

function round(v: number, digits = 4): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

function toDetection(p: Person, g: FrameGeometry, s: Settings): Detection {
  // A weak read (an animal, a textured patch seen turned) may be reported as a person, never as a fall.
  const fall = !p.fall.uncertain && p.fall.fallScore >= s.fallThreshold && p.pose.score >= fallMinConfidence(p.pass, s);
  return {
    class_id: fall ? CLASS_FALL : CLASS_PERSON,
    class_name: fall ? 'fall' : 'person',
    confidence: round(Math.min(1, Math.max(0, p.pose.score))),
    bbox: inputBoxToFrame(g, personBox(p)).map((v) => round(v)) as Detection['bbox'],
    track_id: null,
    fall_score: p.fall.fallScore,
    keypoints: p.pose.keypoints.map((k, i) => {
      const [x, y] = inputPointToFrame(g, k.x, k.y);
      return { name: KEYPOINT_NAMES[i], x: round(x), y: round(y), score: round(k.score, 3) };
    }),
    // Diagnostics: which view found the person, and the geometry behind the call.
    view: p.pass,
    torso_angle: p.body.torsoAngle === null ? null : Math.round(p.body.torsoAngle),
  };
}

export default defineModel<State>({
  async load(ctx) {
    const { width, height } = ctx.config.input;
    if (width !== height || width % 32 !== 0) {
      throw new Error(`model.yaml input must be square with a side that is a multiple of 32 (MoveNet, quarter turns); got ${width}x${height}`);
    }
    // model.yaml's own defaults must be valid: fail at start, not on every request.
    readSettings(defaultConfig(ctx.config));
    const net = await loadMoveNet(ctx);
    return { net, size: width, motion: new MotionTracker() };
  },

  async warmup(state, input) {
    // Compiles every kernel shape once, so the first real request is not slow.
    checkInput(input, state.size);
    await state.net.run(new Int32Array(state.size * state.size * 3), state.size, state.size);
  },

  async infer(state, { input, config, frame, request }) {
    const settings = readSettings(config);
    const data = checkInput(input, state.size);
    const t0 = performance.now();
    const g = input.geometry;
    const win = modelWindow(g);
    // Every frame updates the camera's background, even when motion reads are off.
    const moved = state.motion.update(request.camera_id, frame, settings.motion);
    const run = (image: Int32Array, w: number, h: number): Promise<Float32Array> => state.net.run(image, w, h);
    const { people, passes } = await detectPeople(data, state.size, win, run, {
      minScore: settings.personThreshold,
      probeScore: settings.probeScore,
      rotation: settings.rotation,
      views: settings.views,
      slantedViewSide: settings.slantedViewSide,
      slantedMinScore: settings.slantedMinScore,
      mergeIou: settings.mergeIou,
      zoomRegions: settings.zoomRegions,
      zoomRegionsNobody: settings.zoomRegionsNobody,
      zoomContext: settings.zoomContext,
      zoomMaxSide: settings.zoomMaxSide,
      wideAspect: settings.wideAspect,
      rule: settings.rule,
      moving: settings.motionRegions > 0 && moved.length > 0
        ? { boxes: moved.map((b) => frameBoxToInput(b, g)), crop: frameCropper(frame, g), scale: g.scaleX, size: state.size, maxRegions: settings.motionRegions, maxShrink: settings.motionMaxShrink }
        : undefined,
    });
    const detections = people.map((p) => toDetection(p, input.geometry, settings));
    return {
      detections,
      metadata: {
        people: detections.length,
        falls: detections.filter((d) => d.class_id === CLASS_FALL).length,
        pose_passes: passes,
        pose_ms: round(performance.now() - t0, 3),
      },
    };
  },

  dispose(state) {
    return state.net.engine.release();
  },
});

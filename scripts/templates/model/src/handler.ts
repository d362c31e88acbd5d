/**
 * __MODEL_ID__: the handler the runtime loads in each worker (see
 * runtime/README.md). The runtime has already read the frame from shared
 * memory and letterboxed it to model.yaml `input`; this file only runs the
 * model and turns its output into detections.
 *
 * Template model: MoveNet MultiPose, whose output is [1, 6, 56] with, per
 * person, 17 keypoints (y, x, score) then a box (ymin, xmin, ymax, xmax) and a
 * score, all relative to the input.
 */
import { defineModel, inputBoxToFrame, loadTfjsGraphModel, type Detection, type TfjsModel } from '@ruth-ai/model-runtime';

const BOX = 51; // offset of ymin in each 56-value row

export default defineModel<TfjsModel>({
  async load({ modelDir, weights }) {
    const json = weights.find((w) => w.endsWith('.json'));
    if (!json) throw new Error(`model.yaml weights must list the model.json; got ${weights.join(', ')}`);
    return loadTfjsGraphModel(modelDir, json);
  },

  async warmup(model, input) {
    await model.predict({ data: Int32Array.from(input.data), shape: input.shape, dtype: 'int32' });
  },

  async infer(model, { input, config }) {
    const [out] = await model.predict({ data: Int32Array.from(input.data), shape: input.shape, dtype: 'int32' });
    const { inputWidth: w, inputHeight: h } = input.geometry;
    const detections: Detection[] = [];
    for (let row = 0; row + 56 <= out.data.length; row += 56) {
      const score = out.data[row + BOX + 4];
      if (score < config.confidence_threshold) continue;
      const [ymin, xmin, ymax, xmax] = [0, 1, 2, 3].map((i) => out.data[row + BOX + i]);
      detections.push({
        class_id: 0,
        class_name: 'person',
        confidence: Math.round(score * 1000) / 1000,
        bbox: inputBoxToFrame(input.geometry, [xmin * w, ymin * h, xmax * w, ymax * h]),
        track_id: null,
      });
    }
    return { detections, metadata: { people: detections.length } };
  },
});

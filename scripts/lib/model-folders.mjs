// The model folders under models/, as the runtime's discovery finds them
// (valid or not: a folder whose model.yaml has an error still gets its
// dependencies installed and its handler compiled; `npm run generate` reports
// the error). Plain JS so the npm lifecycle scripts can run it with node.
import { discoverModels } from '@ruth-ai/model-runtime';

export const MODELS_DIR = new URL('../../models/', import.meta.url).pathname;

export function modelFolders(modelsDir = MODELS_DIR) {
  const found = discoverModels(modelsDir, { built: false });
  return [...found.models.map((m) => m.dir), ...found.unavailable.map((u) => u.dir)].filter((dir) => dir !== modelsDir.replace(/\/$/, '')).sort();
}

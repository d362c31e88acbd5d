/**
 * Which socket `health` and `describe` talk to: --socket, else the socket of
 * the model in RUTH_MODELS_DIR (RUTH_MODEL_ID picks one of several).
 */
import { discoverModels } from '../config/discover.js';
import { socketPathFor } from '../ipc/socket-file.js';
import { DEFAULT_MODELS_DIR, DEFAULT_SOCKET_DIR } from '../config/serve-options.js';

export function resolveSocket(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  const modelsDir = env.RUTH_MODELS_DIR || DEFAULT_MODELS_DIR;
  const socketDir = env.RUTH_SOCKET_DIR || DEFAULT_SOCKET_DIR;
  const ids = discoverModels(modelsDir).models.map((m) => m.config.model_id);
  const wanted = env.RUTH_MODEL_ID;
  const chosen = wanted ? ids.filter((id) => id === wanted) : ids;
  if (chosen.length !== 1) {
    throw new Error(`cannot tell which socket to use: ${chosen.length} models in ${modelsDir}${wanted ? ` named ${wanted}` : ''}; pass --socket PATH`);
  }
  return socketPathFor(socketDir, chosen[0]!);
}

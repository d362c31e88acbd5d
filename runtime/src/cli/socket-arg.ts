/**
 * Which socket `health`, `describe` and `infer` talk to, cheapest first:
 *   1. --socket PATH;
 *   2. RUTH_MODEL_ID (every model image sets it) under RUTH_SOCKET_DIR;
 *   3. the one heartbeat file in RUTH_HEARTBEAT_DIR names the model;
 *   4. only then discovery: the one model in RUTH_MODELS_DIR.
 * The image's HEALTHCHECK runs every 10 s, so in an image `health` never
 * reads or validates a model.yaml.
 */
import { readdirSync } from 'node:fs';
import { discoverModels } from '../config/discover.js';
import { DEFAULT_HEARTBEAT_DIR, DEFAULT_MODELS_DIR, DEFAULT_SOCKET_DIR } from '../config/serve-options.js';
import { modelIdOfHeartbeat } from '../health/heartbeat.js';
import { socketPathFor } from '../ipc/socket-file.js';

/** The model of the single heartbeat file in `dir`, or undefined when there is none or several. */
function heartbeatModelId(dir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const ids = names.map(modelIdOfHeartbeat).filter((id) => id !== undefined);
  return ids.length === 1 ? ids[0] : undefined;
}

function discoveredModelId(env: NodeJS.ProcessEnv): string {
  const modelsDir = env.RUTH_MODELS_DIR || DEFAULT_MODELS_DIR;
  const ids = discoverModels(modelsDir).models.map((m) => m.config.model_id);
  if (ids.length !== 1) throw new Error(`cannot tell which socket to use: ${ids.length} models in ${modelsDir}; set RUTH_MODEL_ID or pass --socket PATH`);
  return ids[0]!;
}

export function resolveSocket(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  const socketDir = env.RUTH_SOCKET_DIR || DEFAULT_SOCKET_DIR;
  const modelId = env.RUTH_MODEL_ID || heartbeatModelId(env.RUTH_HEARTBEAT_DIR || DEFAULT_HEARTBEAT_DIR) || discoveredModelId(env);
  return socketPathFor(socketDir, modelId);
}

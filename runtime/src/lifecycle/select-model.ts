/**
 * Start-up step 1: discover the model folders and pick the one to serve,
 * refusing clearly when none is usable or when it needs hardware we lack.
 */
import type { ModelConfig } from '../config/model-config.js';
import { discoverModels } from '../config/discover.js';
import { StartupError } from '../errors/errors.js';
import type { Logger } from '../log/logger.js';
import { runtimeVersion } from '../config/runtime-version.js';
import { lazyRequire } from '../lazy-require.js';

const semver = lazyRequire<typeof import('semver')>('semver');

export function selectModel(modelsDir: string, wanted: string | undefined, log: Logger): { dir: string; config: ModelConfig } {
  const found = discoverModels(modelsDir, { only: wanted });
  for (const u of found.unavailable) log('warn', 'model unavailable', { dir: u.dir, reason: u.reason });
  const usable = wanted === undefined ? found.models : found.models.filter((m) => m.config.model_id === wanted);
  if (usable.length === 0) {
    const why = wanted === undefined ? `no usable model in ${modelsDir}` : `no usable model with model_id ${JSON.stringify(wanted)} in ${modelsDir} (RUTH_MODEL_ID)`;
    const extra = found.unavailable.length > 0 ? `; ${found.unavailable.length} unavailable: ${found.unavailable.map((u) => `${u.dir}: ${u.reason}`).join('; ')}` : '';
    throw new StartupError('NO_USABLE_MODEL', `${why}${extra}`);
  }
  if (usable.length > 1) {
    throw new StartupError('MODEL_AMBIGUOUS', `${usable.length} models in ${modelsDir} (${usable.map((m) => m.config.model_id).join(', ')}); one container serves one model: set RUTH_MODEL_ID`);
  }
  const model = usable[0]!;
  const { config } = model;
  const rr = config.resource_requirements;
  if (rr.gpu_required && !rr.cpu_fallback_allowed) {
    // This runtime runs on CPU only; failing now beats failing on the first frame.
    throw new StartupError('GPU_REQUIRED', `model ${config.model_id} requires a GPU (resource_requirements.gpu_required: true, cpu_fallback_allowed: false) and this runtime has none`);
  }
  const version = runtimeVersion();
  if (!semver().satisfies(version, config.runtime, { includePrerelease: true })) {
    throw new StartupError('RUNTIME_MISMATCH', `model ${config.model_id} needs runtime ${JSON.stringify(config.runtime)} but this is ${version}`);
  }
  return model;
}

/**
 * Discovery: every subfolder of the models folder holding a model.yaml is one
 * model. Nothing unusable is silently skipped: each such folder is listed in
 * `unavailable` with its reason. A model_id claimed by two folders makes both
 * unavailable (the caller decides whether that is fatal; `ruth-model serve`
 * refuses to start on it when it is the model to serve).
 *
 * With `only` (RUTH_MODEL_ID), the folder named after that id is the only one
 * parsed when it exists: a huge or hostile sibling model.yaml must not slow or
 * break the start of the model actually served.
 *
 * The one loop over a models folder: the server, `ruth-model health`'s
 * fallback, the factory's generator, the install and build loops and
 * new-model all use it. The factory reads source folders, not built ones:
 * `{ built: false }` skips the compiled-handler check, and it treats every
 * warning and every folder without a model.yaml as an error.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { formatConfigError } from '../errors/errors.js';
import { loadModelConfig } from './load-model-config.js';
import type { ModelConfig } from './model-config.js';

export interface DiscoveredModel {
  dir: string;
  config: ModelConfig;
}

export interface UnavailableModel {
  dir: string;
  reason: string;
}

export interface Discovery {
  models: DiscoveredModel[];
  unavailable: UnavailableModel[];
  /** Suspicious, e.g. a folder name that differs from its model_id (for usable and unavailable folders alike). */
  warnings: UnavailableModel[];
  /** Subfolders holding no model.yaml: not models, skipped. */
  ignored: string[];
}

export interface DiscoverOptions {
  /** Check that each handler is compiled (default true; false for source folders). */
  built?: boolean;
  /** RUTH_MODEL_ID: parse only the folder named after it, when it exists. */
  only?: string;
}

/** Why a loaded config cannot run here, or undefined. */
function unusableReason(dir: string, config: ModelConfig): string | undefined {
  const handler = resolve(dir, config.handler);
  if (!existsSync(handler)) return `handler ${JSON.stringify(config.handler)} not found at ${handler} (is the model built?)`;
  return undefined;
}

export function discoverModels(modelsDir: string, options: DiscoverOptions = {}): Discovery {
  const root = resolve(modelsDir);
  const { only } = options;
  const result: Discovery = { models: [], unavailable: [], warnings: [], ignored: [] };
  let entries: string[];
  try {
    // The schema's model_id pattern, so the id can only name a folder right under root.
    const own = only !== undefined && /^[a-z0-9][a-z0-9._-]{0,62}$/.test(only) && existsSync(join(root, only, 'model.yaml'));
    entries = own ? [only] : readdirSync(root).sort();
  } catch (err) {
    result.unavailable.push({ dir: root, reason: `models folder cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    return result;
  }
  for (const name of entries) {
    const dir = join(root, name);
    const file = join(dir, 'model.yaml');
    try {
      if (!statSync(dir).isDirectory()) continue;
      if (!existsSync(file)) {
        result.ignored.push(dir);
        continue;
      }
    } catch {
      continue;
    }
    let config: ModelConfig;
    try {
      config = loadModelConfig(file);
    } catch (err) {
      result.unavailable.push({ dir, reason: formatConfigError(err) });
      continue;
    }
    if (basename(dir) !== config.model_id) {
      result.warnings.push({ dir, reason: `folder name ${JSON.stringify(basename(dir))} differs from model_id ${JSON.stringify(config.model_id)}` });
    }
    const reason = options.built === false ? undefined : unusableReason(dir, config);
    if (reason !== undefined) {
      result.unavailable.push({ dir, reason });
      continue;
    }
    result.models.push({ dir, config });
  }
  // Two folders claiming one id: neither is trusted.
  const byId = new Map<string, DiscoveredModel[]>();
  for (const m of result.models) byId.set(m.config.model_id, [...(byId.get(m.config.model_id) ?? []), m]);
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    for (const m of group) {
      const others = group.filter((o) => o !== m).map((o) => o.dir);
      result.unavailable.push({ dir: m.dir, reason: `duplicate model_id ${JSON.stringify(id)}: also declared in ${others.join(', ')}` });
    }
    result.models = result.models.filter((m) => m.config.model_id !== id);
  }
  return result;
}

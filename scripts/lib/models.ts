/**
 * Reads and checks every models/<id>/model.yaml, the one source of what the
 * factory builds. Shared by generate.ts (docker-bake.json, the CI matrix) and
 * the image tests (which models to start).
 *
 * Validation is the runtime's own loadModelConfig (runtime/dist), so the
 * factory and the container accept exactly the same files and report errors
 * the same way: file:line: yaml.path: message.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import semver from 'semver';

export const ROOT = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
export const MODELS_DIR = join(ROOT, 'models');

/** One model as the bake file and the CI matrix see it. */
export interface ModelEntry {
  id: string;
  version: string;
  name: string;
  description: string;
  license: string;
  /** Build context, relative to the repo root. */
  context: string;
}

/** Files a model folder needs besides model.yaml to be built by the factory. */
const REQUIRED_FILES = ['Dockerfile', 'package.json', 'package-lock.json'];

export function runtimeVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'runtime/package.json'), 'utf8')) as { version: string }).version;
}

type RuntimeConfigApi = {
  loadModelConfig(file: string): { model_id: string; model_version: string; model_name: string; description?: string; license?: string; runtime: string };
  formatConfigError(err: unknown): string;
};

async function runtimeConfigApi(): Promise<RuntimeConfigApi> {
  const entry = join(ROOT, 'runtime/dist/index.js');
  if (!existsSync(entry)) {
    throw new Error(`expected the compiled runtime at ${relative(ROOT, entry)} (it validates model.yaml); run \`npx tsc -b runtime\` first`);
  }
  return (await import(entry)) as RuntimeConfigApi;
}

/**
 * Every model folder, sorted by id. Throws one Error listing every problem in
 * every folder, so one run shows all there is to fix.
 */
export async function readModels(modelsDir = MODELS_DIR): Promise<ModelEntry[]> {
  const api = await runtimeConfigApi();
  const version = runtimeVersion();
  const problems: string[] = [];
  const entries: ModelEntry[] = [];
  const seen = new Map<string, string>();

  const folders = existsSync(modelsDir)
    ? readdirSync(modelsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  for (const folder of folders) {
    const file = join(modelsDir, folder, 'model.yaml');
    const shown = relative(ROOT, file);
    if (!existsSync(file)) {
      problems.push(`${shown}: missing (every folder under models/ is a model; scaffold one with \`npm run new-model -- <id>\`)`);
      continue;
    }
    let config;
    try {
      config = api.loadModelConfig(file);
    } catch (err) {
      // One line per problem, with the path shown relative to the repo.
      problems.push(String((err as Error).message ?? api.formatConfigError(err)).split(file).join(shown));
      continue;
    }
    if (config.model_id !== folder) {
      problems.push(`${shown}: model_id: must equal the folder name ${JSON.stringify(folder)}, got ${JSON.stringify(config.model_id)}`);
    }
    const other = seen.get(config.model_id);
    if (other !== undefined) problems.push(`${shown}: model_id: ${JSON.stringify(config.model_id)} is also the id of ${other}`);
    seen.set(config.model_id, shown);
    if (semver.validRange(config.runtime) === null) {
      problems.push(`${shown}: runtime: must be a semver range like ^1.0.0, got ${JSON.stringify(config.runtime)}`);
    } else if (!semver.satisfies(version, config.runtime)) {
      problems.push(`${shown}: runtime: ${JSON.stringify(config.runtime)} is not satisfied by @ruth-ai/model-runtime ${version} (runtime/package.json)`);
    }
    for (const name of REQUIRED_FILES) {
      if (!existsSync(join(modelsDir, folder, name))) problems.push(`${relative(ROOT, join(modelsDir, folder, name))}: missing (the image build needs it)`);
    }
    entries.push({
      id: config.model_id,
      version: config.model_version,
      name: config.model_name,
      description: config.description ?? '',
      license: config.license ?? '',
      context: relative(ROOT, join(modelsDir, folder)),
    });
  }
  if (problems.length > 0) {
    throw new Error(`${problems.length} problem${problems.length === 1 ? '' : 's'} in models/:\n  ${problems.join('\n  ')}`);
  }
  return entries;
}

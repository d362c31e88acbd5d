/**
 * Reads and checks every models/<id>/model.yaml, the one source of what the
 * factory builds. Shared by generate.ts (docker-bake.json, the CI matrix) and
 * the image tests (which models to start).
 *
 * Validation is the runtime's own loadModelConfig, so the
 * factory and the container accept exactly the same files and report errors
 * the same way: file:line: yaml.path: message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { discoverModels } from '@ruth-ai/model-runtime';
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
  /** The Dockerfile, relative to the context: the model's own, else the shared one. */
  dockerfile: string;
}

/** Files a model folder needs besides model.yaml to be built by the factory. */
const REQUIRED_FILES = ['package.json', 'package-lock.json'];

/** `npm run new-model -- <id> --engine <engine>` copies the folder of its engine. */
export const MODEL_TEMPLATES: Readonly<Record<string, string>> = { tfjs: 'scripts/templates/model', onnx: 'scripts/templates/model-onnx' };

/** Every model builds with this file unless its folder brings its own Dockerfile. */
export const SHARED_DOCKERFILE = 'runtime/docker/model.Dockerfile';

/** The base OS image's default lives in one place: runtime/Dockerfile's `ARG BASE_IMAGE=...`. */
export function dockerfileBaseImage(): string {
  const arg = /^ARG BASE_IMAGE=(\S+)$/m.exec(readFileSync(join(ROOT, 'runtime/Dockerfile'), 'utf8'));
  if (!arg) throw new Error('expected `ARG BASE_IMAGE=<image>` in runtime/Dockerfile');
  return arg[1]!;
}

/**
 * The local name of the base OS image for another CPU architecture (Debian's
 * name: arm64, amd64), as `scripts/ensure-base-image.ts --arch` makes it: a
 * classic image store holds one platform per name.
 */
export function archBaseImage(arch: string): string {
  return `local/debian-${arch}:trixie-slim`;
}

export function runtimeVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'runtime/package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Every model folder, sorted by id: the runtime's own discovery over the
 * source folders, stricter: what the server would only warn about or skip
 * (a folder name that is not the model_id, a folder without model.yaml) is an
 * error here. Throws one Error listing every problem in every folder, so one
 * run shows all there is to fix.
 */
export async function readModels(modelsDir = MODELS_DIR): Promise<ModelEntry[]> {
  if (!existsSync(modelsDir)) return [];
  const version = runtimeVersion();
  const found = discoverModels(modelsDir, { built: false });
  // Paths shown relative to the repo, one line per problem.
  const shown = (text: string): string => text.split(`${ROOT}/`).join('');
  const problems = [
    ...found.ignored.map((dir) => `${shown(join(dir, 'model.yaml'))}: missing (every folder under models/ is a model; scaffold one with \`npm run new-model -- <id>\`)`),
    // A model.yaml error already starts with file:line.
    ...[...found.unavailable, ...found.warnings].map((u) => (u.reason.startsWith(u.dir) ? shown(u.reason) : `${shown(join(u.dir, 'model.yaml'))}: ${shown(u.reason)}`)),
  ];
  const entries: ModelEntry[] = [];
  for (const { dir, config } of found.models) {
    const file = shown(join(dir, 'model.yaml'));
    if (semver.validRange(config.runtime) === null) {
      problems.push(`${file}: runtime: must be a semver range like ^1.0.0, got ${JSON.stringify(config.runtime)}`);
    } else if (!semver.satisfies(version, config.runtime)) {
      problems.push(`${file}: runtime: ${JSON.stringify(config.runtime)} is not satisfied by @ruth-ai/model-runtime ${version} (runtime/package.json)`);
    }
    for (const name of REQUIRED_FILES) {
      if (!existsSync(join(dir, name))) problems.push(`${shown(join(dir, name))}: missing (the image build needs it)`);
    }
    entries.push({
      id: config.model_id,
      version: config.model_version,
      name: config.model_name,
      description: config.description ?? '',
      license: config.license ?? '',
      context: relative(ROOT, dir),
      dockerfile: existsSync(join(dir, 'Dockerfile')) ? 'Dockerfile' : relative(dir, join(ROOT, SHARED_DOCKERFILE)),
    });
  }
  if (problems.length > 0) {
    throw new Error(`${problems.length} problem${problems.length === 1 ? '' : 's'} in models/:\n  ${problems.join('\n  ')}`);
  }
  return entries.sort((a, b) => a.id.localeCompare(b.id));
}

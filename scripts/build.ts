/**
 * `npm run build`: builds every image from a clean clone.
 *   1. make sure the base OS image exists (pull, or debootstrap + import);
 *   2. regenerate docker-bake.json from the model folders;
 *   3. `docker buildx bake all --load`: the runtime and one image per model.
 *
 *   npm run build                        everything
 *   npm run build -- model-fall-detection  named bake targets/groups only
 *   PLATFORMS=linux/arm64 BASE_IMAGE=<arm64 base> BUILD_BASE_IMAGE=debian:trixie-slim npm run build
 *                                        another platform (QEMU runs its apt steps only)
 *   --models-dir DIR --bake-json FILE    another models folder, its bake data written to
 *                                        FILE (the image tests build scaffolds this way)
 *
 * Platforms: docker-bake.hcl builds linux/amd64 and linux/arm64. An engine
 * with the classic image store cannot --load a multi-platform image, so then
 * only the engine's own platform is built (or PLATFORMS, comma-separated).
 *
 * BuildKit caches every step: a second run with no change rebuilds nothing,
 * and a change in one model folder rebuilds only that model's image.
 */
import { $, argv, fs, path } from 'zx';
import { ROOT } from './lib/models.js';

/** A string variable's default in docker-bake.hcl: the one place it is written. */
function bakeDefault(name: string): string {
  const hcl = fs.readFileSync(path.join(ROOT, 'docker-bake.hcl'), 'utf8');
  const found = new RegExp(`^variable "${name}" \\{ default = "([^"]*)" \\}$`, 'm').exec(hcl);
  if (!found) throw new Error(`build: expected variable "${name}" with a string default in docker-bake.hcl`);
  return found[1]!;
}

const config = {
  targets: argv._.length > 0 ? argv._.map(String) : ['all'],
  // Another models folder (tests): generate writes its bake data to bakeJson.
  modelsDir: argv['models-dir'] ? path.resolve(String(argv['models-dir'])) : undefined,
  bakeJson: path.resolve(ROOT, String(argv['bake-json'] ?? 'docker-bake.json')),
  // npm in builds trusts this bundle (BuildKit secret); skipped when absent.
  // Its default is docker-bake.hcl's, read from there.
  caBundle: process.env.CA_BUNDLE ?? bakeDefault('CA_BUNDLE'),
};

$.cwd = ROOT;
$.verbose = true;

// Preconditions
const buildx = await $({ quiet: true })`docker buildx version`.nothrow();
if (buildx.exitCode !== 0) {
  throw new Error(`build: expected docker buildx (Docker 26 + buildx 0.13, see .ci/install-host.sh), but \`docker buildx version\` failed:\n${buildx.stderr}`);
}
if (!(await fs.pathExists(path.join(ROOT, 'node_modules/.bin/tsc')))) {
  throw new Error('build: expected node_modules (run `npm ci` first), found none');
}
const caBundle = config.caBundle !== '' && (await fs.pathExists(config.caBundle)) ? config.caBundle : '';
if (config.caBundle !== '' && caBundle === '') console.log(`build: CA bundle ${config.caBundle} not found; npm in builds uses its default CAs`);
// The platforms --load can take: all of the bake file's with the containerd
// image store, else the engine's own (or PLATFORMS when set).
const driverStatus = (await $({ quiet: true, nothrow: true })`docker info -f ${'{{json .DriverStatus}}'}`).stdout;
const engine = (await $({ quiet: true })`docker version -f ${'{{.Server.Os}}/{{.Server.Arch}}'}`).stdout.trim();
const platforms = process.env.PLATFORMS || (driverStatus.includes('io.containerd.snapshotter') ? '' : engine);
const revision = (await $({ quiet: true, nothrow: true })`git rev-parse HEAD`).stdout.trim() || 'unknown';
const started = Date.now();

// 1. Base OS images: the final stages' and, when it is another, the build stages'.
await $`npx --no-install tsx scripts/ensure-base-image.ts`;
if (process.env.BUILD_BASE_IMAGE) await $`npx --no-install tsx scripts/ensure-base-image.ts --image ${process.env.BUILD_BASE_IMAGE}`;

// 2. docker-bake.json from model.yaml files.
const from = config.modelsDir ? ['--models-dir', config.modelsDir] : [];
await $`npm run --silent generate -- ${from} --output ${config.bakeJson}`;

// 3. Bake. Environment variables override the HCL variables of the same name.
const files = ['-f', 'docker-bake.hcl', '-f', config.bakeJson];
console.log(`build: platforms ${platforms || 'as docker-bake.hcl says'}`);
const platformEnv = platforms ? { PLATFORMS: platforms } : {};
await $({ env: { ...process.env, ...platformEnv, CA_BUNDLE: caBundle, REVISION: revision } })`docker buildx bake ${files} --load ${config.targets}`;

// Summary: what was built and how big it is.
const bake = JSON.parse((await $({ quiet: true, env: { ...process.env, CA_BUNDLE: caBundle } })`docker buildx bake ${files} --print ${config.targets}`).stdout) as {
  target: Record<string, { tags?: string[] }>;
};
console.log(`\nbuilt in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
for (const [name, target] of Object.entries(bake.target)) {
  for (const tag of target.tags ?? []) {
    const size = (await $({ quiet: true, nothrow: true })`docker image inspect -f {{.Size}} ${tag}`).stdout.trim();
    console.log(`  ${name.padEnd(24)} ${tag.padEnd(44)} ${size ? `${(Number(size) / 1e6).toFixed(1)} MB` : '(not loaded)'}`);
  }
}

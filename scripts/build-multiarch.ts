/**
 * `npm run build:multiarch`: `docker buildx bake all` for linux/amd64 AND
 * linux/arm64 in one run (through scripts/build.ts), then checks the result.
 *
 *   npm run build:multiarch                          runtime + every model + frame-producer
 *   npm run build:multiarch -- model-text-reading    named bake targets/groups only
 *   npm run build:multiarch -- --clean               also delete the private engine's data at the end
 *
 * 1. Engine. A multi-platform image needs the containerd image store. When
 *    the engine (DOCKER_HOST) has it, it is used; otherwise (the classic
 *    store, Docker's default before 29) a private engine is started beside it
 *    (scripts/lib/private-engine.ts; needs root) and stopped at the end. Its
 *    data root (images, build cache) stays for the next run unless --clean.
 * 2. Base OS. BASE_IMAGE must name one image for every platform. Each
 *    platform's base is made on the machine's engine as usual
 *    (scripts/ensure-base-image.ts, `--arch` for the foreign one), pushed to a
 *    throwaway local registry, and joined into one index with
 *    `docker buildx imagetools create`. Set BASE_IMAGE to skip this when it
 *    already names a multi-platform image in a registry.
 * 3. Build: scripts/build.ts with PLATFORMS. QEMU runs only the final stages'
 *    apt for the foreign platform (runtime/Dockerfile).
 * 4. Check, for every tagged image: pushed to the local registry, its index
 *    must list every platform (compressed size per platform is printed);
 *    /opt/ruth-ai of each platform's image may hold native binaries for that
 *    platform's CPU only (runtime/docker/check-native-arch.mjs); and each
 *    platform's image starts (under QEMU when foreign), on that CPU
 *    (`uname -m`), and reports the runtime version.
 */
import { $, argv, fs, os, path, type Shell } from 'zx';
import { archBaseImage, dockerfileBaseImage, ROOT, runtimeVersion } from './lib/models.js';
import { startPrivateEngine, type PrivateEngine } from './lib/private-engine.js';
import { startRegistry, type LocalRegistry } from './lib/registry.js';

const config = {
  targets: argv._.length > 0 ? argv._.map(String) : ['all'],
  platforms: (process.env.PLATFORMS || 'linux/amd64,linux/arm64').split(','),
  removeData: Boolean(argv.clean),
  engine: {
    dataRoot: process.env.MULTIARCH_ROOT ?? '/var/lib/ruth-multiarch',
    execRoot: '/run/ruth-multiarch',
    bridge: 'ruth-multiarch0',
    bridgeCidr: process.env.MULTIARCH_BRIDGE_CIDR ?? '10.213.77.1/24',
  },
  bakeFiles: ['-f', 'docker-bake.hcl', '-f', 'docker-bake.json'],
};
/** Docker platform architecture -> Node's (check-native-arch.mjs) and `uname -m`'s */
const NODE_ARCH: Record<string, string> = { amd64: 'x64', arm64: 'arm64' };
const MACHINE: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64' };

$.cwd = ROOT;
$.verbose = true;
const started = Date.now();
const loadBefore = os.loadavg()[0]!.toFixed(1);

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ruth-multiarch-'));
let engine: PrivateEngine | undefined;
let registry: LocalRegistry | undefined;
let cleaned: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaned ??= (async () => {
    registry?.stop();
    await engine?.stop({ removeData: config.removeData });
    await fs.rm(work, { recursive: true, force: true });
  })();
  return cleaned;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

/** Architecture part of a platform: linux/arm64 -> arm64 */
const archOf = (platform: string): string => platform.split('/')[1]!;

/** One BASE_IMAGE for every platform: each platform's base, joined in the local registry. */
async function multiPlatformBase(on: Shell, transfer: boolean): Promise<string> {
  const native = (await $({ quiet: true })`docker version -f {{.Server.Arch}}`).stdout.trim();
  const joined = `${registry!.host}/base/${dockerfileBaseImage()}`;
  const parts: string[] = [];
  for (const arch of config.platforms.map(archOf)) {
    const local = arch === native ? dockerfileBaseImage() : archBaseImage(arch);
    await $`npx --no-install tsx scripts/ensure-base-image.ts --image ${local} ${arch === native ? [] : ['--arch', arch]}`;
    if (transfer) await $`docker save ${local} | DOCKER_HOST=${engineHost} docker load -q`;
    parts.push(`${joined}-${arch}`);
    await on`docker tag ${local} ${joined}-${arch}`;
    await on`docker push -q ${joined}-${arch}`;
  }
  await on`docker buildx imagetools create -t ${joined} ${parts}`;
  return joined;
}

/** Sum of the layer sizes of one platform's manifest, as stored in the registry. */
async function compressedBytes(on: Shell, ref: string): Promise<number> {
  const manifest = JSON.parse((await on({ quiet: true })`docker buildx imagetools inspect --raw ${ref}`).stdout) as { layers: { size: number }[] };
  return manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}

/** The platforms a pushed image's index lists, and each one's manifest ref. */
async function pushedPlatforms(on: Shell, ref: string): Promise<Map<string, string>> {
  const index = JSON.parse((await on({ quiet: true })`docker buildx imagetools inspect --raw ${ref}`).stdout) as {
    manifests?: { digest: string; platform?: { os: string; architecture: string } }[];
  };
  const repo = ref.slice(0, ref.lastIndexOf(':'));
  const found = new Map<string, string>();
  for (const m of index.manifests ?? []) {
    // Attestation manifests say unknown/unknown.
    if (m.platform && m.platform.os !== 'unknown') found.set(`${m.platform.os}/${m.platform.architecture}`, `${repo}@${m.digest}`);
  }
  return found;
}

/** Fails when /opt/ruth-ai of the image's `platform` variant holds a binary for another CPU. */
async function checkNativeArch(on: Shell, image: string, platform: string): Promise<void> {
  const dir = await fs.mkdtemp(path.join(work, 'fs-'));
  const id = (await on({ quiet: true })`docker create --platform ${platform} ${image}`).stdout.trim();
  try {
    await on({ quiet: true })`docker cp ${id}:/opt/ruth-ai - | tar -x -C ${dir}`;
    await $`node runtime/docker/check-native-arch.mjs ${dir} ${NODE_ARCH[archOf(platform)]}`;
  } finally {
    await on({ quiet: true })`docker rm ${id}`;
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Starts the image's `platform` variant (under QEMU when foreign): it must run on that CPU and report the runtime's version. */
async function checkStarts(on: Shell, image: string, platform: string): Promise<void> {
  const expected = `${MACHINE[archOf(platform)]}\n${runtimeVersion()}`;
  const said = (await on({ quiet: true })`docker run --rm --platform ${platform} --network none --entrypoint sh ${image} -c ${'uname -m && ruth-model --version'}`).stdout.trim();
  if (said !== expected) throw new Error(`build:multiarch: expected ${image} (${platform}) to say ${JSON.stringify(expected)}, it said ${JSON.stringify(said)}`);
}

let engineHost = process.env.DOCKER_HOST ?? '';
try {
  // 1. Engine
  const driverStatus = (await $({ quiet: true, nothrow: true })`docker info -f ${'{{json .DriverStatus}}'}`).stdout;
  const containerdStore = driverStatus.includes('io.containerd.snapshotter');
  if (!containerdStore) {
    console.log(`build:multiarch: this engine uses the classic image store; starting a private one (data in ${config.engine.dataRoot})`);
    engine = await startPrivateEngine(config.engine);
    engineHost = engine.host;
  }
  const on = $({ env: { ...process.env, DOCKER_HOST: engineHost } });
  registry = await startRegistry(work);

  // 2. Base OS
  const baseImage = process.env.BASE_IMAGE || (await multiPlatformBase(on, !containerdStore));

  // 3. Build
  const buildStarted = Date.now();
  await on({ env: { ...process.env, DOCKER_HOST: engineHost, PLATFORMS: config.platforms.join(','), BASE_IMAGE: baseImage } })`npx --no-install tsx scripts/build.ts ${config.targets}`;
  const buildSeconds = (Date.now() - buildStarted) / 1000;

  // 4. Check
  const bake = JSON.parse((await on({ quiet: true })`docker buildx bake ${config.bakeFiles} --print ${config.targets}`).stdout) as { target: Record<string, { tags?: string[] }> };
  const rows: string[] = [];
  const missing: string[] = [];
  for (const [name, target] of Object.entries(bake.target)) {
    const image = target.tags?.[0];
    if (!image) continue; // runtime-sdk: a build stage, never exported
    const pushed = `${registry.host}/${image}`;
    await on`docker tag ${image} ${pushed}`;
    await on`docker push -q ${pushed}`;
    const platforms = await pushedPlatforms(on, pushed);
    for (const platform of config.platforms) {
      const ref = platforms.get(platform);
      if (!ref) {
        missing.push(`${image} ${platform}`);
        continue;
      }
      await checkNativeArch(on, image, platform);
      await checkStarts(on, image, platform);
      rows.push(`  ${name.padEnd(22)} ${image.padEnd(40)} ${platform.padEnd(12)} ${((await compressedBytes(on, ref)) / 1e6).toFixed(1).padStart(7)} MB`);
    }
  }
  console.log(`\nbuild:multiarch: built in ${buildSeconds.toFixed(1)} s, ${((Date.now() - started) / 1000).toFixed(1)} s in all (load ${loadBefore} -> ${os.loadavg()[0]!.toFixed(1)})`);
  console.log('  target                 image                                    platform     compressed (native binaries checked; starts, runtime --version)');
  console.log(rows.join('\n'));
  if (missing.length > 0) throw new Error(`build:multiarch: expected every image for ${config.platforms.join(' and ')}, but these are missing:\n  ${missing.join('\n  ')}`);
  if (engine) console.log(`\nThe images are in the private engine's store (${config.engine.dataRoot}), which is stopped now; --clean deletes it.`);
} finally {
  await cleanUp();
}

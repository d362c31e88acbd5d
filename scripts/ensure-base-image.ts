/**
 * Makes sure the base OS image named by BASE_IMAGE (the same variable
 * docker-bake.hcl reads; default: runtime/Dockerfile's `ARG BASE_IMAGE`) exists in the local
 * Docker engine, so the same build works with Docker Hub, on GitHub Actions
 * and on a machine that reaches only a Debian mirror:
 *   1. present locally -> done;
 *   2. `docker pull` with a short deadline;
 *   3. otherwise debootstrap a minimal trixie from the Debian archive, slim it
 *      like the official -slim image, and `docker import` it under that name.
 *
 * Usage: tsx scripts/ensure-base-image.ts [--image NAME] [--arch arm64] [--force-debootstrap]
 *
 * --arch (or DEBIAN_ARCH) makes a base for another architecture under its own
 * --image name (a local image of the classic store has one platform): the
 * default base pulled for that platform, else debootstrap (arm64 on an amd64
 * host runs its second stage under QEMU: .ci/install-host.sh registers it),
 * imported with that platform.
 */
import { $, argv, fs, os, path } from 'zx';
import { dockerfileBaseImage } from './lib/models.js';

const config = {
  image: String(argv.image || process.env.BASE_IMAGE || dockerfileBaseImage()),
  suite: process.env.DEBIAN_SUITE ?? 'trixie',
  mirror: process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian',
  pullTimeoutSeconds: 30,
  forceDebootstrap: Boolean(argv['force-debootstrap']),
  /** Debian architecture; empty: the host's. */
  arch: String(argv.arch ?? process.env.DEBIAN_ARCH ?? ''),
};

// The same trims and dpkg excludes as Debian's official -slim images: later
// `apt-get install` in the Dockerfiles then also skips docs, man pages and locales.
const DPKG_EXCLUDES = `# Written by scripts/ensure-base-image.ts (as in the official -slim images).
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
`;
const APT_CLEAN = `# Written by scripts/ensure-base-image.ts: keep no .deb files in image layers.
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::GzipIndexes "true";
`;

$.quiet = true;

// Long steps print when they start and how long they took (no spinner: CI logs are not a TTY).
async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  console.log(`base image ${config.image}: ${label} ...`);
  const result = await run();
  console.log(`base image ${config.image}: ${label} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

// Preconditions
const docker = await $`docker info --format {{.ServerVersion}}`.nothrow();
if (docker.exitCode !== 0) {
  throw new Error(`ensure-base-image: expected a running Docker engine, but \`docker info\` failed:\n${docker.stderr.trim()}`);
}

// 1. Already present?
if (!config.forceDebootstrap && (await $`docker image inspect ${config.image}`.nothrow()).exitCode === 0) {
  console.log(`base image ${config.image}: present`);
  process.exit(0);
}

// 2. Pull, but do not wait long on a machine without a registry. Another
//    architecture's base is the default base's image for that platform
//    (a registry's debian:trixie-slim holds both), tagged with the local name.
if (!config.forceDebootstrap) {
  const source = config.arch ? dockerfileBaseImage() : config.image;
  const platform = config.arch ? ['--platform', `linux/${config.arch}`] : [];
  console.log(`base image ${config.image}: not present, trying docker pull ${platform.join(' ')} ${source} (${config.pullTimeoutSeconds} s)`);
  const pull = await $`timeout ${config.pullTimeoutSeconds} docker pull -q ${platform} ${source}`.nothrow();
  if (pull.exitCode === 0) {
    if (source !== config.image) {
      await $`docker tag ${source} ${config.image}`;
      // A classic image store keeps one platform per name: give the default
      // base back its own platform, which the native builds use.
      await $`timeout ${config.pullTimeoutSeconds} docker pull -q ${source}`;
    }
    console.log(`base image ${config.image}: pulled`);
    process.exit(0);
  }
  console.log(`base image ${config.image}: pull failed (${pull.stderr.trim().split('\n').pop() || `exit ${pull.exitCode}`}); building it with debootstrap`);
}

// 3. Build it from the Debian archive.
if ((await $`command -v debootstrap`.nothrow()).exitCode !== 0) {
  throw new Error('ensure-base-image: expected debootstrap on PATH to build the base image (apt-get install debootstrap), found none');
}
if (process.getuid?.() !== 0) {
  throw new Error(`ensure-base-image: debootstrap needs root, but this runs as uid ${process.getuid?.()}`);
}
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ruth-base-'));
try {
  // 3a. Minimal system: dpkg, apt and essentials only (~30 s with a nearby mirror).
  const archFlag = config.arch ? [`--arch=${config.arch}`] : [];
  await timed(`debootstrap --variant=minbase ${archFlag.join('')} ${config.suite} from ${config.mirror}`, () =>
    $`debootstrap --variant=minbase ${archFlag} ${config.suite} ${root} ${config.mirror}`,
  );

  // 3b. Slim: apt lists and caches, docs, man pages, locales, logs.
  await fs.outputFile(path.join(root, 'etc/dpkg/dpkg.cfg.d/docker'), DPKG_EXCLUDES);
  await fs.outputFile(path.join(root, 'etc/apt/apt.conf.d/docker-clean'), APT_CLEAN);
  for (const dir of ['var/lib/apt/lists', 'var/cache/apt', 'var/cache/debconf', 'var/log', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'usr/share/lintian', 'tmp']) {
    const full = path.join(root, dir);
    for (const entry of await fs.readdir(full).catch(() => [] as string[])) {
      await fs.rm(path.join(full, entry), { recursive: true, force: true });
    }
  }
  await $`find ${path.join(root, 'usr/share/doc')} -mindepth 1 -not -name copyright -not -type d -delete`.nothrow();
  await $`find ${path.join(root, 'usr/share/doc')} -mindepth 1 -type d -empty -delete`.nothrow();

  // 3c. Import. The label says where it came from; CMD mirrors the official image.
  await timed(`docker import as ${config.image}`, () =>
    $`tar -C ${root} --numeric-owner -c . | docker import ${config.arch ? ['--platform', `linux/${config.arch}`] : []} --change ${'CMD ["bash"]'} --change ${'LABEL org.opencontainers.image.description="debootstrap --variant=minbase ' + config.suite + ', slimmed (scripts/ensure-base-image.ts)"'} - ${config.image}`,
  );
  const size = (await $`docker image inspect -f {{.Size}} ${config.image}`).stdout.trim();
  console.log(`base image ${config.image}: imported (${(Number(size) / 1e6).toFixed(1)} MB)`);
} finally {
  await fs.rm(root, { recursive: true, force: true });
}

/**
 * A second Docker engine beside the machine's own, with the containerd image
 * store, which can hold (and BuildKit can --load) multi-platform images. The
 * machine's engine is not touched: this one has its own data root, exec root,
 * socket and bridge, and its own containerd (dockerd starts one when no
 * system containerd runs).
 *
 * Two dockerds must not both manage iptables, so this one runs with
 * --iptables=false on a bridge of its own, and its build containers reach the
 * network through two rules added here (NAT for its subnet, and accepting its
 * forwarded traffic in DOCKER-USER, the chain Docker leaves to users). stop()
 * removes them, the bridge and the exec root; the data root (images and build
 * cache) stays unless asked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { $, fs, path } from 'zx';
import { until } from '@ruth-ai/model-runtime/testing';

export interface EngineOptions {
  /** Images, containerd content and build cache: kept between runs for the cache. */
  dataRoot: string;
  /** Sockets and state; short (socket paths are limited to 108 bytes). */
  execRoot: string;
  /** Linux bridge of this engine's containers; created here. */
  bridge: string;
  /** The bridge's address and subnet, e.g. 10.213.77.1/24; must not clash with another network. */
  bridgeCidr: string;
}

export interface PrivateEngine {
  /** DOCKER_HOST value for commands that should use this engine */
  host: string;
  stop(options?: { removeData?: boolean }): Promise<void>;
}

function subnetOf(cidr: string): string {
  const [address, bits] = cidr.split('/');
  const octets = address!.split('.').map(Number);
  const mask = Number(bits);
  const value = octets.reduce((n, o) => n * 256 + o, 0);
  const network = Math.floor(value / 2 ** (32 - mask)) * 2 ** (32 - mask);
  return `${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.')}/${mask}`;
}

/** iptables rules for the bridge: [table, chain, rule]; inserted first, deleted on stop. */
function firewallRules(o: EngineOptions): [string, string, string[]][] {
  const subnet = subnetOf(o.bridgeCidr);
  return [
    ['nat', 'POSTROUTING', ['-s', subnet, '!', '-o', o.bridge, '-j', 'MASQUERADE']],
    ['filter', 'DOCKER-USER', ['-i', o.bridge, '!', '-o', o.bridge, '-j', 'ACCEPT']],
    ['filter', 'DOCKER-USER', ['-o', o.bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT']],
  ];
}

async function preconditions(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error(`private engine: dockerd, ip and iptables need root, but this runs as uid ${process.getuid?.()}`);
  for (const tool of ['dockerd', 'ip', 'iptables']) {
    if ((await $({ quiet: true, nothrow: true })`command -v ${tool}`).exitCode !== 0) throw new Error(`private engine: expected ${tool} on PATH, found none`);
  }
  if ((await $({ quiet: true, nothrow: true })`iptables -L DOCKER-USER -n`).exitCode !== 0) {
    throw new Error('private engine: expected the DOCKER-USER iptables chain of the machine engine (Docker with iptables on), found none');
  }
}

async function addNetwork(o: EngineOptions): Promise<void> {
  if ((await $({ quiet: true, nothrow: true })`ip link show ${o.bridge}`).exitCode !== 0) {
    await $`ip link add ${o.bridge} type bridge`;
    await $`ip addr add ${o.bridgeCidr} dev ${o.bridge}`;
  }
  await $`ip link set ${o.bridge} up`;
  for (const [table, chain, rule] of firewallRules(o)) {
    if ((await $({ quiet: true, nothrow: true })`iptables -t ${table} -C ${chain} ${rule}`).exitCode !== 0) await $`iptables -t ${table} -I ${chain} 1 ${rule}`;
  }
}

async function removeNetwork(o: EngineOptions): Promise<void> {
  for (const [table, chain, rule] of firewallRules(o)) {
    while ((await $({ quiet: true, nothrow: true })`iptables -t ${table} -C ${chain} ${rule}`).exitCode === 0) await $`iptables -t ${table} -D ${chain} ${rule}`;
  }
  await $({ nothrow: true })`ip link delete ${o.bridge}`;
}

async function stopDaemon(daemon: ChildProcess, timeoutMs = 60_000): Promise<void> {
  if (daemon.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => daemon.once('exit', () => resolve()));
  daemon.kill('SIGTERM');
  const timer = setTimeout(() => daemon.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Starts the engine; resolves once it answers. The caller must stop() it (also on failure). */
export async function startPrivateEngine(o: EngineOptions): Promise<PrivateEngine> {
  await preconditions();
  const socket = path.join(o.execRoot, 'docker.sock');
  const host = `unix://${socket}`;
  if ((await $({ quiet: true, nothrow: true, env: { ...process.env, DOCKER_HOST: host } })`docker info`).exitCode === 0) {
    throw new Error(`private engine: an engine already answers at ${host}; stop it first`);
  }
  await fs.mkdirp(o.dataRoot);
  await fs.mkdirp(o.execRoot);
  const config = path.join(o.dataRoot, 'daemon.json');
  await fs.writeJson(config, { features: { 'containerd-snapshotter': true } });
  await addNetwork(o);

  const log = path.join(o.dataRoot, 'dockerd.log');
  // prettier-ignore
  const daemon = spawn('dockerd', [
    '--config-file', config, '--data-root', path.join(o.dataRoot, 'data'), '--exec-root', o.execRoot,
    '--pidfile', path.join(o.execRoot, 'dockerd.pid'), '-H', host,
    '--bridge', o.bridge, '--iptables=false', '--ip6tables=false',
  ], { stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] });
  const stop = async ({ removeData = false } = {}): Promise<void> => {
    await stopDaemon(daemon);
    await removeNetwork(o);
    await fs.rm(o.execRoot, { recursive: true, force: true });
    if (removeData) await fs.rm(o.dataRoot, { recursive: true, force: true });
  };
  try {
    // Done waiting when it answers, or when it has exited (the log says why).
    const answers = async () => daemon.exitCode !== null || (await $({ quiet: true, nothrow: true, env: { ...process.env, DOCKER_HOST: host } })`docker info`).exitCode === 0;
    await until(answers, 60_000, `dockerd at ${host} (log: ${log})`);
    if (daemon.exitCode !== null) throw new Error(`private engine: dockerd exited with ${daemon.exitCode}; see ${log}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host, stop };
}

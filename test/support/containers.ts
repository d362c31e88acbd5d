/**
 * Starting model images the way production should: non-root (the image's
 * uid 10001), read-only root filesystem, every capability dropped, no
 * network, no-new-privileges. testcontainers does the lifecycle; it has no
 * read-only switch, so a small subclass sets HostConfig.ReadonlyRootfs.
 *
 * Every container carries SUITE_LABEL (valued with the image NAMESPACE, so two
 * suites on one engine keep apart) so the suite can prove at the end that
 * none is left behind (Ryuk, testcontainers' reaper, cannot be pulled here).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GenericContainer, Wait } from 'testcontainers';

export const SUITE_LABEL = 'ai.ruth.test-suite';
export const RUNTIME_UID = 10001;

// Image names are <NAMESPACE>/<name>, as in docker-bake.hcl, whose NAMESPACE
// variable the same environment variable overrides.
export const NAMESPACE = process.env.NAMESPACE || 'ruth-ai';

const run = promisify(execFile);

export async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

export class HardenedContainer extends GenericContainer {
  constructor(image: string) {
    super(image);
    this.hostConfig.ReadonlyRootfs = true;
    this.withDroppedCapabilities('ALL')
      .withSecurityOpt('no-new-privileges:true')
      .withNetworkMode('none')
      .withLabels({ [SUITE_LABEL]: NAMESPACE });
  }
}

/** Host folders shared with a container: its /tmp (socket, heartbeat) and a shared-memory folder. */
export interface SharedDirs {
  socketDir: string;
  shmDir: string;
  cleanup(): void;
}

export function makeSharedDirs(prefix: string): SharedDirs {
  // World-writable socket dir: the container's uid (10001) creates the socket
  // and heartbeat there. Shared memory is world-readable, written by the host.
  const socketDir = mkdtempSync(join(tmpdir(), `${prefix}-sock-`));
  chmodSync(socketDir, 0o1777);
  const shmDir = mkdtempSync(join('/dev/shm', `${prefix}-shm-`));
  chmodSync(shmDir, 0o755);
  return {
    socketDir,
    shmDir,
    cleanup() {
      rmSync(socketDir, { recursive: true, force: true });
      rmSync(shmDir, { recursive: true, force: true });
    },
  };
}

/** A ready model container: waits for the runtime's ready line, then for Docker's health status. */
export function modelContainer(image: string, dirs: SharedDirs, env: Record<string, string> = {}): GenericContainer {
  return new HardenedContainer(image)
    .withBindMounts([
      { source: dirs.socketDir, target: '/tmp', mode: 'rw' },
      { source: dirs.shmDir, target: dirs.shmDir, mode: 'ro' },
    ])
    .withEnvironment({
      // The host test process may run as another uid than the container.
      RUTH_SOCKET_MODE: '0666',
      RUTH_DRAIN_TIMEOUT_MS: '5000',
      ...env,
    })
    // The image's own HEALTHCHECK (ruth-model health) every second instead of ten.
    .withHealthCheck({ test: ['CMD', 'ruth-model', 'health'], interval: 1_000, timeout: 5_000, retries: 3, startPeriod: 60_000 })
    .withWaitStrategy(Wait.forAll([Wait.forLogMessage(/"msg":"ready"/), Wait.forHealthCheck()]))
    .withStartupTimeout(120_000);
}

/** Ids of containers this suite started that still exist. */
export async function leftoverContainers(): Promise<string[]> {
  return (await docker('ps', '-aq', '--filter', `label=${SUITE_LABEL}=${NAMESPACE}`)).split('\n').filter(Boolean);
}

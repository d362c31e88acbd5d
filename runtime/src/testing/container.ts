/**
 * Starts a model image the way production does (non-root, read-only root,
 * no capabilities, no network), with a host socket folder at its /tmp and a
 * host shared-memory folder at the same path inside, and times start → ready.
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RunningContainer {
  id: string;
  socketPath: string;
  /** docker run → the runtime's ready line, ms. */
  readyMs: number;
  stop(): Promise<void>;
}

export async function imageExists(image: string): Promise<boolean> {
  return run('docker', ['image', 'inspect', image]).then(() => true, () => false);
}

/**
 * Resolves at the container's ready line. One streaming `docker logs -f`:
 * polling `docker logs` in a loop starts a docker CLI process after
 * another, which on a 2-core machine takes CPU from the very start it times.
 */
function readyLine(id: string, timeoutMs: number): Promise<void> {
  const logs = spawn('docker', ['logs', '-f', id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  let timer: NodeJS.Timeout | undefined;
  return new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no ready line from container ${id} within ${timeoutMs / 1000} s: ${seen.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      if (seen.includes('"msg":"ready"')) resolve();
    };
    logs.stdout.on('data', onData);
    logs.stderr.on('data', onData);
    logs.on('exit', () => reject(new Error(`container ${id} stopped before its ready line: ${seen.slice(-2000)}`)));
    logs.on('error', reject);
  }).finally(() => {
    clearTimeout(timer);
    logs.kill();
  });
}

export async function startContainer(image: string, shmDir: string, modelId: string): Promise<RunningContainer> {
  const sockDir = mkdtempSync(path.join(os.tmpdir(), `${modelId}-bench-sock-`));
  chmodSync(sockDir, 0o1777);
  const t0 = performance.now();
  const { stdout } = await run('docker', [
    'run', '-d', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true', '--network', 'none',
    '-v', `${sockDir}:/tmp`, '-v', `${shmDir}:${shmDir}:ro`, '-e', 'RUTH_SOCKET_MODE=0666', image,
  ]);
  const id = stdout.trim();
  const stop = async (): Promise<void> => {
    await run('docker', ['stop', '-t', '10', id]).catch(() => undefined);
    await run('docker', ['rm', '-f', id]).catch(() => undefined);
    rmSync(sockDir, { recursive: true, force: true });
  };
  try {
    await readyLine(id, 120_000);
    const readyMs = performance.now() - t0;
    const socketPath = path.join(sockDir, `vas_model_${modelId}.sock`);
    if (!existsSync(socketPath)) throw new Error(`ready, but no socket at ${socketPath}`);
    return { id, socketPath, readyMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

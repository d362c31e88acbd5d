/**
 * Starts a model image the way production does (non-root, read-only root,
 * no capabilities, no network), with a host socket folder at its /tmp and a
 * host shared-memory folder at the same path inside, and times start → ready.
 */
import { execFile } from 'node:child_process';
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
    for (;;) {
      const logs = await run('docker', ['logs', id]).then((r) => r.stdout, () => '');
      if (logs.includes('"msg":"ready"')) break;
      if (performance.now() - t0 > 120_000) throw new Error(`no ready line from ${image} within 120 s: ${logs.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const readyMs = performance.now() - t0;
    const socketPath = path.join(sockDir, `vas_model_${modelId}.sock`);
    if (!existsSync(socketPath)) throw new Error(`ready, but no socket at ${socketPath}`);
    return { id, socketPath, readyMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

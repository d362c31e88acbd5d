/**
 * Starting and stopping the benches' servers: each runs in its own process
 * and prints a `"msg":"ready"` JSON line once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';

export interface Target {
  name: string;
  socket: string;
  proc: ChildProcess;
}

export async function spawnReady(args: string[], env: Record<string, string>): Promise<{ proc: ChildProcess; ready: Record<string, unknown> }> {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      for (const line of out.split('\n')) {
        if (line.includes('"msg":"ready"')) resolve({ proc, ready: JSON.parse(line) as Record<string, unknown> });
      }
      if (out.length > 1e6) out = out.slice(-1e5);
    });
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before ready:\n${out}`)));
  });
}

/** `ruth-model serve` of one build (its dist folder), with its own socket folder. */
export async function serve(name: string, dist: string, modelsDir: string, root: string): Promise<Target & { workers: number }> {
  const dir = mkdtempSync(path.join(root, 'sock-'));
  // A generous bound so the figures show throughput, not admission control.
  const env = { RUTH_MODELS_DIR: modelsDir, RUTH_SOCKET_DIR: dir, RUTH_HEARTBEAT_DIR: dir, RUTH_MAX_IN_FLIGHT: '1024' };
  const { proc, ready } = await spawnReady([path.join(dist, 'cli/main.js'), 'serve'], env);
  return { name, proc, socket: ready.socket as string, workers: ready.workers as number };
}

export async function stop(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

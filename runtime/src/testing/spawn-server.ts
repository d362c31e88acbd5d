/**
 * Spawns the real `ruth-model serve` (runtime/dist) against a fixture models
 * folder, with its socket and heartbeat in a fresh temp folder, and waits
 * for the ready line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RUNTIME_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(RUNTIME_DIR, 'dist/cli/main.js');
export const FIXTURE_MODELS = path.join(RUNTIME_DIR, 'test/fixtures/models');

export interface ServerProcess {
  proc: ChildProcess;
  dir: string;
  socketPath: string;
  heartbeatFile: string;
  /** Parsed stdout JSON lines so far. */
  logs: Record<string, unknown>[];
  ready: Record<string, unknown>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  cleanup(): void;
}

export function runCli(args: string[], env: Record<string, string> = {}): { proc: ChildProcess; logs: Record<string, unknown>[]; stderr: () => string; exited: ServerProcess['exited'] } {
  const proc = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { proc, logs, stderr: () => stderr, exited };
}

export async function startServerProcess(env: Record<string, string> = {}, modelsDir = FIXTURE_MODELS, timeoutMs = 20_000): Promise<ServerProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruth-test-'));
  const { proc, logs, stderr, exited } = runCli(['serve'], {
    RUTH_MODELS_DIR: modelsDir,
    RUTH_SOCKET_DIR: dir,
    RUTH_HEARTBEAT_DIR: dir,
    RUTH_WORKERS: '2',
    ...env,
  });
  const readyLine = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms; logs: ${JSON.stringify(logs)} stderr: ${stderr()}`)), timeoutMs);
    const poll = setInterval(() => {
      const line = logs.find((l) => l.msg === 'ready');
      if (line) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(line);
      }
    }, 20);
    void exited.then((e) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited (${e.code}) before ready; logs: ${JSON.stringify(logs)} stderr: ${stderr()}`));
    });
  });
  let ready: Record<string, unknown>;
  try {
    ready = await readyLine;
  } catch (err) {
    // Leave nothing behind when start-up fails: no process, no temp folder.
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    proc,
    dir,
    socketPath: ready.socket as string,
    heartbeatFile: path.join(dir, `vas_heartbeat_${ready.model_id as string}.json`),
    logs,
    ready,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    cleanup() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

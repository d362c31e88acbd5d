/**
 * Start-up and shutdown of the real `ruth-model serve`: drain on SIGTERM,
 * clear failures when no model can be served, stale and live sockets.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { request } from '../src/client/one-shot.js';
import { FrameDir } from '../src/testing/frame-dir.js';
import { gate, goodRequest } from './helpers/frames.js';
import { until } from '../src/testing/until.js';
import { RUNTIME_DIR, runCli, startServerProcess } from '../src/testing/spawn-server.js';
import { waitForInFlight } from './helpers/wait.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'ruth-life-'));

describe('lifecycle', { timeout: 30_000 }, () => {
  it('SIGTERM with requests in flight: all answered, exit 0, socket removed, heartbeat stopped', async () => {
    const frames = new FrameDir();
    const server = await startServerProcess({ RUTH_WORKERS: '2' });
    try {
      const good = frames.nv12('g.nv12', 64, 48);
      const held = gate(frames.dir);
      const inFlight = Array.from({ length: 6 }, () => request(server.socketPath, goodRequest(good, { config: held.config })));
      // Signal only once all six are admitted, so none can arrive after draining began.
      await waitForInFlight(server.socketPath, 6);
      server.proc.kill('SIGTERM');
      // Release them only once draining has begun (the socket file is gone).
      await until(() => !existsSync(server.socketPath), 10_000, 'draining to begin');
      held.open();
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => a.error_code ?? a.error)).toEqual(Array(6).fill(null));
      const exit = await server.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(existsSync(server.socketPath)).toBe(false);
      const hb = JSON.parse(readFileSync(server.heartbeatFile, 'utf8')) as Record<string, unknown>;
      expect(hb.status).toBe('stopped');
      expect(server.logs.some((l) => l.msg === 'stopped' && l.drained === true)).toBe(true);
    } finally {
      server.cleanup();
      frames.cleanup();
    }
  });

  it('answers SHUTTING_DOWN on an open keep-alive connection while draining', async () => {
    const frames = new FrameDir();
    const server = await startServerProcess({ RUTH_WORKERS: '1' });
    try {
      const good = frames.nv12('g.nv12', 64, 48);
      const { ModelClient } = await import('../src/client/model-client.js');
      const client = new ModelClient(server.socketPath);
      // A second keep-alive connection, opened before the drain, with nothing pending on it.
      const idle = new ModelClient(server.socketPath);
      expect((await idle.request<Record<string, unknown>>({ op: 'health' })).status).toBe('ready');
      const held = gate(frames.dir);
      const slow = client.request(goodRequest(good, { config: held.config }));
      await waitForInFlight(server.socketPath, 1);
      server.proc.kill('SIGTERM');
      // Wait until draining has begun: the listener is gone with the socket file.
      await until(() => !existsSync(server.socketPath), 10_000, 'draining to begin');
      // Answered while the held request is still in flight (answers on one connection keep request order, so it goes on the idle one).
      const late = await idle.request(goodRequest(good));
      expect(late.error_code).toBe('SHUTTING_DOWN');
      held.open();
      expect((await slow).error).toBeNull();
      expect((await server.exited).code).toBe(0);
    } finally {
      server.cleanup();
      frames.cleanup();
    }
  });

  it('while loading: health says loading and inference gets NOT_READY; then ready', async () => {
    const dir = tmp();
    const frames = new FrameDir();
    // The model's load is held until the test opens the gate.
    const loadGate = path.join(dir, 'load-gate');
    const run = runCli(['serve'], { RUTH_MODELS_DIR: path.join(RUNTIME_DIR, 'test/fixtures/models'), RUTH_SOCKET_DIR: dir, RUTH_HEARTBEAT_DIR: dir, RUTH_WORKERS: '1', ECHO_LOAD_GATE: loadGate });
    try {
      const sock = path.join(dir, 'vas_model_echo.sock');
      await until(() => existsSync(sock), 10_000, 'the socket to be bound');
      const good = frames.nv12('g.nv12', 64, 48);
      expect((await request<Record<string, unknown>>(sock, { op: 'health' })).status).toBe('loading');
      expect((await request(sock, goodRequest(good))).error_code).toBe('NOT_READY');
      expect(run.logs.some((l) => l.msg === 'ready')).toBe(false);
      writeFileSync(loadGate, '');
      await until(() => run.logs.some((l) => l.msg === 'ready'), 20_000, 'the ready line');
      expect((await request(sock, goodRequest(good))).error).toBeNull();
    } finally {
      run.proc.kill('SIGTERM');
      expect((await run.exited).code).toBe(0);
      frames.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits non-zero with one clear line when there is no model', async () => {
    const empty = tmp();
    const run = runCli(['serve'], { RUTH_MODELS_DIR: empty, RUTH_SOCKET_DIR: empty, RUTH_HEARTBEAT_DIR: empty });
    const exit = await run.exited;
    expect(exit.code).toBe(1);
    const errors = run.logs.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/no usable model/);
    rmSync(empty, { recursive: true, force: true });
  });

  it('refuses a model that requires a GPU', async () => {
    const dir = tmp();
    const run = runCli(['serve'], { RUTH_MODELS_DIR: path.join(RUNTIME_DIR, 'test/fixtures/models-gpu'), RUTH_SOCKET_DIR: dir, RUTH_HEARTBEAT_DIR: dir });
    expect((await run.exited).code).toBe(1);
    expect(JSON.stringify(run.logs)).toMatch(/requires a GPU/);
    expect(existsSync(path.join(dir, 'vas_model_gpu-only.sock'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails clearly when the handler cannot load, and leaves no socket', async () => {
    const dir = tmp();
    const run = runCli(['serve'], { RUTH_MODELS_DIR: path.join(RUNTIME_DIR, 'test/fixtures/models'), RUTH_SOCKET_DIR: dir, RUTH_HEARTBEAT_DIR: dir, RUTH_WORKERS: '1', ECHO_LOAD_FAIL: '1' });
    expect((await run.exited).code).toBe(1);
    expect(run.logs.find((l) => l.level === 'error' && String(l.msg).startsWith('cannot start'))?.msg).toMatch(/load failed on purpose/);
    expect(existsSync(path.join(dir, 'vas_model_echo.sock'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start when a weight file does not match its sha256', async () => {
    const dir = tmp();
    const models = path.join(dir, 'models');
    cpSync(path.join(RUNTIME_DIR, 'test/fixtures/models'), models, { recursive: true });
    writeFileSync(path.join(models, 'echo/weights/tiny.bin'), 'tampered\n');
    const run = runCli(['serve'], { RUTH_MODELS_DIR: models, RUTH_SOCKET_DIR: dir, RUTH_HEARTBEAT_DIR: dir, RUTH_WORKERS: '1' });
    expect((await run.exited).code).toBe(1);
    const line = run.logs.find((l) => l.level === 'error');
    expect(String(line?.msg)).toMatch(/sha256/);
    expect(line).toMatchObject({ error_type: 'WeightError', error_code: 'WEIGHT_MISMATCH' });
    // The worker thread started while the weights were hashed, but loaded nothing.
    expect(run.logs.some((l) => l.msg === 'worker ready')).toBe(false);
    expect(existsSync(path.join(dir, 'vas_model_echo.sock'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a bad environment value naming the variable', async () => {
    const dir = tmp();
    const run = runCli(['serve'], { RUTH_MODELS_DIR: path.join(RUNTIME_DIR, 'test/fixtures/models'), RUTH_SOCKET_DIR: dir, RUTH_WORKERS: 'lots' });
    expect((await run.exited).code).toBe(1);
    expect(JSON.stringify(run.logs)).toMatch(/RUTH_WORKERS must be a positive integer, got \\"lots\\"/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('removes a stale socket at start, but refuses to take over a live one', async () => {
    const dir = tmp();
    const sockPath = path.join(dir, 'vas_model_echo.sock');
    // A stale socket: a process bound it and was killed, so nothing unlinked it.
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sockPath)}, () => console.log('up'))`]);
    await new Promise((r) => holder.stdout.once('data', r));
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    expect(existsSync(sockPath)).toBe(true);
    const server = await startServerProcess({ RUTH_SOCKET_DIR: dir, RUTH_WORKERS: '1' });
    try {
      expect((await request<Record<string, unknown>>(server.socketPath, { op: 'health' })).status).toBe('ready');
      const second = runCli(['serve'], { RUTH_MODELS_DIR: path.join(RUNTIME_DIR, 'test/fixtures/models'), RUTH_SOCKET_DIR: dir, RUTH_HEARTBEAT_DIR: dir, RUTH_WORKERS: '1' });
      expect((await second.exited).code).toBe(1);
      expect(JSON.stringify(second.logs)).toMatch(/already listening/);
      // The first server still serves.
      expect((await request<Record<string, unknown>>(server.socketPath, { op: 'health' })).status).toBe('ready');
    } finally {
      await server.stop();
      server.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies RUTH_SOCKET_MODE and RUTH_SOCKET_GROUP to the socket', async () => {
    const gid = Number(execFileSync('getent', ['group', 'daemon'], { encoding: 'utf8' }).split(':')[2]);
    const server = await startServerProcess({ RUTH_WORKERS: '1', RUTH_SOCKET_MODE: '0660', RUTH_SOCKET_GROUP: 'daemon' });
    try {
      const st = statSync(server.socketPath);
      expect(st.mode & 0o777).toBe(0o660);
      expect(st.gid).toBe(gid);
    } finally {
      await server.stop();
      server.cleanup();
    }
  });

  it('health and describe commands talk to the server; --version prints the package version', async () => {
    const server = await startServerProcess({ RUTH_WORKERS: '1' });
    try {
      const health = runCli(['health', '--socket', server.socketPath]);
      expect((await health.exited).code).toBe(0);
      expect(health.logs[0]).toMatchObject({ op: 'health', status: 'ready' });
      // No RUTH_MODEL_ID and no heartbeat to go by: the socket comes from discovering the models folder.
      const env = { RUTH_MODELS_DIR: path.join(RUNTIME_DIR, 'test/fixtures/models'), RUTH_SOCKET_DIR: server.dir, RUTH_HEARTBEAT_DIR: path.join(server.dir, 'none') };
      const describeRun = runCli(['describe'], env);
      expect((await describeRun.exited).code).toBe(0);
      expect(describeRun.logs[0]).toMatchObject({ op: 'describe', model_id: 'echo' });
      const version = runCli(['--version']);
      await version.exited;
      const pkg = JSON.parse(readFileSync(path.join(RUNTIME_DIR, 'package.json'), 'utf8')) as { version: string };
      expect(version.logs[0]).toEqual({ raw: pkg.version });
    } finally {
      await server.stop();
      server.cleanup();
    }
    const gone = runCli(['health', '--socket', '/tmp/ruth-no-such.sock']);
    expect((await gone.exited).code).toBe(1);
  });

  it('health finds the socket from RUTH_MODEL_ID or the heartbeat, reading no model.yaml', async () => {
    const server = await startServerProcess({ RUTH_WORKERS: '1' });
    try {
      // No models folder at all: any YAML work would fail the command.
      const noModels = { RUTH_MODELS_DIR: path.join(server.dir, 'no-such-models'), RUTH_SOCKET_DIR: server.dir };
      const byId = runCli(['health'], { ...noModels, RUTH_MODEL_ID: 'echo' });
      expect((await byId.exited).code).toBe(0);
      expect(byId.logs[0]).toMatchObject({ op: 'health', model_id: 'echo', status: 'ready' });
      const byHeartbeat = runCli(['health'], { ...noModels, RUTH_HEARTBEAT_DIR: server.dir });
      expect((await byHeartbeat.exited).code).toBe(0);
      expect(byHeartbeat.logs[0]).toMatchObject({ op: 'health', model_id: 'echo', status: 'ready' });
    } finally {
      await server.stop();
      server.cleanup();
    }
  });
});

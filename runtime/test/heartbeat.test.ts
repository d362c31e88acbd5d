/**
 * Finding 7 of issue 8: the heartbeat is written in a folder that is often
 * world-writable. Planted links must not redirect it, and a write that fails
 * must show in health and in the log.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from '../src/client/one-shot.js';
import { Heartbeat } from '../src/health/heartbeat.js';
import { Stats } from '../src/health/stats.js';
import type { LogLevel } from '../src/log/logger.js';
import { runCli, startServerProcess } from '../src/testing/spawn-server.js';

const dir = mkdtempSync(join(tmpdir(), 'ruth-heartbeat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recorder(): { lines: { level: LogLevel; msg: string; fields?: Record<string, unknown> }[]; log: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void } {
  const lines: { level: LogLevel; msg: string; fields?: Record<string, unknown> }[] = [];
  return { lines, log: (level, msg, fields) => lines.push({ level, msg, fields }) };
}

describe('heartbeat file', { timeout: 30_000 }, () => {
  it('never writes through a symlink planted at the old predictable temporary name or at the final name', async () => {
    const folder = mkdtempSync(join(dir, 'links-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const hb = new Heartbeat(folder, 'm1', new Stats(), () => 'ready');
    symlinkSync(victim, `${hb.file}.${process.pid}.tmp`);
    await hb.write();
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(JSON.parse(readFileSync(hb.file, 'utf8'))).toMatchObject({ model_id: 'm1', status: 'ready' });

    rmSync(hb.file);
    symlinkSync(victim, hb.file);
    await hb.write();
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(JSON.parse(readFileSync(hb.file, 'utf8'))).toMatchObject({ model_id: 'm1' });
    // No temporary file is left behind.
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp') && !f.includes(String(process.pid)))).toEqual([]);
  });

  it('reports a failed write as a problem and in the log, and recovers when it can write again', async () => {
    const folder = mkdtempSync(join(dir, 'planted-'));
    const { lines, log } = recorder();
    const hb = new Heartbeat(folder, 'm2', new Stats(), () => 'ready', log);
    mkdirSync(hb.file); // a planted folder where the file goes
    await hb.write();
    await hb.write();
    expect(hb.problem()).toMatchObject({ status: 'degraded' });
    expect(hb.problem()!.reason).toContain(hb.file);
    expect(lines.filter((l) => l.msg === 'heartbeat write failed')).toHaveLength(1);
    expect(readdirSync(folder)).toEqual(['vas_heartbeat_m2.json']); // its temporary file was removed
    rmSync(hb.file, { recursive: true });
    await hb.write();
    expect(hb.problem()).toBeNull();
    expect(lines.map((l) => l.msg)).toContain('heartbeat write recovered');
  });

  it('a server whose heartbeat cannot be written says degraded, with the reason, and ruth-model health exits 1', async () => {
    const hbDir = mkdtempSync(join(dir, 'server-'));
    mkdirSync(join(hbDir, 'vas_heartbeat_echo.json'));
    const server = await startServerProcess({ RUTH_WORKERS: '1', RUTH_HEARTBEAT_DIR: hbDir });
    try {
      const h = await request<Record<string, unknown>>(server.socketPath, { op: 'health' });
      expect(h.status).toBe('degraded');
      expect(h.error).toMatch(/heartbeat file .*vas_heartbeat_echo\.json cannot be written/);
      expect(server.logs.some((l) => l.msg === 'heartbeat write failed')).toBe(true);
      const cli = runCli(['health', '--socket', server.socketPath]);
      expect((await cli.exited).code).toBe(1);
      // Inference still works: degraded is not down.
      const d = await request<Record<string, unknown>>(server.socketPath, { op: 'describe' });
      expect(d.status).toBe('degraded');
    } finally {
      await server.stop();
      server.cleanup();
    }
  });
});

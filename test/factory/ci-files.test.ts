/**
 * CI files cannot run here (no GitHub), so they are checked statically:
 * workflows against the Actions schema (action-validator), shell scripts with
 * shellcheck, and every third-party action pinned to a full commit SHA.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/models.js';

const exec = promisify(execFile);
const workflows = readdirSync(join(ROOT, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join('.github/workflows', f));

describe('CI files', { timeout: 60_000 }, () => {
  it('has at least one workflow', () => {
    expect(workflows.length).toBeGreaterThan(0);
  });

  for (const wf of workflows) {
    it(`${wf} is a valid workflow`, async () => {
      const { stdout, stderr } = await exec('npx', ['--no-install', 'action-validator', wf], { cwd: ROOT });
      expect(stdout + stderr).not.toMatch(/error/i);
    });

    it(`${wf} pins every action by commit SHA with its version in a comment`, () => {
      const uses = [...readFileSync(join(ROOT, wf), 'utf8').matchAll(/uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, ref, rest] of uses) {
        expect(ref, ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        expect(rest, ref).toMatch(/# v\d+\.\d+\.\d+/);
      }
    });
  }

  // Every shell script CI or an image build runs.
  const scripts = ['.ci/run', '.ci/install-host.sh', ...readdirSync(join(ROOT, 'runtime/docker')).filter((f) => f.endsWith('.sh')).map((f) => join('runtime/docker', f))];
  it(`${scripts.join(', ')} pass shellcheck`, async () => {
    const { stdout } = await exec('shellcheck', scripts, { cwd: ROOT });
    expect(stdout).toBe('');
  });

  // The programs image builds run with node: type-checked as strict JavaScript.
  const programs = readdirSync(join(ROOT, 'runtime/docker')).filter((f) => f.endsWith('.mjs')).map((f) => join('runtime/docker', f));
  it(`${programs.join(', ')} pass tsc --checkJs --strict`, async () => {
    expect(programs.length).toBeGreaterThan(0);
    const args = ['--no-install', 'tsc', '--noEmit', '--allowJs', '--checkJs', '--strict', '--module', 'nodenext', '--target', 'es2022', '--types', 'node', ...programs];
    await expect(exec('npx', args, { cwd: ROOT })).resolves.toMatchObject({ stdout: '' });
  });
});

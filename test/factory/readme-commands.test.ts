/**
 * The README's build and test commands are what CI runs: .ci/run must run
 * each of them as written, and set no environment variable the README does
 * not tell a user about, so a green CI means the README's commands work.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/models.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ciRun = readFileSync(join(ROOT, '.ci/run'), 'utf8');

/** The single command line in the ```sh block under a README heading. */
function commandUnder(heading: string): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  expect(section, `README has a "## ${heading}" section`).toBeDefined();
  const block = /```sh\n([^\n]+)\n```/.exec(section!);
  expect(block, `"## ${heading}" shows its command in a sh block`).not.toBeNull();
  return block![1]!.trim();
}

/** .ci/run's lines that run something: no comments, blanks or shell control words. */
const ciLines = ciRun.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

describe('README commands and .ci/run', () => {
  it('.ci/run runs the README build command, then its test command, as written', () => {
    const build = commandUnder('Build everything');
    const test = commandUnder('Test everything');
    expect(build).toBe('npm ci && npm run build');
    expect(test).toBe('npm test');
    const at = (cmd: string): number => ciLines.indexOf(cmd);
    expect(at(build), `.ci/run has the line "${build}"`).toBeGreaterThan(-1);
    expect(at(test), `.ci/run has the line "${test}"`).toBeGreaterThan(at(build));
  });

  it('.ci/run sets no environment variable the README does not mention', () => {
    // export X=..., X=... at a line start, or X=... before a command (env vars are upper case; shell locals are not).
    const names = new Set([...ciRun.matchAll(/(?:^|\s|export\s+|env\s+)([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    const unexplained = [...names].filter((name) => !readme.includes(name));
    expect(unexplained).toEqual([]);
  });

  it('.ci/run runs npm only as the README does', () => {
    const npmLines = ciLines.filter((l) => /(^|&&\s*|\|\|\s*)npm\b/.test(l));
    expect(npmLines).toEqual([commandUnder('Build everything'), commandUnder('Test everything')]);
  });
});

describe('README Layout', () => {
  const block = /## Layout\n\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  // Each entry is the first word of a line; indented entries are inside the last top-level folder.
  const entries: string[] = [];
  let parent = '';
  for (const line of block.split('\n').filter((l) => l.trim() !== '')) {
    const name = line.trim().split(/\s+/)[0]!;
    if (line.startsWith(' ')) {
      entries.push(parent + name);
    } else {
      parent = name;
      entries.push(name);
    }
  }

  it('names only paths that exist', () => {
    expect(entries.length).toBeGreaterThan(10);
    const missing = entries.filter((e) => !e.includes('<') && !existsSync(join(ROOT, e)));
    expect(missing).toEqual([]);
  });

  it('names every top-level folder the repository tracks', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((f) => f.includes('/')).map((f) => `${f.split('/')[0]}/`);
    const folders = [...new Set(tracked)].filter((f) => existsSync(join(ROOT, f)));
    expect(folders.filter((f) => !entries.some((e) => e === f || e.startsWith(f)))).toEqual([]);
  });
});

/**
 * One way into the runtime: models, scripts and tests import
 * `@ruth-ai/model-runtime` (or its `/testing` and `/image` entries), never a
 * relative path into another package's files, and never a path built at run
 * time into runtime/src, dist or test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/models.js';

const SKIP = new Set(['node_modules', 'dist', '.git', '.cache', 'weights']);
const RUNTIME_ENTRIES = Object.keys((JSON.parse(readFileSync(join(ROOT, 'runtime/package.json'), 'utf8')) as { exports: Record<string, string> }).exports).map((k) =>
  k.replace(/^\./, '@ruth-ai/model-runtime'),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (SKIP.has(d.name)) return [];
    const full = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|mjs|js)$/.test(d.name) && !d.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The folder of the nearest package.json: the package a file belongs to. */
function packageOf(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const files = ['runtime', 'models', 'scripts', 'test'].flatMap((d) => sourceFiles(join(ROOT, d)));

describe('imports', () => {
  it('finds the source files of every package', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('no relative import leaves its own package', () => {
    const crossing = files.flatMap((file) => {
      const own = packageOf(file);
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      return importedFiles
        .map((i) => i.fileName)
        .filter((name) => name.startsWith('.') && packageOf(resolve(dirname(file), name)) !== own)
        .map((name) => `${relative(ROOT, file)}: ${name}`);
    });
    expect(crossing).toEqual([]);
  });

  it('the runtime is imported only through its package entries', () => {
    const wrong = files.flatMap((file) => {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      return importedFiles
        .map((i) => i.fileName)
        .filter((name) => name.startsWith('@ruth-ai/model-runtime') && !RUNTIME_ENTRIES.includes(name))
        .map((name) => `${relative(ROOT, file)}: ${name}`);
    });
    expect(wrong).toEqual([]);
  });

  it('nothing outside runtime/ reaches runtime/src, dist or test by a path', () => {
    const outside = files.filter((f) => !f.startsWith(join(ROOT, 'runtime/')));
    const reaching = outside.filter((f) => /runtime\/(src|dist|test)\//.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(reaching).toEqual([]);
  });
});

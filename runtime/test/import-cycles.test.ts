import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Relative imports of every file under src, as absolute .ts paths (TypeScript's own scanner, type-only imports included). */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(SRC, f));
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      const local = importedFiles.map((i) => i.fileName).filter((name) => name.startsWith('.'));
      return [file, local.map((name) => resolve(dirname(file), name).replace(/\.js$/, '.ts'))];
    }),
  );
}

/** Every cycle found by a depth-first walk, each as the list of files on it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push(stack.slice(stack.indexOf(next)).map((f) => f.slice(SRC.length)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('runtime/src imports', () => {
  it('form no cycle', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(cycles(graph)).toEqual([]);
  });

  it('keep ipc/ below the lifecycle: nothing in ipc/ imports lifecycle/', () => {
    const up = [...importGraph()].flatMap(([file, deps]) => (file.includes('/ipc/') ? deps.filter((d) => d.includes('/lifecycle/')) : []));
    expect(up).toEqual([]);
  });
});

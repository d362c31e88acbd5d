/** Writes the fall-detection section of docs/benchmarks.md, between its markers, leaving the rest alone. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- fall-detection-bench:start -->';
const END = '<!-- fall-detection-bench:end -->';
const RUNTIME_START = '<!-- runtime-bench:start -->';
const RUNTIME_END = '<!-- runtime-bench:end -->';

export function writeSection(file: string, body: string): void {
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : `# Benchmarks\n\n${RUNTIME_START}\n_Runtime figures: run \`npm run bench\`._\n${RUNTIME_END}\n\n${START}\n${END}\n`;
  if (!text.includes(START) || !text.includes(END)) text = `${text.trimEnd()}\n\n${START}\n${END}\n`;
  const before = text.slice(0, text.indexOf(START) + START.length);
  const after = text.slice(text.indexOf(END));
  writeFileSync(file, `${before}\n${body.trim()}\n${after}`);
}

export interface Row {
  target?: string;
  frame: string;
  size: string;
  callers: number;
  requests: number;
  fps: number;
  p50: number;
  p99: number;
  passes: number;
  errors: number;
}

export function table(rows: Row[]): string {
  const head = '| target | frame | size | callers | requests | frames/s | p50 ms | p99 ms | pose passes/frame | errors |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map((r) => `| ${r.target ?? 'serve'} | ${r.frame} | ${r.size} | ${r.callers} | ${r.requests} | ${r.fps.toFixed(1)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.passes.toFixed(2)} | ${r.errors} |`);
  return [head, ...lines].join('\n');
}

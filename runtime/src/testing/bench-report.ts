/** Benchmark reports: the machine line, and writing one section of docs/benchmarks.md between its markers. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/** A new docs/benchmarks.md; each benchmark appends its own marked section. */
const SKELETON = `# Benchmarks

Figures are measured on the machine named in each section; timings are noisy, so compare ratios within one run.
`;

export function machine(loadAtStart: number): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  // The load average tells a reader whether other work shared the cores during the run.
  const load = loadAtStart.toFixed(2);
  return `${cpu}, ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}; 1-min load average at the start ${load}`;
}

/**
 * Replaces only the text between `<!-- ${section}:start -->` and its end
 * marker, leaving the rest alone; a missing file or section is added. The
 * runtime's bench writes `runtime-bench`, a model's bench its own section.
 */
export function writeSection(file: string, section: string, body: string): void {
  const start = `<!-- ${section}:start -->`;
  const end = `<!-- ${section}:end -->`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : SKELETON;
  if (!text.includes(start) || !text.includes(end)) text = `${text.trimEnd()}\n\n${start}\n${end}\n`;
  const before = text.slice(0, text.indexOf(start) + start.length);
  const after = text.slice(text.indexOf(end));
  writeFileSync(file, `${before}\n${body.trim()}\n${after}`);
}

/** The p-th percentile of an ascending list (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

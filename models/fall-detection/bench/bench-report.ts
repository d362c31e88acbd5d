/** The fall-detection bench's table (its section of docs/benchmarks.md is written by the runtime's writeSection). */

export interface Row {
  target?: string;
  frame: string;
  size: string;
  callers: number;
  requests: number;
  fps: number;
  p50: number;
  p99: number;
  /** Mean latency, ms. */
  mean: number;
  passes: number;
  errors: number;
}

export function table(rows: Row[]): string {
  const head = '| target | frame | size | callers | requests | frames/s | p50 ms | p99 ms | pose passes/frame | errors |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map((r) => `| ${r.target ?? 'serve'} | ${r.frame} | ${r.size} | ${r.callers} | ${r.requests} | ${r.fps.toFixed(1)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.passes.toFixed(2)} | ${r.errors} |`);
  return [head, ...lines].join('\n');
}

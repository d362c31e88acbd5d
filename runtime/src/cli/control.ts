/**
 * `ruth-model health` and `ruth-model describe`: one control request, JSON
 * printed. `ruth-model metrics`: the Prometheus text itself, as a scraper
 * would read it (e.g. for node_exporter's textfile collector).
 */
import { request } from '../client/one-shot.js';
import { flags } from './args.js';
import { resolveSocket } from './socket-arg.js';

async function control(op: 'health' | 'describe' | 'metrics', argv: string[]): Promise<{ code: number; body?: Record<string, unknown> }> {
  const f = flags(argv, ['socket', 'timeout-ms']);
  try {
    const socket = resolveSocket(f.socket);
    const body = await request<Record<string, unknown>>(socket, { op }, { timeoutMs: Number(f['timeout-ms'] ?? 5000) });
    if (op === 'metrics') {
      if (typeof body.metrics !== 'string') throw new Error(`the server answered no metrics: ${JSON.stringify(body.error ?? body)}`);
      process.stdout.write(body.metrics);
    } else process.stdout.write(`${JSON.stringify(body)}\n`);
    return { code: 0, body };
  } catch (err) {
    process.stderr.write(`ruth-model ${op}: ${(err as Error).message}\n`);
    return { code: 1 };
  }
}

/** Exit 0 only when the server answers and says ready (the image HEALTHCHECK): degraded, not_ready, loading are all 1. */
export async function healthCommand(argv: string[]): Promise<number> {
  const { code, body } = await control('health', argv);
  return code === 0 && body?.status === 'ready' ? 0 : 1;
}

export async function describeCommand(argv: string[]): Promise<number> {
  return (await control('describe', argv)).code;
}

export async function metricsCommand(argv: string[]): Promise<number> {
  return (await control('metrics', argv)).code;
}

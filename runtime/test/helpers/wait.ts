import { request } from '../../src/client/one-shot.js';
import { until } from '../../src/testing/until.js';

/** Waits (op: health) until at least `n` requests are in flight: no guessing with sleeps. */
export async function waitForInFlight(socketPath: string, n: number): Promise<void> {
  await until(async () => ((await request<Record<string, unknown>>(socketPath, { op: 'health' })).in_flight as number) >= n, 10_000, `${n} requests in flight`);
}

/** Waits (op: health) until status is `want` (and its error matches, if given); returns that answer. */
export async function waitForStatus(socketPath: string, want: string, error?: RegExp): Promise<{ status: string; error: string | null }> {
  return until(async () => {
    const h = await request<{ status: string; error: string | null }>(socketPath, { op: 'health' });
    return h.status === want && (error === undefined || error.test(h.error ?? '')) ? h : undefined;
  }, 20_000, `health status ${want}${error ? ` with error ${error}` : ''}`);
}

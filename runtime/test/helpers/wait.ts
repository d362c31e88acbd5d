import { request } from '../../src/client/one-shot.js';

/** Polls `op: health` until at least `n` requests are in flight: no guessing with sleeps. */
export async function waitForInFlight(socketPath: string, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const h = await request<Record<string, unknown>>(socketPath, { op: 'health' });
    if ((h.in_flight as number) >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never saw ${n} requests in flight`);
}

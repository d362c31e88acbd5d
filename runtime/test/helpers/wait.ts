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

/** Polls `op: health` until status is `want` (and its error matches, if given); returns that answer. */
export async function waitForStatus(socketPath: string, want: string, error?: RegExp): Promise<{ status: string; error: string | null }> {
  let h = { status: '', error: null as string | null };
  for (let i = 0; i < 400; i++) {
    h = await request<{ status: string; error: string | null }>(socketPath, { op: 'health' });
    if (h.status === want && (error === undefined || error.test(h.error ?? ''))) return h;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`health never said ${want}; last ${JSON.stringify(h)}`);
}

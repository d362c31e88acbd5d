/**
 * A lean one-shot load driver: C loops, each connect -> write -> read one
 * framed response -> close, as the platform's core does. It pre-encodes the
 * request and checks only the response's error_code, so the client spends
 * as little CPU as it can on the machine it shares with the server.
 */
import net from 'node:net';

export interface LoadResult {
  concurrency: number;
  requests: number;
  seconds: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Connections refused or reset (the old runtime's EAGAIN failure). */
  refused: number;
  /** Framed error responses, by code. */
  errors: Record<string, number>;
}

const ERROR_CODE_RE = /"error_code":"([A-Z_]+)"/;

function oneShot(socketPath: string, frame: Buffer): Promise<{ ok: boolean; code?: string; refused?: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    let buf: Buffer | null = null;
    sock.on('connect', () => sock.write(frame));
    sock.on('data', (chunk: Buffer) => {
      buf = buf === null ? chunk : Buffer.concat([buf, chunk]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        sock.destroy();
        const m = ERROR_CODE_RE.exec(buf.toString('latin1', 4, 4 + buf.readUInt32BE(0)));
        resolve(m ? { ok: false, code: m[1] } : { ok: true });
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, refused: true, code: err.code }));
    sock.on('close', () => resolve({ ok: false, refused: true, code: 'CLOSED' }));
  });
}

export async function runLoad(socketPath: string, frame: Buffer, concurrency: number, seconds: number, warmupSeconds = 0.5): Promise<LoadResult> {
  const latencies: number[] = [];
  let refused = 0;
  const errors: Record<string, number> = {};
  const warmEnd = performance.now() + warmupSeconds * 1000;
  const end = warmEnd + seconds * 1000;
  const loop = async (): Promise<void> => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      const r = await oneShot(socketPath, frame);
      const t1 = performance.now();
      if (t0 < warmEnd) continue;
      if (r.refused) refused++;
      else if (!r.ok) errors[r.code!] = (errors[r.code!] ?? 0) + 1;
      latencies.push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  latencies.sort((a, b) => a - b);
  const pick = (q: number): number => (latencies.length === 0 ? 0 : Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100);
  const ok = latencies.length - refused - Object.values(errors).reduce((a, b) => a + b, 0);
  return { concurrency, requests: ok, seconds, rps: Math.round(ok / seconds), p50_ms: pick(0.5), p99_ms: pick(0.99), refused, errors };
}

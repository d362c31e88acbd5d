/** Requests, raw bodies and gates for the runtime's own socket tests (FrameDir is in src/testing). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

let nextFrameId = 1;

/** A valid request for the echo fixture; `over` replaces top-level keys. */
export function goodRequest(frameReference: string, over: Record<string, unknown> = {}, width = 64, height = 48): Record<string, unknown> {
  return {
    frame_reference: frameReference,
    frame_metadata: { frame_id: nextFrameId++, width, height, format: 'nv12', timestamp: 1_700_000_000.5 },
    camera_id: 'cam-1',
    model_id: 'echo',
    timestamp: 1_700_000_000.5,
    config: null,
    ...over,
  };
}

/** Frames a raw body (any bytes) with a 4-byte big-endian length. */
export function framed(body: Buffer | string, length?: number): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const head = Buffer.alloc(4);
  head.writeUInt32BE(length ?? b.length, 0);
  return Buffer.concat([head, b]);
}

let nextGate = 1;

/**
 * A gate for the echo fixture's `mode: 'gate'`: requests sent with
 * `gate.config` wait inside the handler until `open()` creates the file. Tests
 * decide the order of completion themselves instead of guessing with sleeps.
 */
export function gate(dir: string): { config: { mode: 'gate'; gate: string }; open(): void } {
  const file = path.join(dir, `gate-${process.pid}-${nextGate++}`);
  return { config: { mode: 'gate', gate: file }, open: () => writeFileSync(file, '') };
}

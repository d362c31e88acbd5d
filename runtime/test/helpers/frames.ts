/** Real frame files for tests: NV12 bytes written into a temp folder under /dev/shm. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class FrameDir {
  readonly dir: string;

  constructor(root = '/dev/shm') {
    this.dir = mkdtempSync(path.join(root, 'ruth-frames-'));
  }

  /** Writes an NV12 frame of mid-grey luma (value `y`) and neutral chroma; returns its path. */
  nv12(name: string, width: number, height: number, y = 128): string {
    const data = Buffer.alloc((width * height * 3) / 2, 128);
    data.fill(y, 0, width * height);
    const file = path.join(this.dir, name);
    writeFileSync(file, data);
    return file;
  }

  raw(name: string, bytes: number): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, Buffer.alloc(bytes, 7));
    return file;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

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
